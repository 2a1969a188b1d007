//! The reader of rule files (`docs/consent-rules.md`): JSON in, checked [`Rule`]s out, errors as
//! `(path, message)`, the path naming the bad value (`custom.toggles[2].control`).

use serde_json::{Map, Value};

use super::*;

type Res<T> = Result<T, (String, String)>;

const RULE_FIELDS: [&str; 14] = [
    "name",
    "vendor",
    "cmpIds",
    "runs",
    "detect",
    "prehide",
    "payOrConsent",
    "refuseAll",
    "acceptAll",
    "custom",
    "done",
    "unlock",
    "refuseAllKeepsLegitimateInterest",
    "reopen",
];
const ACTIONS: [&str; 9] = ["click", "waitFor", "waitForGone", "waitForThenClick", "wait", "hide", "if", "any", "set"];
const MAPPINGS: [&str; 4] = ["tcf", "specialFeatures", "category", "purposes"];
static NULL: Value = Value::Null;

fn bad<T>(path: &str, message: impl Into<String>) -> Res<T> {
    Err((path.to_owned(), message.into()))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A bad value as JSON, cut short.
fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

fn found(expected: &str, v: &Value) -> String {
    format!("expected {expected}, found {}", show(v))
}

fn get<'a>(map: &'a Map<String, Value>, key: &str) -> &'a Value {
    map.get(key).unwrap_or(&NULL)
}

/// `v` as an object whose keys are all in `allowed`.
fn object<'a>(v: &'a Value, path: &str, what: &str, allowed: &[&str]) -> Res<&'a Map<String, Value>> {
    let Value::Object(map) = v else { return bad(path, found(&format!("{what} (an object)"), v)) };
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(key) => bad(&join(path, key), format!("unknown field in {what} (expected {})", allowed.join(", "))),
        None => Ok(map),
    }
}

fn string<'a>(v: &'a Value, path: &str) -> Res<&'a str> {
    v.as_str().ok_or_else(|| (path.to_owned(), found("a string", v)))
}

fn flag(map: &Map<String, Value>, path: &str, key: &str) -> Res<bool> {
    match map.get(key) {
        None => Ok(false),
        Some(v) => v.as_bool().ok_or_else(|| (join(path, key), found("true or false", v))),
    }
}

fn ms(v: &Value, path: &str, max: u32) -> Res<u32> {
    match v.as_u64() {
        Some(n) => {
            u32::try_from(n).ok().filter(|&n| n <= max).ok_or_else(|| (path.to_owned(), format!("{n} ms is over the limit of {max} ms")))
        }
        None => bad(path, found("a number of milliseconds", v)),
    }
}

fn list<'a>(v: &'a Value, path: &str, what: &str) -> Res<&'a [Value]> {
    v.as_array().map(Vec::as_slice).ok_or_else(|| (path.to_owned(), found(&format!("{what} (an array)"), v)))
}

fn each<T>(items: &[Value], path: &str, read: impl Fn(&Value, &str) -> Res<T>) -> Res<Vec<T>> {
    items.iter().enumerate().map(|(i, item)| read(item, &format!("{path}[{i}]"))).collect()
}

fn selector(v: &Value, path: &str) -> Res<Selector> {
    match v {
        Value::String(s) if s.trim().is_empty() => bad(path, "empty selector"),
        Value::String(s) => Ok(Selector(vec![s.clone()])),
        Value::Array(items) if items.is_empty() => bad(path, "empty selector chain"),
        Value::Array(items) => Ok(Selector(each(items, path, |item, p| match string(item, p)? {
            s if s.trim().is_empty() => bad(p, "empty selector"),
            s => Ok(s.to_owned()),
        })?)),
        _ => bad(path, found("a selector (a string or an array of strings)", v)),
    }
}

fn selectors(v: &Value, path: &str, needed: bool) -> Res<Vec<Selector>> {
    let items = list(v, path, "a list of selectors")?;
    if needed && items.is_empty() {
        return bad(path, "empty list: at least one selector is needed");
    }
    each(items, path, selector)
}

pub(super) fn file(json: &str) -> Res<Vec<Rule>> {
    let value: Value = serde_json::from_str(json).map_err(|e| (String::new(), format!("not JSON: {e}")))?;
    match &value {
        Value::Array(items) => each(items, "", rule),
        Value::Object(_) => Ok(vec![rule(&value, "")?]),
        other => bad("", found("a rule (an object) or an array of rules", other)),
    }
}

