//! The terms' JSON format (`docs/terms.md`): versioned, read strictly, every refusal naming the
//! path, the value found and what was expected.
//!
//! Reading is three steps, so that every error is precise:
//! 1. the text becomes a `serde_json::Value`, its version is checked and older versions are
//!    migrated ([`migrate`]);
//! 2. the value is walked against the format (objects, field names, keys, value types), so that
//!    anything serde would refuse is refused here first with its path;
//! 3. serde builds [`Terms`] and [`Terms::validate`] checks what needs the whole (every purpose
//!    and capability present, strictly necessary accepted, sites).
//!
//! A syntactically valid document is therefore refused only as [`TermsError::Invalid`] or
//! [`TermsError::TooNew`] (`tests/terms_fuzz.rs` holds the walker to it).

use serde_json::{Map, Value};

use super::capability::SETTING_EXPECTED;
use super::{Capability, Purpose, Setting, Terms, TermsError, TrackerCategory};

/// The current format version. Version history: 1 — first release.
pub const FORMAT_VERSION: u32 = 1;

/// Migrations, oldest first: `MIGRATIONS[i]` turns version `i + 1` into version `i + 2`.
/// Version 1 is the first format, so there are none yet.
const MIGRATIONS: [fn(Value) -> Result<Value, TermsError>; FORMAT_VERSION as usize - 1] = [];

const TOP: &[&str] = &["version", "purposes", "legitimateInterest", "permissions", "grants", "signals", "blocking", "exceptions"];
const EXCEPTION: &[&str] = &["purposes", "legitimateInterest", "permissions", "signals", "blocking"];
const GRANT: &[&str] = &["site", "capability", "until"];
const DECISION: &str = "accept or refuse";
const BOOL: &str = "true or false";
const UNTIL: &str = "a time in milliseconds since the Unix epoch (a whole number)";

impl Terms {
    /// Reads terms from their JSON format, migrating older versions and validating everything.
    pub fn from_json(json: &str) -> Result<Terms, TermsError> {
        let value: Value = serde_json::from_str(json).map_err(|e| TermsError::Json(e.to_string()))?;
        let mut value = migrate(value)?;
        check(&value)?;
        if let Value::Object(map) = &mut value {
            map.remove("version");
        }
        let terms: Terms = serde_json::from_value(value).map_err(|e| TermsError::Json(e.to_string()))?;
        terms.validate()?;
        Ok(terms)
    }

    /// The JSON format, current version, pretty-printed, in the order of the format's
    /// documentation (purposes and capabilities in table order).
    pub fn to_json(&self) -> Result<String, TermsError> {
        serde_json::to_string_pretty(&Document { version: FORMAT_VERSION, terms: self }).map_err(|e| TermsError::Json(e.to_string()))
    }
}

/// The written document: the version, then the terms.
#[derive(serde::Serialize)]
struct Document<'a> {
    version: u32,
    #[serde(flatten)]
    terms: &'a Terms,
}

/// Checks the version and brings an older document up to [`FORMAT_VERSION`].
fn migrate(value: Value) -> Result<Value, TermsError> {
    let Value::Object(map) = &value else {
        return Err(TermsError::invalid("", render(&value), "an object: the terms"));
    };
    let expected = match FORMAT_VERSION {
        1 => "the format version: 1".to_owned(),
        n => format!("the format version, a whole number from 1 to {n}"),
    };
    let version = match map.get("version") {
        None => return Err(TermsError::invalid("version", "missing", expected)),
        Some(v) => v.as_u64().filter(|&n| n >= 1).ok_or_else(|| TermsError::invalid("version", render(v), expected))?,
    };
    if version > u64::from(FORMAT_VERSION) {
        return Err(TermsError::TooNew(version));
    }
    let mut value = value;
    for step in &MIGRATIONS[(version - 1) as usize..] {
        value = step(value)?;
    }
    if let Value::Object(map) = &mut value {
        map.insert("version".into(), FORMAT_VERSION.into());
    }
    Ok(value)
}

/// Walks a current-version document against the format.
fn check(value: &Value) -> Result<(), TermsError> {
    let map = object(value, "", "the terms", TOP, "an object: the terms")?;
    for name in ["purposes", "legitimateInterest", "permissions", "signals", "blocking"] {
        if !map.contains_key(name) {
            return Err(TermsError::invalid(name, "missing", expected_for(name)));
        }
    }
    for (name, v) in map {
        match name.as_str() {
            "purposes" => purposes(v, "purposes")?,
            "legitimateInterest" => legitimate_interest(v, "legitimateInterest")?,
            "permissions" => permissions(v, "permissions")?,
            "signals" => signals(v, "signals", true)?,
            "blocking" => blocking_list(v, "blocking")?,
            "grants" => grants(v, "grants")?,
            "exceptions" => exceptions(v, "exceptions")?,
            _ => {} // "version": checked by `migrate`
        }
    }
    Ok(())
}

