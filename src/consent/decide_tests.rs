//! Unit tests of [`decide`]: each branch of "How the answer is chosen", and the wished state of
//! switches (bundled purposes, legitimate interest, `tcfPurposes` expansions).

use serde_json::{json, Value};

use super::*;
use crate::policy::{Decision as Verdict, LegitimateInterest, Preset, Terms};

fn rule(v: Value) -> Rule {
    Rule::from_json(&v.to_string()).expect("a valid rule").remove(0)
}

/// A rule with all three paths; `keeps_li` sets `refuseAllKeepsLegitimateInterest`.
fn full(keeps_li: bool) -> Value {
    json!({
        "name": "cmp",
        "vendor": "A CMP",
        "detect": { "present": ["#cmp"] },
        "refuseAll": [{ "click": "#reject" }],
        "acceptAll": [{ "click": "#accept" }],
        "custom": {
            "toggles": [
                { "control": "#stats", "category": "statistics" },
                { "control": "#ads", "category": "marketing" },
                { "control": "#p7-8", "tcf": [7, 8] },
                { "control": "#li", "legitimateInterest": true },
                { "control": "#li-stats", "category": "statistics", "legitimateInterest": true },
                { "control": "#li-ads", "category": "marketing", "legitimateInterest": true },
                { "control": ["#host", "#yes"], "purposes": ["preciseGeolocation"], "kind": "radio", "off": "#no" }
            ]
        },
        "refuseAllKeepsLegitimateInterest": keeps_li
    })
}

fn without(mut v: Value, keys: &[&str]) -> Value {
    for key in keys {
        v.as_object_mut().expect("an object").remove(*key);
    }
    v
}

fn refuse_all() -> Effective {
    Preset::RefuseAll.terms().for_site("news.example", 0)
}

fn accept_all() -> Effective {
    Preset::AcceptAll.terms().for_site("news.example", 0)
}

/// Statistics (TCF 8, 9, 10) and ad measurement (7) accepted, everything else refused; no
/// objection to legitimate interest.
fn mixed() -> Effective {
    let mut t = Terms::default();
    for p in [Purpose::ContentMeasurement, Purpose::AudienceResearch, Purpose::ProductDevelopment, Purpose::AdMeasurement] {
        t.purposes.insert(p, Verdict::Accept);
    }
    t.legitimate_interest = LegitimateInterest { object: false };
    t.for_site("news.example", 0)
}

fn wanted(d: &Decision) -> Vec<(&str, bool)> {
    d.wishes.iter().map(|w| (w.what.as_str(), w.wanted)).collect()
}

#[test]
fn refusing_everything_takes_reject_all() {
    let d = decide(&rule(full(false)), &refuse_all());
    assert_eq!((d.path, d.reason.as_str()), (Some(Path::RefuseAll), "everything optional refused"));
    assert!(d.wishes.is_empty());
}

#[test]
fn accepting_everything_takes_accept_all() {
    let d = decide(&rule(full(false)), &accept_all());
    assert_eq!((d.path, d.reason.as_str()), (Some(Path::AcceptAll), "everything accepted"));
    assert!(d.wishes.is_empty());
}

#[test]
fn a_mixed_person_is_answered_switch_by_switch() {
    let d = decide(&rule(full(false)), &mixed());
    assert_eq!((d.path, d.reason.as_str()), (Some(Path::Custom), "some purposes accepted, others refused: answered switch by switch"));
    assert_eq!(
        wanted(&d),
        [
            ("category statistics", true),
            ("category marketing", false),
            ("tcf purposes 7, 8 consent", true),
            ("legitimate interest", true),
            ("legitimate interest for category statistics", true),
            ("legitimate interest for category marketing", false),
            ("purpose preciseGeolocation", false),
        ]
    );
    let radio = &d.wishes[6];
    assert_eq!(radio.switch, Switch::Toggle(6));
    assert_eq!((radio.kind.clone(), radio.off.clone()), (Kind::Radio, Selector::new(["#host", "#no"])));
}

#[test]
fn a_bundled_toggle_is_on_only_if_every_purpose_is_accepted() {
    let mut t = Preset::AcceptAll.terms();
    t.purposes.insert(Purpose::ContentMeasurement, Verdict::Refuse);
    let d = decide(&rule(full(false)), &t.for_site("news.example", 0));
    assert_eq!(d.path, Some(Path::Custom));
    let w = wanted(&d);
    assert_eq!(w[0], ("category statistics", false), "8 refused, 9 and 10 accepted");
    assert_eq!(w[1], ("category marketing", true));
    assert_eq!(w[2], ("tcf purposes 7, 8 consent", false), "7 accepted, 8 refused");
}

