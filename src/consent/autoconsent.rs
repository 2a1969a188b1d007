//! DuckDuckGo autoconsent's JSON rules, converted to Trust Ledger's consent-rule format
//! (`docs/consent-rules.md`), so that the extension can answer the dialogs autoconsent knows.
//!
//! The rules read here are autoconsent's (`@duckduckgo/autoconsent`, `rules/rules.json`:
//! `{"autoconsent": [rule, ...]}`, or one rule file), © DuckDuckGo and contributors, under the
//! Mozilla Public License 2.0; the converted rules are a derived form of them and stay under it.
//! Their syntax is `docs/rule-syntax.md` and `lib/rules.ts` of that package.
//!
//! [`convert`] turns each rule into a [`serde_json::Value`] in our format, to be checked by the
//! validating loader like any other rule file, or into a [`Skipped`] entry saying why it cannot be
//! converted. What a rule becomes:
//!
//! - `name` → `autoconsent-` + the name lower-cased, each run of characters outside `[a-z0-9]`
//!   turned into one `-` (so no autoconsent rule takes the name of one of our built-in rules);
//!   `vendor` is the original name, except for autoconsent's generated per-site rules
//!   (`auto_DE_example.de_x1`), whose vendor is the site (`vendorUrl`'s host, or the one in the
//!   name).
//! - `runContext` → `runs` (`main` → `top`, `frame` → `child`, both → `any`; `urlPattern` →
//!   `urls`, which must compile with the `regex` crate).
//! - `detectCmp` → `detect.present`, `detectPopup` → `detect.showing`. Autoconsent requires every
//!   step of a detection to hold; ours holds when any listed selector does, so a detection is
//!   converted only when it comes down to one set of alternatives: one step, an `any`, or steps
//!   that imply one another (`#a` is implied by `#a .b` and by the chain `["#a", "x"]`). `exists`,
//!   `visible` (`check` `all` or `any`), `waitFor` and `waitForVisible` give selectors; in
//!   `detectPopup`, an `exists` becomes a visibility check (stricter than autoconsent's).
//!   An option of a detection's `any` that cannot be expressed (an `eval`) is left out, which
//!   makes the detection stricter, never looser.
//! - `prehideSelectors` → `prehide` (blank and XPath entries dropped).
//! - `optOut` → `refuseAll`, `optIn` → `acceptAll`, step by step; `timeout` is clamped to
//!   10 000 ms and `wait` to 2000 ms, our limits; a step without `timeout` gets our default
//!   (2 s; autoconsent's is 10 s); `waitForVisible` with `check: "none"` is `waitForGone`;
//!   `hide`'s `method` is dropped (and a chain, which autoconsent's `hide` misreads as CSS, is
//!   kept as a chain); `if` conditions are `exists` / `visible`, `negated` → `not`.
//!
//! A step our format cannot express (`eval`, `cookieContains`, `removeClass`, `setStyle`,
//! `addStyle`, a negation, …) is dropped when it is `optional` (autoconsent ignores its result
//! too), and otherwise skips the whole rule. Cosmetic and intermediate rules are skipped, as are
//! rules needing a rule-step version above 2 and rules left with no answer that clicks (a
//! `refuseAll` that only hides the dialog would claim a refusal nobody made).
//! Nothing here panics or runs page code, whatever the input.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

/// The longest a converted `waitFor`-like step may wait: our format's limit.
const MAX_TIMEOUT_MS: f64 = 10_000.0;
/// The longest a converted `wait` step may sleep: our format's limit.
const MAX_WAIT_MS: f64 = 2_000.0;
/// The newest autoconsent rule-step version this converter knows (`removeClass`, `setStyle`,
/// `addStyle` came with version 2; none of them converts).
const STEP_VERSION: f64 = 2.0;
/// The action keys of an autoconsent step, in the order autoconsent starts them.
const ACTIONS: &str =
    "exists visible eval waitFor waitForVisible click waitForThenClick wait hide removeClass setStyle addStyle cookieContains if any";