/// A JavaScript identifier of the plain kind (`Cookiebot`, `_iub`, `$cmp`).
fn identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        && s.len() <= 64
}

/// `reopen`: `{ "call": "Cookiebot.renew", "args": [] }` or `{ "click": "#ot-sdk-btn" }`.
fn reopen(v: &Value, path: &str) -> Res<Reopen> {
    let map = object(v, path, "reopen", &["call", "args", "click"])?;
    match (map.get("call"), map.get("click")) {
        (Some(call), None) => {
            let p = join(path, "call");
            let dotted = string(call, &p)?;
            let parts: Vec<String> = dotted.split('.').map(str::to_owned).collect();
            if parts.len() > 4 || !parts.iter().all(|part| identifier(part)) {
                return bad(&p, format!("{} is not a function's path (up to 4 names joined by '.')", show(call)));
            }
            let args = match map.get("args") {
                None => Vec::new(),
                Some(a) => {
                    let p = join(path, "args");
                    let items = list(a, &p, "a list of arguments")?;
                    if items.len() > 4 {
                        return bad(&p, "more than 4 arguments");
                    }
                    each(items, &p, |item, p| match item {
                        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(item.clone()),
                        other => bad(p, found("a string, number or boolean", other)),
                    })?
                }
            };
            Ok(Reopen::Call { path: parts, args })
        }
        (None, Some(click)) => {
            if map.contains_key("args") {
                return bad(&join(path, "args"), "only with call");
            }
            let p = join(path, "click");
            match string(click, &p)? {
                s if s.trim().is_empty() || s.starts_with("xpath/") => bad(&p, "a plain CSS selector"),
                s => Ok(Reopen::Click { selector: s.to_owned() }),
            }
        }
        _ => bad(path, "either call or click"),
    }
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// One rule; `at` is its place in the file (`[3]`, or empty), used until its name is known.
fn rule(v: &Value, at: &str) -> Res<Rule> {
    let Value::Object(map) = v else { return bad(at, found("a rule (an object)", v)) };
    let name = match map.get("name") {
        None => return bad(&join(at, "name"), "missing"),
        Some(n) => match string(n, &join(at, "name"))? {
            s if valid_name(s) => s.to_owned(),
            _ => {
                return bad(
                    &join(at, "name"),
                    format!("{} is not a rule name (lower-case letters, digits and '-', not starting with '-')", show(n)),
                )
            }
        },
    };
    let root = name.clone();
    let path = root.as_str();
    object(v, path, "a rule", &RULE_FIELDS)?;
    let field = |key: &str| (map.get(key), join(path, key));
    let vendor = match field("vendor") {
        (None, p) => return bad(&p, "missing"),
        (Some(v), p) => match string(v, &p)? {
            s if s.trim().is_empty() => return bad(&p, "empty vendor name"),
            s => s.to_owned(),
        },
    };
    let cmp_ids = match field("cmpIds") {
        (None, _) => Vec::new(),
        (Some(v), p) => each(list(v, &p, "a list of CMP ids")?, &p, |id, p| {
            id.as_u64()
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| (1..=4095).contains(n))
                .ok_or_else(|| (p.to_owned(), found("a CMP id (1–4095)", id)))
        })?,
    };
    let detect = match field("detect") {
        (None, p) => return bad(&p, "missing: a rule needs detect"),
        (Some(v), p) => {
            let d = object(v, &p, "detect", &["present", "showing"])?;
            let present = match d.get("present") {
                None => return bad(&join(&p, "present"), "missing"),
                Some(v) => selectors(v, &join(&p, "present"), true)?,
            };
            let showing = d.get("showing").map(|v| selectors(v, &join(&p, "showing"), true)).transpose()?;
            Detect { showing: showing.unwrap_or_else(|| present.clone()), present }
        }
    };
    let path_steps = |key: &str| -> Res<Option<Vec<Step>>> {
        let (Some(v), p) = field(key) else { return Ok(None) };
        match steps(v, &p)? {
            s if s.is_empty() => bad(&p, "no steps (leave the field out instead)"),
            s => Ok(Some(s)),
        }
    };
    let list_of = |key: &str| field(key).0.map(|v| selectors(v, &join(path, key), false)).transpose().map(Option::unwrap_or_default);
    let rule = Rule {
        runs: field("runs").0.map(|v| runs(v, &join(path, "runs"))).transpose()?.unwrap_or_default(),
        prehide: field("prehide").0.map(|v| prehide(v, &join(path, "prehide"))).transpose()?.unwrap_or_default(),
        pay_or_consent: list_of("payOrConsent")?,
        refuse_all: path_steps("refuseAll")?,
        accept_all: path_steps("acceptAll")?,
        custom: field("custom").0.map(|v| custom(v, &join(path, "custom"))).transpose()?,
        done: field("done").0.map(|v| steps(v, &join(path, "done"))).transpose()?.unwrap_or_default(),
        unlock: list_of("unlock")?,
        refuse_all_keeps_legitimate_interest: flag(map, path, "refuseAllKeepsLegitimateInterest")?,
        reopen: field("reopen").0.map(|v| reopen(v, &join(path, "reopen"))).transpose()?,
        name,
        vendor,
        cmp_ids,
        detect,
    };
    if rule.refuse_all.is_none() && rule.accept_all.is_none() && rule.custom.is_none() {
        return bad(path, "no answer: a rule needs refuseAll, acceptAll or custom");
    }
    Ok(rule)
}

