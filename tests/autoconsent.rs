//! The autoconsent converter (`src/consent/autoconsent.rs`) on DuckDuckGo autoconsent's real
//! rules, `node_modules/@duckduckgo/autoconsent/rules/rules.json` (MPL-2.0, installed by
//! `npm ci`): most rules convert, a few known ones convert to exactly what is expected, and every
//! converted rule passes our own validating loader, `RuleSet::load`.
//!
//! Run with `--nocapture` to see the counts: converted, and skipped grouped by reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use trustledger::consent::autoconsent::{convert, Conversion};
use trustledger::consent::RuleSet;

/// The real rules converted, or `None` (after a `SKIPPED:` line) when the package is not installed.
fn real_rules() -> Option<(usize, Conversion)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/@duckduckgo/autoconsent/rules/rules.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("SKIPPED: {} is missing (npm ci installs it)", path.display());
        return None;
    };
    let total = serde_json::from_str::<Value>(&text).ok()?["autoconsent"].as_array().map_or(0, Vec::len);
    Some((total, convert(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))))
}

/// A reason's group: where (its first word) and what (the first words after the colon).
fn group(reason: &str) -> String {
    let (place, what) = reason.split_once(": ").unwrap_or((reason, ""));
    let place = place.split_whitespace().next().unwrap_or_default();
    let what: Vec<&str> =
        what.split_whitespace().filter(|w| !w.starts_with("EVAL_") && !w.chars().any(|c| c.is_ascii_digit())).take(3).collect();
    format!("{place}: {}", what.join(" "))
}

fn rule<'a>(c: &'a Conversion, name: &str) -> &'a Value {
    c.rules.iter().find(|r| r["name"] == name).unwrap_or_else(|| {
        let why = c.skipped.iter().find(|s| format!("autoconsent-{}", s.name.to_lowercase()) == name);
        panic!("{name} not converted: {why:?}")
    })
}

/// Whether a converted rule has a selector chain (an array) in its detection or its steps.
fn has_chain(v: &Value) -> bool {
    const SELECTORS: [&str; 7] = ["click", "waitFor", "waitForGone", "waitForThenClick", "hide", "exists", "visible"];
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| match (k.as_str(), v) {
            (k, Value::Array(_)) if SELECTORS.contains(&k) => true,
            ("present" | "showing", Value::Array(items)) => items.iter().any(Value::is_array),
            _ => has_chain(v),
        }),
        Value::Array(items) => items.iter().any(has_chain),
        _ => false,
    }
}

#[test]
fn most_real_rules_convert_and_the_counts_are_printed() {
    let Some((total, c)) = real_rules() else { return };
    assert_eq!(c.rules.len() + c.skipped.len(), total, "every rule is converted or skipped");
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for s in &c.skipped {
        groups.entry(group(&s.reason)).or_default().push(&s.name);
    }
    let mut groups: Vec<(String, Vec<&str>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    println!("autoconsent rules: {total}; converted {}; skipped {}", c.rules.len(), c.skipped.len());
    for (g, names) in &groups {
        let more = if names.len() > 4 { ", …" } else { "" };
        println!("  {:4}  {g} ({}{more})", names.len(), names[..names.len().min(4)].join(", "));
    }
    assert!(c.rules.len() * 100 >= total * 60, "only {} of {total} rules converted", c.rules.len());
    let names: std::collections::HashSet<&str> = c.rules.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names.len(), c.rules.len(), "names are unique");
}

#[test]
fn every_converted_real_rule_passes_our_loader() {
    let Some((_, c)) = real_rules() else { return };
    let mut set = RuleSet::default();
    let mut failures = Vec::new();
    for r in &c.rules {
        let name = r["name"].as_str().unwrap_or("?");
        if let Err(e) = set.load(&format!("{name}.json"), &r.to_string()) {
            failures.push(e.to_string());
        }
    }
    for f in failures.iter().take(10) {
        println!("refused: {f}");
    }
    assert!(failures.is_empty(), "{} of {} converted rules refused, first: {:?}", failures.len(), c.rules.len(), failures.first());
    assert_eq!(set.len(), c.rules.len());
    // And all of them at once, as the build loads them: one file.
    let mut whole = RuleSet::default();
    assert_eq!(whole.load("autoconsent.json", &Value::Array(c.rules.clone()).to_string()), Ok(c.rules.len()));
}