/// Autoconsent's JSON rules converted to Trust Ledger's rule format, in input order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Conversion {
    /// The converted rules, each one JSON object of `docs/consent-rules.md`.
    pub rules: Vec<Value>,
    /// The rules that could not be converted, and why.
    pub skipped: Vec<Skipped>,
}

/// An autoconsent rule left out of a [`Conversion`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The rule's autoconsent name (`#3` for the fourth rule when it has none).
    pub name: String,
    /// Why, starting with where: `optOut step 3: eval snippet EVAL_X cannot run (…)`.
    pub reason: String,
}

/// The input is not autoconsent JSON at all (a rule that cannot be converted is a [`Skipped`]).
#[derive(Debug, thiserror::Error)]
pub enum AutoconsentError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but neither `{"autoconsent": [...]}`, nor a rule, nor an array of rules.
    #[error("not autoconsent rules: expected {{\"autoconsent\": [rule, ...]}}, one rule (an object with a name) or an array of rules")]
    NotRules,
}

/// Converts autoconsent's `rules.json`, one rule file, or an array of rules.
pub fn convert(json: &str) -> Result<Conversion, AutoconsentError> {
    convert_value(&serde_json::from_str(json)?)
}

/// [`convert`] for JSON already parsed.
pub fn convert_value(value: &Value) -> Result<Conversion, AutoconsentError> {
    let rules = match value {
        Value::Object(map) => match map.get("autoconsent") {
            Some(Value::Array(items)) => items.as_slice(),
            Some(_) => return Err(AutoconsentError::NotRules),
            None if map.contains_key("name") => std::slice::from_ref(value),
            None => return Err(AutoconsentError::NotRules),
        },
        Value::Array(items) => items.as_slice(),
        _ => return Err(AutoconsentError::NotRules),
    };
    let mut out = Conversion::default();
    let mut taken = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        match convert_rule(rule) {
            Ok((name, mut converted)) => {
                let mut unique = (1..).map(|n| if n == 1 { name.clone() } else { format!("{name}-{n}") });
                let unique = unique.find(|u| !taken.contains(u)).unwrap_or(name);
                taken.insert(unique.clone());
                converted["name"] = Value::String(unique);
                out.rules.push(converted);
            }
            Err(reason) => {
                let name = rule.get("name").and_then(Value::as_str).map_or_else(|| format!("#{i}"), str::to_owned);
                out.skipped.push(Skipped { name, reason });
            }
        }
    }
    Ok(out)
}

/// One rule: its name in our format and the rule (without the name, which the caller makes
/// unique), or why it cannot be converted.
fn convert_rule(rule: &Value) -> Result<(String, Value), String> {
    let Value::Object(map) = rule else { return Err("not a rule (an object)".into()) };
    let name = match map.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.as_str(),
        _ => return Err("name: missing or not a string".into()),
    };
    if truthy(map.get("cosmetic")) {
        return Err("cosmetic: hides the dialog without answering it".into());
    }
    if truthy(map.get("intermediate")) {
        return Err("intermediate: one stage of an answer spread over several pages or frames".into());
    }
    if let Some(v) = map.get("minimumRuleStepVersion").and_then(Value::as_f64).filter(|&v| v > STEP_VERSION) {
        return Err(format!("minimumRuleStepVersion {v}: needs steps newer than version {STEP_VERSION}"));
    }
    let runs = runs(map.get("runContext"))?;
    let present = match map.get("detectCmp") {
        Some(Value::Array(steps)) if steps.is_empty() => return Err("detectCmp: no checks (autoconsent would detect it everywhere)".into()),
        None | Some(Value::Null) => return Err("detectCmp: missing (autoconsent never detects it)".into()),
        steps => detection(steps, "detectCmp", "present")?.ok_or("detectCmp: no selector to detect it by")?,
    };
    let showing = match map.get("detectPopup") {
        None | Some(Value::Null) => return Err("detectPopup: missing (autoconsent never finds it showing)".into()),
        steps => detection(steps, "detectPopup", "showing")?,
    };
    let refuse = answer(map.get("optOut"), "optOut")?;
    let accept = answer(map.get("optIn"), "optIn")?;
    if refuse.is_none() && accept.is_none() {
        return Err("no answer: neither optOut nor optIn clicks anything".into());
    }
    let mut out = json!({ "vendor": vendor(name, map), "runs": runs, "detect": { "present": present } });
    if let Some(showing) = showing {
        out["detect"]["showing"] = json!(showing);
    }
    let prehide: Vec<&str> = (map.get("prehideSelectors").and_then(Value::as_array).into_iter().flatten())
        .filter_map(Value::as_str)
        .filter(|s| !s.trim().is_empty() && !s.starts_with("xpath/"))
        .collect();
    for (key, value) in [
        ("prehide", (!prehide.is_empty()).then(|| json!(prehide))),
        ("refuseAll", refuse.map(Value::Array)),
        ("acceptAll", accept.map(Value::Array)),
    ] {
        if let Some(value) = value {
            out[key] = value;
        }
    }
    Ok((rule_name(name), out))
}