fn runs(v: &Value, path: &str) -> Res<Runs> {
    let map = object(v, path, "runs", &["frame", "urls"])?;
    let frame = match map.get("frame") {
        None => FrameScope::Top,
        Some(f) => match string(f, &join(path, "frame"))? {
            "top" => FrameScope::Top,
            "child" => FrameScope::Child,
            "any" => FrameScope::Any,
            _ => return bad(&join(path, "frame"), found("top, child or any", f)),
        },
    };
    let urls = match map.get("urls") {
        None => None,
        Some(u) => {
            let p = join(path, "urls");
            let re = regex::RegexBuilder::new(string(u, &p)?).size_limit(1 << 20).build().map_err(|e| {
                (p.clone(), format!("not a regular expression: {}", e.to_string().split_whitespace().collect::<Vec<_>>().join(" ")))
            })?;
            Some(re)
        }
    };
    Ok(Runs { frame, urls })
}

fn prehide(v: &Value, path: &str) -> Res<Vec<String>> {
    each(list(v, path, "a list of CSS selectors")?, path, |item, p| match item {
        Value::Array(_) => bad(p, "a chain: prehide takes plain CSS selectors only"),
        _ => match string(item, p)? {
            s if s.trim().is_empty() => bad(p, "empty selector"),
            s if s.starts_with("xpath/") => bad(p, "an XPath: prehide takes plain CSS selectors only"),
            s => Ok(s.to_owned()),
        },
    })
}

fn steps(v: &Value, path: &str) -> Res<Vec<Step>> {
    each(list(v, path, "a list of steps")?, path, step)
}

fn step(v: &Value, path: &str) -> Res<Step> {
    let Value::Object(map) = v else { return bad(path, found("a step (an object)", v)) };
    let given: Vec<&str> = ACTIONS.iter().copied().filter(|a| map.contains_key(*a)).collect();
    let action = match given.as_slice() {
        [one] => *one,
        [] => match map.keys().find(|k| k.as_str() != "optional") {
            Some(k) => return bad(&join(path, k), format!("unknown step (expected one of {})", ACTIONS.join(", "))),
            None => return bad(path, format!("no action (expected one of {})", ACTIONS.join(", "))),
        },
        [a, b, ..] => return bad(path, format!("two actions, {a} and {b}: a step has one")),
    };
    let options: &[&str] = match action {
        "click" => &["all"],
        "waitFor" => &["visible", "timeout"],
        "waitForGone" => &["timeout"],
        "waitForThenClick" => &["visible", "timeout", "all"],
        "if" => &["then", "else"],
        "set" => &["on", "kind", "off"],
        _ => &[],
    };
    let allowed: Vec<&str> = [action, "optional"].into_iter().chain(options.iter().copied()).collect();
    object(v, path, &format!("a {action} step"), &allowed)?;
    let target = || selector(get(map, action), &join(path, action));
    let timeout = || map.get("timeout").map_or(Ok(DEFAULT_TIMEOUT_MS), |t| ms(t, &join(path, "timeout"), MAX_TIMEOUT_MS));
    let branch = |key: &str| map.get(key).map_or(Ok(Vec::new()), |s| steps(s, &join(path, key)));
    let action = match action {
        "click" => Action::Click { target: target()?, all: flag(map, path, "all")? },
        "waitFor" => Action::WaitFor { target: target()?, visible: flag(map, path, "visible")?, timeout_ms: timeout()? },
        "waitForGone" => Action::WaitForGone { target: target()?, timeout_ms: timeout()? },
        "waitForThenClick" => Action::WaitForThenClick {
            target: target()?,
            visible: flag(map, path, "visible")?,
            timeout_ms: timeout()?,
            all: flag(map, path, "all")?,
        },
        "wait" => Action::Wait { ms: ms(get(map, "wait"), &join(path, "wait"), MAX_WAIT_MS)? },
        "hide" => Action::Hide { target: target()? },
        "if" => Action::If { condition: condition(get(map, "if"), &join(path, "if"))?, then: branch("then")?, otherwise: branch("else")? },
        "any" => match steps(get(map, "any"), &join(path, "any"))? {
            s if s.is_empty() => return bad(&join(path, "any"), "no steps to choose from"),
            steps => Action::Any { steps },
        },
        _ => {
            let on = match map.get("on") {
                None => return bad(&join(path, "on"), "missing: a set step says on: true or false"),
                Some(_) => flag(map, path, "on")?,
            };
            let (kind, off) = kind_and_off(map, path)?;
            Action::Set { target: target()?, on, kind, off }
        }
    };
    Ok(Step { action, optional: flag(map, path, "optional")? })
}