fn expected_for(field: &str) -> &'static str {
    match field {
        "purposes" => "an object of purposes, each accept or refuse",
        "legitimateInterest" => "an object {\"object\": true or false}",
        "permissions" => "an object of capabilities, each allow, ask or deny",
        "signals" => "an object {\"gpc\": true or false}",
        "blocking" => "a list of TrackerDB categories",
        "grants" => "a list of grants {site, capability, until}",
        "exceptions" => "an object of sites, each with its exceptions",
        "exception" => "an object with any of purposes, legitimateInterest, permissions, signals, blocking",
        "exceptionBlocking" => "an object of TrackerDB categories, each true (block) or false (let through)",
        "grant" => "an object {site, capability, until}",
        _ => "a valid value",
    }
}

/// `value` as an object whose keys are all in `fields`.
/// `what` names the object in the error ("a field of {what}").
fn object<'a>(value: &'a Value, path: &str, what: &str, fields: &[&str], expected: &str) -> Result<&'a Map<String, Value>, TermsError> {
    let map = value.as_object().ok_or_else(|| TermsError::invalid(path, render(value), expected))?;
    if let Some(name) = map.keys().find(|k| !fields.contains(&k.as_str())) {
        return Err(TermsError::invalid(
            &join(path, name),
            super::json_string(name),
            format!("a field of {what}: one of {}", fields.join(", ")),
        ));
    }
    Ok(map)
}

/// An object whose keys are names from `known` (all optional) and whose values pass `each`.
fn keyed_map(
    value: &Value,
    path: &str,
    expected: &str,
    key_expected: &str,
    known: impl Fn(&str) -> bool,
    each: impl Fn(&Value, &str) -> Result<(), TermsError>,
) -> Result<(), TermsError> {
    let map = value.as_object().ok_or_else(|| TermsError::invalid(path, render(value), expected))?;
    for (key, v) in map {
        let at = join(path, key);
        if !known(key) {
            return Err(TermsError::invalid(&at, super::json_string(key), key_expected));
        }
        each(v, &at)?;
    }
    Ok(())
}

fn purposes(value: &Value, path: &str) -> Result<(), TermsError> {
    let key_expected = format!("a purpose: one of {}", names(Purpose::ALL.iter().map(|p| p.key())));
    keyed_map(
        value,
        path,
        expected_for("purposes"),
        &key_expected,
        |k| Purpose::from_key(k).is_some(),
        |v, at| string_in(v, at, DECISION, |s| matches!(s, "accept" | "refuse")),
    )
}

fn permissions(value: &Value, path: &str) -> Result<(), TermsError> {
    let key_expected = format!("a capability: one of {}", names(Capability::ALL.iter().map(|c| c.key())));
    keyed_map(
        value,
        path,
        expected_for("permissions"),
        &key_expected,
        |k| Capability::from_key(k).is_some(),
        |v, at| string_in(v, at, SETTING_EXPECTED, |s| Setting::from_key(s).is_some()),
    )
}

fn legitimate_interest(value: &Value, path: &str) -> Result<(), TermsError> {
    let map = object(value, path, "legitimateInterest", &["object"], expected_for("legitimateInterest"))?;
    match map.get("object") {
        None => Err(TermsError::invalid(&join(path, "object"), "missing", BOOL)),
        Some(v) => boolean(v, &join(path, "object")),
    }
}

fn signals(value: &Value, path: &str, required: bool) -> Result<(), TermsError> {
    let map = object(value, path, "signals", &["gpc"], expected_for("signals"))?;
    match map.get("gpc") {
        None if required => Err(TermsError::invalid(&join(path, "gpc"), "missing", BOOL)),
        None => Ok(()),
        Some(v) => boolean(v, &join(path, "gpc")),
    }
}

fn blocking_list(value: &Value, path: &str) -> Result<(), TermsError> {
    let list = value.as_array().ok_or_else(|| TermsError::invalid(path, render(value), expected_for("blocking")))?;
    for (i, v) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        string_in(v, &at, &category_expected(), |s| TrackerCategory::from_key(s).is_some())?;
        if list[..i].contains(v) {
            return Err(TermsError::invalid(&at, render(v), "each category once"));
        }
    }
    Ok(())
}

fn category_expected() -> String {
    format!("a TrackerDB category: one of {}", names(TrackerCategory::ALL.iter().map(|c| c.key())))
}