/// `autoconsent-` + `name` lower-cased, each run of other characters than `[a-z0-9]` one `-`.
fn rule_name(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    match slug.trim_end_matches('-') {
        "" => "autoconsent".to_owned(),
        slug => format!("autoconsent-{slug}"),
    }
}

/// The CMP's name as the person reads it: the rule's name, but the site for autoconsent's
/// generated per-site rules (`auto_<country>_<site>_<id>`), whose names are ids.
fn vendor(name: &str, map: &Map<String, Value>) -> String {
    let Some(rest) = name.strip_prefix("auto_") else { return name.to_owned() };
    let url = map.get("vendorUrl").or_else(|| map.get("_metadata").and_then(|m| m.get("vendorUrl")));
    let from_url = url.and_then(Value::as_str).and_then(|u| u.strip_prefix("https://").or_else(|| u.strip_prefix("http://")));
    let host = from_url.and_then(|u| u.split(['/', ':', '?', '#']).next()).map(str::to_ascii_lowercase);
    let site = host.filter(|h| looks_like_site(h)).or_else(|| rest.split('_').nth(1).filter(|s| looks_like_site(s)).map(str::to_owned));
    match site {
        Some(site) => site.strip_prefix("www.").map_or_else(|| site.clone(), str::to_owned),
        None => name.to_owned(),
    }
}

fn looks_like_site(host: &str) -> bool {
    host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// JavaScript's truthiness, which autoconsent applies to flags and to most step keys.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(_) | Value::Object(_)) => true,
    }
}

/// The actions a step carries, in autoconsent's order (`removeClass`, `setStyle` and `addStyle`
/// count whenever present, the others when truthy, as in autoconsent).
fn actions(step: &Map<String, Value>) -> Vec<&'static str> {
    ACTIONS
        .split(' ')
        .filter(|a| match *a {
            "removeClass" | "setStyle" | "addStyle" => step.contains_key(*a),
            _ => truthy(step.get(*a)),
        })
        .collect()
}

/// A selector of ours from autoconsent's `ElementSelector`: a string, or an array (a chain,
/// which means the same in both formats). Blank selectors are refused, as our loader does.
fn selector(v: Option<&Value>, at: &str, key: &str) -> Result<Value, String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Value::String(s.clone())),
        Some(Value::Array(items)) if !items.is_empty() && items.iter().all(|i| i.as_str().is_some_and(|s| !s.trim().is_empty())) => {
            Ok(Value::Array(items.clone()))
        }
        _ => Err(format!("{at}: {key}: not a selector (a non-empty string or chain)")),
    }
}