fn condition(v: &Value, path: &str) -> Res<Condition> {
    let map = object(v, path, "a condition", &["exists", "visible", "not"])?;
    let keys: Vec<&str> = map.keys().map(String::as_str).collect();
    match keys.as_slice() {
        ["exists"] => Ok(Condition::Exists(selector(get(map, "exists"), &join(path, "exists"))?)),
        ["visible"] => Ok(Condition::Visible(selector(get(map, "visible"), &join(path, "visible"))?)),
        ["not"] => Ok(Condition::Not(Box::new(condition(get(map, "not"), &join(path, "not"))?))),
        [] => bad(path, "empty condition (expected exists, visible or not)"),
        _ => bad(path, "a condition has one of exists, visible, not"),
    }
}

fn kind(v: &Value, path: &str) -> Res<Kind> {
    match string(v, path)? {
        "checkbox" => Ok(Kind::Checkbox),
        "aria" => Ok(Kind::Aria),
        "radio" => Ok(Kind::Radio),
        s => match s.strip_prefix("class:") {
            Some(c) if !c.is_empty() && !c.starts_with('.') && !c.chars().any(char::is_whitespace) => Ok(Kind::Class(c.to_owned())),
            Some(_) => bad(path, format!("{}: class:NAME takes one class name, without a dot", show(v))),
            None => bad(path, format!("unknown kind {} (expected checkbox, aria, class:NAME or radio)", show(v))),
        },
    }
}

fn kind_and_off(map: &Map<String, Value>, path: &str) -> Res<(Kind, Option<Selector>)> {
    let kind = map.get("kind").map(|k| kind(k, &join(path, "kind"))).transpose()?.unwrap_or_default();
    let off = map.get("off").map(|o| selector(o, &join(path, "off"))).transpose()?;
    match (&kind, &off) {
        (Kind::Radio, None) => bad(&join(path, "kind"), "radio needs off, the selector of the button that means no"),
        (Kind::Radio, Some(_)) | (_, None) => Ok((kind, off)),
        (_, Some(_)) => bad(&join(path, "off"), "off applies to kind radio only"),
    }
}

fn custom(v: &Value, path: &str) -> Res<Custom> {
    let map = object(v, path, "custom", &["open", "toggles", "tcfPurposes", "save"])?;
    let branch = |key: &str| map.get(key).map_or(Ok(Vec::new()), |s| steps(s, &join(path, key)));
    let toggles = match map.get("toggles") {
        None => Vec::new(),
        Some(t) => each(list(t, &join(path, "toggles"), "a list of toggles")?, &join(path, "toggles"), toggle)?,
    };
    let tcf_purposes = map.get("tcfPurposes").map(|t| tcf_purposes(t, &join(path, "tcfPurposes"))).transpose()?;
    let open = branch("open")?;
    // No switches of its own: `open` hands the settings to a frame's rule (docs/consent-rules.md).
    if toggles.is_empty() && tcf_purposes.is_none() && open.is_empty() {
        return bad(path, "no switches: custom needs toggles, tcfPurposes, or open steps that hand the settings to a frame's rule");
    }
    Ok(Custom { open, toggles, tcf_purposes, save: branch("save")? })
}