#[test]
fn an_objection_to_legitimate_interest_avoids_a_reject_all_that_keeps_it() {
    let d = decide(&rule(full(true)), &refuse_all());
    assert_eq!(d.path, Some(Path::Custom));
    assert!(d.reason.contains("keeps legitimate interest, which the terms object to"), "{}", d.reason);
    assert!(d.wishes.iter().all(|w| !w.wanted), "everything off, legitimate interest included");

    let mut t = Preset::RefuseAll.terms();
    t.legitimate_interest = LegitimateInterest { object: false };
    let d = decide(&rule(full(true)), &t.for_site("news.example", 0));
    assert_eq!(d.path, Some(Path::RefuseAll), "no objection: reject all is enough");

    let d = decide(&rule(without(full(true), &["custom"])), &refuse_all());
    assert_eq!(d.path, Some(Path::RefuseAll), "no settings layer: the least it can give away");
    assert!(d.reason.ends_with("refused all it can"), "{}", d.reason);
}

#[test]
fn an_objection_to_legitimate_interest_makes_an_accepting_person_mixed() {
    let mut t = Preset::AcceptAll.terms();
    t.legitimate_interest = LegitimateInterest { object: true };
    let d = decide(&rule(full(false)), &t.for_site("news.example", 0));
    assert_eq!(d.path, Some(Path::Custom));
    assert!(d.reason.starts_with("everything accepted but legitimate interest"), "{}", d.reason);
    let w = wanted(&d);
    assert_eq!(w[0], ("category statistics", true));
    assert_eq!(w[3], ("legitimate interest", false));
    assert_eq!(w[4], ("legitimate interest for category statistics", false));
}

#[test]
fn a_rule_without_custom_refuses_a_mixed_person() {
    let d = decide(&rule(without(full(false), &["custom"])), &mixed());
    assert_eq!(d.path, Some(Path::RefuseAll));
    assert_eq!(d.reason, "some purposes accepted, others refused; this dialog offers no choice by purpose: refused everything");
    assert!(d.wishes.is_empty());
}

#[test]
fn missing_paths_fall_back_without_giving_away_more() {
    let no_reject = rule(without(full(false), &["refuseAll"]));
    let d = decide(&no_reject, &refuse_all());
    assert_eq!(d.path, Some(Path::Custom));
    assert!(d.reason.contains("no \"Reject all\""), "{}", d.reason);

    let no_accept = rule(without(full(false), &["acceptAll"]));
    let d = decide(&no_accept, &accept_all());
    assert_eq!(d.path, Some(Path::Custom));
    let off: Vec<&str> = d.wishes.iter().filter(|w| !w.wanted).map(|w| w.what.as_str()).collect();
    assert_eq!(off, ["legitimate interest for category marketing"], "TCF 2.2 forbids it for purposes 3 and 4");

    let reject_only = rule(without(full(false), &["acceptAll", "custom"]));
    assert_eq!(decide(&reject_only, &accept_all()).path, Some(Path::RefuseAll));

    let accept_only = rule(without(full(false), &["refuseAll", "custom"]));
    let d = decide(&accept_only, &refuse_all());
    assert_eq!(d.path, None);
    assert!(d.reason.ends_with("can only be accepted: left to the person"), "{}", d.reason);
    assert_eq!(decide(&accept_only, &mixed()).path, None);
    assert_eq!(decide(&accept_only, &accept_all()).path, Some(Path::AcceptAll));
}

#[test]
fn tcf_purposes_expand_to_one_wish_per_switch() {
    let r = rule(json!({
        "name": "tcf",
        "vendor": "A TCF CMP",
        "detect": { "present": [".fc-consent-root"] },
        "custom": {
            "tcfPurposes": {
                "consent": ".fc-preference-consent[data-purpose-id='{id}']",
                "legitimateInterest": ".fc-preference-legitimate-interest[data-purpose-id='{id}']",
                "specialFeatures": ".fc-preference-special-feature[data-feature-id='{id}']"
            }
        }
    }));
    let d = decide(&r, &mixed());
    assert_eq!(d.path, Some(Path::Custom));
    assert_eq!(d.wishes.len(), 11 + 11 + 2);
    let on: Vec<Switch> = d.wishes.iter().filter(|w| w.wanted).map(|w| w.switch).collect();
    let mut expected: Vec<Switch> = [7, 8, 9, 10].map(Switch::TcfConsent).to_vec();
    expected.extend([2, 7, 8, 9, 10, 11].map(Switch::TcfLegitimateInterest));
    assert_eq!(on, expected, "legitimate interest where TCF 2.2 allows it; no special feature");
    let w7 = &d.wishes[6];
    assert_eq!(
        (w7.what.as_str(), w7.control.to_string()),
        ("tcf purpose 7 consent", "\".fc-preference-consent[data-purpose-id='7']\"".into())
    );
    assert_eq!(d.wishes[12].what, "legitimate interest for tcf purpose 2");
    assert_eq!(d.wishes[23].what, "tcf special feature 2");
}