/// `runContext` → `runs`.
fn runs(v: Option<&Value>) -> Result<Value, String> {
    let empty = Map::new();
    let map = match v {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return Err("runContext: not an object".into()),
    };
    let main = map.get("main").is_none_or(|m| truthy(Some(m)));
    let frame = match (main, truthy(map.get("frame"))) {
        (true, false) => "top",
        (false, true) => "child",
        (true, true) => "any",
        (false, false) => return Err("runContext: main and frame both false (the rule runs nowhere)".into()),
    };
    let mut runs = Map::new();
    runs.insert("frame".into(), json!(frame));
    match map.get("urlPattern") {
        Some(Value::String(p)) if !p.is_empty() => {
            if let Err(e) = regex::RegexBuilder::new(p).size_limit(1 << 20).build() {
                let e = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
                return Err(format!("runContext.urlPattern: not a regular expression the regex crate reads: {e}"));
            }
            runs.insert("urls".into(), Value::String(p.clone()));
        }
        p if truthy(p) => return Err("runContext.urlPattern: not a string".into()),
        _ => {}
    }
    Ok(Value::Object(runs))
}

/// `detectCmp` / `detectPopup` → the selectors of `detect.present` / `detect.showing`, or `None`
/// when no check is left (every step optional, or only waits).
fn detection(v: Option<&Value>, section: &str, field: &str) -> Result<Option<Vec<Value>>, String> {
    let Some(Value::Array(steps)) = v else { return Err(format!("{section}: not a list of steps")) };
    // Every entry must hold (autoconsent's steps); each holds when any of its selectors does.
    let mut needs = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        // An optional step's result is ignored: it checks nothing.
        if !truthy(step.get("optional")) {
            needs.extend(checks(step, &format!("{section} step {}", i + 1), field)?);
        }
    }
    let mut i = 0;
    while i < needs.len() {
        if (0..needs.len()).any(|j| j != i && needs[j].iter().all(|a| needs[i].iter().any(|b| implies(a, b)))) {
            needs.remove(i);
        } else {
            i += 1;
        }
    }
    match needs.pop() {
        None => Ok(None),
        Some(_) if !needs.is_empty() => {
            Err(format!("{section}: {} checks must all hold; detect.{field} holds when any one does", needs.len() + 1))
        }
        Some(alts) => Ok(Some(alts.iter().enumerate().filter(|(k, a)| !alts[..*k].contains(a)).map(|(_, a)| a.clone()).collect())),
    }
}

/// The checks of one detection step, each a list of alternative selectors.
fn checks(step: &Value, at: &str, field: &str) -> Result<Vec<Vec<Value>>, String> {
    let Value::Object(map) = step else { return Err(format!("{at}: not a step (an object)")) };
    let acts = actions(map);
    if truthy(map.get("negated")) {
        return Err(format!("{at}: negated check (detect.{field} lists what is there, not what is not)"));
    }
    if acts.is_empty() {
        return Err(format!("{at}: no check autoconsent knows"));
    }
    let mut out = Vec::new();
    for a in acts {
        match a {
            "wait" => {}
            "exists" | "waitFor" => out.push(vec![selector(map.get(a), at, a)?]),
            "visible" | "waitForVisible" if map.get("check").and_then(Value::as_str) == Some("none") => {
                return Err(format!("{at}: {a} with check none (nothing visible) cannot be expressed"));
            }
            "visible" | "waitForVisible" => out.push(vec![selector(map.get(a), at, a)?]),
            "any" => {
                let Some(Value::Array(options)) = map.get("any") else { return Err(format!("{at}: any: not a list of steps")) };
                if options.is_empty() {
                    return Err(format!("{at}: any with no options never holds"));
                }
                // An option we cannot express is left out: the detection gets stricter, never looser.
                let (mut any, mut first_error) = (Vec::new(), None);
                for (j, option) in options.iter().enumerate() {
                    let at = format!("{at}, any option {}", j + 1);
                    let mut c = match checks(option, &at, field) {
                        Ok(c) => c,
                        Err(e) => {
                            first_error.get_or_insert(e);
                            continue;
                        }
                    };
                    match (c.pop(), c.is_empty()) {
                        // An option that checks nothing (a wait) always holds, and so does the any.
                        (None, _) => return Ok(out),
                        (Some(alternatives), true) => any.extend(alternatives),
                        (Some(_), false) => {
                            first_error.get_or_insert(format!("{at}: several checks in one option of any"));
                        }
                    }
                }
                match first_error {
                    Some(e) if any.is_empty() => return Err(e),
                    _ => out.push(any),
                }
            }
            "eval" => return Err(eval_reason(map, at)),
            other => return Err(format!("{at}: {other} cannot be part of detect.{field}")),
        }
    }
    Ok(out)
}

