//! Tests of the TC-string check: strings built by the decoder's own test encoder would be
//! circular, so these use strings made by IAB's codec (`tests/e2e/tcf.mjs`, the same vendor
//! list), with what each one records written beside it.

use super::*;
use crate::policy::{Preset, Terms};

// Made with tests/e2e/tcf.mjs encodeTcString; what each records is in its name.
/// Consent to purposes 1, 7, 8; legitimate interest for 2 and 7; special feature 1.
const P1_7_8_LI_2_7_SF1: &str = "CQuIxQAQuIxQAAKABAENCWFoAIMAAEIAAAYgF5wAgABALzAAAAAA.IGSQBQABAAVAC2AvMBkg";

fn report(tc: &str) -> TcfReport {
    TcfReport { tc_string: tc.to_string(), event_status: "useractioncomplete".into(), cmp_id: 10, ..TcfReport::default() }
}

fn effective(preset: Preset) -> Effective {
    preset.terms().for_site("news.example", 0)
}

#[test]
fn consent_the_terms_refuse_is_a_violation_purpose_by_purpose() {
    let check = check(&report(P1_7_8_LI_2_7_SF1), &effective(Preset::RefuseAll));
    assert!(!check.honoured());
    assert_eq!(check.purpose_consents, vec![1, 7, 8]);
    assert_eq!(check.special_features, vec![1]);
    let v = check.violations.join("\n");
    for expected in ["consent to purpose 1 ", "consent to purpose 7 ", "consent to purpose 8 ", "special feature 1 "] {
        assert!(v.contains(expected), "{expected} in {v}");
    }
    // Refusing everything optional objects to legitimate interest (the preset's choice).
    assert!(v.contains("legitimate interest for purpose 2 "), "{v}");
}

#[test]
fn accepting_everything_is_honoured_and_less_is_only_noted() {
    let check = check(&report(P1_7_8_LI_2_7_SF1), &effective(Preset::AcceptAll));
    assert!(check.honoured(), "{:?}", check.violations);
    assert!(check.notes.iter().any(|n| n.contains("no consent to purpose 2 ")), "{:?}", check.notes);
}

#[test]
fn a_cmp_whose_page_api_says_other_than_its_string_is_caught() {
    let mut lying = report(P1_7_8_LI_2_7_SF1);
    lying.purpose_consents = Some(vec![1]);
    let check = check(&lying, &effective(Preset::AcceptAll));
    assert_eq!(check.violations, vec!["its page said consent to purposes 1 but its record says 1, 7, 8".to_string()]);
    // Without a `purpose` object there is nothing to compare.
    let mut silent = report(P1_7_8_LI_2_7_SF1);
    silent.purpose_consents = None;
    assert!(check_is_honoured(&silent));
}

fn check_is_honoured(r: &TcfReport) -> bool {
    check(r, &effective(Preset::AcceptAll)).honoured()
}

#[test]
fn an_unreadable_string_is_not_honoured_and_says_why() {
    let check = check(&report("not a tc string!"), &Terms::default().for_site("news.example", 0));
    assert!(!check.honoured());
    assert!(check.unreadable.as_deref().unwrap_or("").contains("not URL-safe base64"), "{:?}", check.unreadable);
}