fn grants(value: &Value, path: &str) -> Result<(), TermsError> {
    let list = value.as_array().ok_or_else(|| TermsError::invalid(path, render(value), expected_for("grants")))?;
    for (i, g) in list.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let map = object(g, &at, "a grant", GRANT, expected_for("grant"))?;
        let field = |name: &str, expected: &str| map.get(name).ok_or_else(|| TermsError::invalid(&join(&at, name), "missing", expected));
        let site = field("site", "a site: a registrable domain such as example.com")?;
        if !site.is_string() {
            return Err(TermsError::invalid(&join(&at, "site"), render(site), "a site: a registrable domain such as example.com"));
        }
        let capability_expected = format!("a capability: one of {}", names(Capability::ALL.iter().map(|c| c.key())));
        let capability = field("capability", &capability_expected)?;
        string_in(capability, &join(&at, "capability"), &capability_expected, |s| Capability::from_key(s).is_some())?;
        let until = field("until", UNTIL)?;
        if until.as_u64().is_none() {
            return Err(TermsError::invalid(&join(&at, "until"), render(until), UNTIL));
        }
    }
    Ok(())
}

fn exceptions(value: &Value, path: &str) -> Result<(), TermsError> {
    let map = value.as_object().ok_or_else(|| TermsError::invalid(path, render(value), expected_for("exceptions")))?;
    for (site, e) in map {
        let at = join(path, site);
        let fields = object(e, &at, "an exception", EXCEPTION, expected_for("exception"))?;
        for (name, v) in fields {
            let at = join(&at, name);
            match name.as_str() {
                "purposes" => purposes(v, &at)?,
                "legitimateInterest" => legitimate_interest(v, &at)?,
                "permissions" => permissions(v, &at)?,
                "signals" => signals(v, &at, false)?,
                _ => keyed_map(
                    v,
                    &at,
                    expected_for("exceptionBlocking"),
                    &category_expected(),
                    |k| TrackerCategory::from_key(k).is_some(),
                    boolean,
                )?,
            }
        }
    }
    Ok(())
}

fn string_in(value: &Value, path: &str, expected: &str, ok: impl Fn(&str) -> bool) -> Result<(), TermsError> {
    match value.as_str() {
        Some(s) if ok(s) => Ok(()),
        _ => Err(TermsError::invalid(path, render(value), expected)),
    }
}

fn boolean(value: &Value, path: &str) -> Result<(), TermsError> {
    if value.is_boolean() {
        Ok(())
    } else {
        Err(TermsError::invalid(path, render(value), BOOL))
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn names<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    keys.collect::<Vec<_>>().join(", ")
}

/// A value as compact JSON, cut to 60 characters.
fn render(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(json: &str) -> String {
        Terms::from_json(json).expect_err("refused").to_string()
    }

    /// The default document with `f` applied to it.
    fn edited(f: impl FnOnce(&mut Map<String, Value>)) -> String {
        let mut value: Value = serde_json::from_str(&Terms::default().to_json().expect("serialises")).expect("JSON");
        f(value.as_object_mut().expect("an object"));
        value.to_string()
    }

    #[test]
    fn round_trip_starts_with_the_version() {
        let json = Terms::default().to_json().expect("serialises");
        assert!(json.starts_with("{\n  \"version\": 1,"), "{json}");
        assert_eq!(Terms::from_json(&json).expect("valid terms"), Terms::default());
    }

    #[test]
    fn versions() {
        assert_eq!(
            Terms::from_json(&edited(|m| {
                m.insert("version".into(), 2.into());
            })),
            Err(TermsError::TooNew(2))
        );
        assert_eq!(
            error(&edited(|m| {
                m.remove("version");
            })),
            "terms: version: missing, expected the format version: 1"
        );
        assert_eq!(
            error(&edited(|m| {
                m.insert("version".into(), 0.into());
            })),
            "terms: version: 0, expected the format version: 1"
        );
        assert_eq!(
            error(&edited(|m| {
                m.insert("version".into(), 1.5.into());
            })),
            "terms: version: 1.5, expected the format version: 1"
        );
        assert_eq!(MIGRATIONS.len(), FORMAT_VERSION as usize - 1);
    }

    #[test]
    fn optional_lists_may_be_left_out() {
        let t = Terms::from_json(&edited(|m| {
            m.remove("grants");
            m.remove("exceptions");
        }))
        .expect("valid terms");
        assert_eq!(t, Terms::default());
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(100);
        let e = error(&edited(|m| {
            m.insert("signals".into(), Value::String(long.clone()));
        }));
        assert!(e.starts_with(&format!("terms: signals: \"{}…, expected", &long[..59])), "{e}");
    }

    #[test]
    fn an_empty_exception_is_kept() {
        let t = Terms::from_json(&edited(|m| {
            m.insert("exceptions".into(), serde_json::json!({"maps.example": {}}));
        }))
        .expect("valid terms");
        assert_eq!(t.exceptions.len(), 1);
        assert_eq!(Terms::from_json(&t.to_json().expect("serialises")).expect("valid terms"), t);
    }
}