fn toggle(v: &Value, path: &str) -> Res<Toggle> {
    let fields = ["control", "tcf", "specialFeatures", "category", "purposes", "legitimateInterest", "kind", "off"];
    let map = object(v, path, "a toggle", &fields)?;
    let control = match map.get("control") {
        None => return bad(&join(path, "control"), "missing"),
        Some(c) => selector(c, &join(path, "control"))?,
    };
    let legitimate_interest = flag(map, path, "legitimateInterest")?;
    let given: Vec<&str> = MAPPINGS.iter().copied().filter(|k| map.contains_key(*k)).collect();
    let mapping = match given.as_slice() {
        [] if legitimate_interest => None,
        [] => return bad(path, "no mapping (expected one of tcf, specialFeatures, category, purposes, or legitimateInterest: true)"),
        [key] => Some(mapping(key, get(map, key), &join(path, key))?),
        [a, b, ..] => return bad(path, format!("two mappings, {a} and {b}: a toggle has one")),
    };
    if legitimate_interest && matches!(mapping, Some(Mapping::SpecialFeatures(_))) {
        return bad(&join(path, "legitimateInterest"), "special features have no legitimate interest");
    }
    let (kind, off) = kind_and_off(map, path)?;
    Ok(Toggle { control, mapping, legitimate_interest, kind, off })
}

fn mapping(key: &str, v: &Value, path: &str) -> Res<Mapping> {
    match key {
        "tcf" => Ok(Mapping::Tcf(ids(v, path, 11, "TCF purpose")?)),
        "specialFeatures" => Ok(Mapping::SpecialFeatures(ids(v, path, 2, "special feature")?)),
        "category" => CmpCategory::from_key(string(v, path)?).map(Mapping::Category).ok_or_else(|| {
            let known: Vec<&str> = CmpCategory::ALL.iter().map(|c| c.key()).collect();
            (path.to_owned(), format!("unknown category {} (expected one of {})", show(v), known.join(", ")))
        }),
        _ => {
            let items = list(v, path, "a list of purpose keys")?;
            if items.is_empty() {
                return bad(path, "empty list");
            }
            let mut purposes = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                match Purpose::from_key(string(item, &p)?) {
                    Some(purpose) if purposes.contains(&purpose) => return bad(&p, format!("{} twice", show(item))),
                    Some(purpose) => purposes.push(purpose),
                    None => return bad(&p, format!("unknown purpose {} (see docs/terms.md)", show(item))),
                }
            }
            Ok(Mapping::Purposes(purposes))
        }
    }
}

fn ids(v: &Value, path: &str, max: u8, what: &str) -> Res<Vec<u8>> {
    let items = list(v, path, &format!("a list of {what} ids"))?;
    if items.is_empty() {
        return bad(path, "empty list");
    }
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        match item.as_u64().and_then(|n| u8::try_from(n).ok()).filter(|n| (1..=max).contains(n)) {
            Some(id) if ids.contains(&id) => return bad(&p, format!("{what} {id} twice")),
            Some(id) => ids.push(id),
            None => return bad(&p, found(&format!("a {what} id (1–{max})"), item)),
        }
    }
    ids.sort_unstable();
    Ok(ids)
}

fn tcf_purposes(v: &Value, path: &str) -> Res<TcfPurposes> {
    let map = object(v, path, "tcfPurposes", &["consent", "legitimateInterest", "specialFeatures", "kind"])?;
    let template = |key: &str| -> Res<Option<Selector>> {
        let Some(t) = map.get(key) else { return Ok(None) };
        let p = join(path, key);
        match selector(t, &p)? {
            s if s.0.iter().any(|e| e.contains("{id}")) => Ok(Some(s)),
            _ => bad(&p, "no {id} in the template"),
        }
    };
    let kind = map.get("kind").map(|k| kind(k, &join(path, "kind"))).transpose()?.unwrap_or_default();
    if kind == Kind::Radio {
        return bad(&join(path, "kind"), "radio cannot be templated (it needs an off selector per purpose)");
    }
    let t = TcfPurposes {
        consent: template("consent")?,
        legitimate_interest: template("legitimateInterest")?,
        special_features: template("specialFeatures")?,
        kind,
    };
    if t.consent.is_none() && t.legitimate_interest.is_none() && t.special_features.is_none() {
        return bad(path, "no template (expected consent, legitimateInterest or specialFeatures)");
    }
    Ok(t)
}