/// Whether an element matching `a` means one matches `b`: the same selector, `b` followed by a
/// combinator and more (`#a .b` implies `#a`), or a chain that starts that way.
fn implies(a: &Value, b: &Value) -> bool {
    fn chain(v: &Value) -> Vec<&str> {
        match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }
    let (a, b) = (chain(a), chain(b));
    let Some((last, head)) = b.split_last() else { return false };
    if a.len() < b.len() || a[..head.len()] != *head {
        return false;
    }
    let here = a[head.len()];
    let plain = |s: &str| !s.contains(',') && !s.starts_with("xpath/");
    here == *last
        || (plain(here) && plain(last) && here.strip_prefix(last).is_some_and(|r| r.starts_with([' ', '\t', '\n', '>', '+', '~'])))
}

fn eval_reason(step: &Map<String, Value>, at: &str) -> String {
    let id = step.get("eval").map(|e| e.as_str().map_or_else(|| e.to_string(), str::to_owned)).unwrap_or_default();
    format!("{at}: eval snippet {id} cannot run (Trust Ledger runs no page code)")
}

/// `optOut` / `optIn` → our steps, or `None` when none is left that clicks.
fn answer(v: Option<&Value>, section: &str) -> Result<Option<Vec<Value>>, String> {
    fn clicks(step: &Value) -> bool {
        step.get("click").is_some()
            || step.get("waitForThenClick").is_some()
            || ["then", "else", "any"].iter().any(|k| step.get(*k).and_then(Value::as_array).is_some_and(|s| s.iter().any(clicks)))
    }
    let steps = steps(v, section)?;
    Ok(steps.iter().any(clicks).then_some(steps))
}

/// A list of autoconsent steps; `prefix` names it in reasons (`optOut`, `optOut step 2, then`).
fn steps(v: Option<&Value>, prefix: &str) -> Result<Vec<Value>, String> {
    let items = match v {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(format!("{prefix}: not a list of steps")),
    };
    let converted = items.iter().enumerate().map(|(i, item)| step(item, &format!("{prefix} step {}", i + 1), false));
    Ok(converted.collect::<Result<Vec<_>, _>>()?.concat())
}

/// One step → none of ours (an optional step we cannot express: autoconsent ignores its result
/// too), one, or several (a step with several actions, which autoconsent starts together and ours
/// run in that order). Inside `any` autoconsent ignores `optional`: every option counts as is.
fn step(v: &Value, at: &str, in_any: bool) -> Result<Vec<Value>, String> {
    let Value::Object(map) = v else { return Err(format!("{at}: not a step (an object)")) };
    let optional = !in_any && truthy(map.get("optional"));
    let converted = || -> Result<Vec<Value>, String> {
        let acts = actions(map);
        if acts.is_empty() {
            return Err(format!("{at}: no action autoconsent knows (it fails the step)"));
        }
        // The negation of an optional step changes nothing: its result is ignored.
        if truthy(map.get("negated")) && !optional {
            return Err(format!("{at}: negated {} has no equivalent", acts.join(" and ")));
        }
        if acts.len() > 1 && in_any {
            return Err(format!("{at}: {} in one option of any", acts.join(" and ")));
        }
        let mut out = Vec::new();
        for a in acts {
            let mut s = action(map, a, at)?;
            if optional {
                s.insert("optional".into(), Value::Bool(true));
            }
            out.push(Value::Object(s));
        }
        Ok(out)
    };
    match converted() {
        Err(_) if optional => Ok(Vec::new()),
        other => other,
    }
}

/// Milliseconds, rounded and clamped to `0..=max`.
fn ms(v: Option<&Value>, max: f64) -> Option<Value> {
    let ms = v?.as_f64().filter(|f| f.is_finite())?;
    Some(json!(ms.clamp(0.0, max).round() as u64))
}