#[test]
fn cookieyes_refuses_through_an_if() {
    let Some((_, c)) = real_rules() else { return };
    let r = rule(&c, "autoconsent-cookieyes");
    assert_eq!(r["vendor"], "cookieyes");
    assert_eq!(r["runs"], json!({ "frame": "top" }));
    assert_eq!(r["detect"], json!({ "present": [".cky-consent-container"], "showing": [".cky-consent-container"] }));
    assert_eq!(r["prehide"], json!([".cky-overlay,.cky-consent-container"]));
    assert_eq!(r["acceptAll"], json!([{ "waitForThenClick": ".cky-consent-container [data-cky-tag=accept-button]" }]));
    let settings = ".cky-consent-container [data-cky-tag=settings-button]";
    let checked = ".cky-modal-open input[type=checkbox]:checked,.cky-consent-bar-expand input[type=checkbox]:checked";
    assert_eq!(
        r["refuseAll"],
        json!([{
            "if": { "exists": ".cky-consent-container [data-cky-tag=reject-button]" },
            "then": [{ "waitForThenClick": ".cky-consent-container [data-cky-tag=reject-button]" }],
            "else": [{
                "if": { "exists": settings },
                "then": [
                    { "click": settings },
                    { "waitFor": ".cky-modal-open input[type=checkbox],.cky-consent-bar-expand input[type=checkbox]" },
                    { "click": checked, "all": true, "optional": true },
                    { "waitForThenClick": ".cky-modal [data-cky-tag=detail-save-button],.cky-consent-bar-expand [data-cky-tag=detail-save-button]" }
                ],
                "else": [{ "hide": ".cky-consent-container,.cky-overlay,.cky-consent-bar-expand" }]
            }]
        }])
    );
}

#[test]
fn chains_stay_arrays_and_frames_and_urls_carry_over() {
    let Some((_, c)) = real_rules() else { return };
    // TrustArc's frame rule: a chain into its iframe, in detection and in the steps.
    let r = rule(&c, "autoconsent-trustarc-newcm");
    assert_eq!(r["detect"]["present"], json!([[".truste_popframe.trustarc_newcm_container", "a.required, a.call"]]));
    // Axeptio: a chain in an if's then branch.
    let r = rule(&c, "autoconsent-axeptio");
    assert_eq!(
        r["refuseAll"][0]["then"][2],
        json!({ "click": [".axeptio_mount .needsclick", "button#axeptio_btn_dismiss,button.ax-discardButton"] })
    );
    let chains = c.rules.iter().filter(|r| has_chain(r)).count();
    assert!(chains >= 20, "only {chains} converted rules keep a chain");
    // Usercentrics' shadow-root refusal is in usercentrics-api, which needs page code to detect
    // its dialog: skipped (the chain itself is kept: see the unit tests).
    let uc = c.skipped.iter().find(|s| s.name == "usercentrics-api").map(|s| s.reason.as_str());
    assert_eq!(uc, Some("detectPopup step 1: eval snippet EVAL_USERCENTRICS_API_0 cannot run (Trust Ledger runs no page code)"));
    // A frame-only rule.
    let framed = c.rules.iter().filter(|r| r["runs"]["frame"] == "child").count();
    assert!(framed >= 10, "{framed} frame-only rules");
    // A generated per-site rule: its site as vendor, its URL pattern kept.
    let auto =
        c.rules.iter().find(|r| r["name"].as_str().is_some_and(|n| n.starts_with("autoconsent-auto-ch-fhgr-ch"))).expect("auto_CH_fhgr.ch");
    assert_eq!(auto["vendor"], "fhgr.ch");
    assert_eq!(auto["runs"], json!({ "frame": "top", "urls": "^https?://(www\\.)?fhgr\\.ch/" }));
    assert_eq!(auto["refuseAll"][0], json!({ "wait": 500 }));
}