/// One action of a step.
fn action(map: &Map<String, Value>, a: &str, at: &str) -> Result<Map<String, Value>, String> {
    let mut s = Map::new();
    let check_none = map.get("check").and_then(Value::as_str) == Some("none");
    match a {
        // Autoconsent's hide takes CSS only; ours takes chains too (one rule writes one, meaning it).
        "click" | "waitForThenClick" | "waitFor" | "waitForVisible" | "hide" => {
            let key = match a {
                "waitForVisible" if check_none => "waitForGone",
                "waitForVisible" => "waitFor",
                _ => a,
            };
            s.insert(key.into(), selector(map.get(a), at, a)?);
            if a == "waitForVisible" && !check_none {
                s.insert("visible".into(), Value::Bool(true));
            }
            if let Some(t) = ms(map.get("timeout"), MAX_TIMEOUT_MS).filter(|_| a.starts_with("wait")) {
                s.insert("timeout".into(), t);
            }
            if truthy(map.get("all")) && (a == "click" || a == "waitForThenClick") {
                s.insert("all".into(), Value::Bool(true));
            }
        }
        "wait" => {
            s.insert("wait".into(), ms(map.get(a), MAX_WAIT_MS).ok_or_else(|| format!("{at}: wait: not a number of milliseconds"))?);
        }
        "if" => {
            s.insert("if".into(), condition(map.get("if"), at)?);
            if !truthy(map.get("then")) {
                return Err(format!("{at}: if without then (autoconsent fails the step)"));
            }
            for key in ["then", "else"] {
                let branch = if truthy(map.get(key)) { steps(map.get(key), &format!("{at}, {key}"))? } else { Vec::new() };
                if !branch.is_empty() {
                    s.insert(key.into(), Value::Array(branch));
                }
            }
        }
        "any" => {
            let Some(Value::Array(options)) = map.get(a) else { return Err(format!("{at}: any: not a list of steps")) };
            if options.is_empty() {
                return Err(format!("{at}: any with no options (autoconsent fails it)"));
            }
            // `in_any`: never dropped, never several.
            let any = options.iter().enumerate().map(|(j, o)| step(o, &format!("{at}, any option {}", j + 1), true));
            s.insert("any".into(), Value::Array(any.collect::<Result<Vec<_>, _>>()?.concat()));
        }
        "eval" => return Err(eval_reason(map, at)),
        "cookieContains" => return Err(format!("{at}: cookieContains reads the page's cookies (a rule reads only elements)")),
        "removeClass" | "setStyle" | "addStyle" => {
            return Err(format!("{at}: {a} changes the page's styles (a rule only clicks, waits and hides)"))
        }
        _ => return Err(format!("{at}: a bare {a} check is no step of ours (only a condition of if)")),
    }
    Ok(s)
}

/// The condition of an `if`: `exists` or `visible` (`check: "none"`: none visible), negated or not.
fn condition(v: Option<&Value>, at: &str) -> Result<Value, String> {
    let Some(Value::Object(c)) = v else { return Err(format!("{at}: if: not a condition")) };
    let cond = match actions(c).as_slice() {
        ["exists"] => json!({ "exists": selector(c.get("exists"), at, "if.exists")? }),
        ["visible"] if c.get("check").and_then(Value::as_str) == Some("none") => {
            json!({ "not": { "visible": selector(c.get("visible"), at, "if.visible")? } })
        }
        ["visible"] => json!({ "visible": selector(c.get("visible"), at, "if.visible")? }),
        acts if acts.contains(&"eval") => return Err(eval_reason(c, &format!("{at}, if"))),
        [] => return Err(format!("{at}: if: neither exists nor visible (autoconsent fails the step)")),
        acts => return Err(format!("{at}: if: a condition of {} (ours checks exists or visible)", acts.join(" and "))),
    };
    Ok(if truthy(c.get("negated")) { json!({ "not": cond }) } else { cond })
}

#[cfg(test)]
#[path = "autoconsent_tests.rs"]
mod tests;
