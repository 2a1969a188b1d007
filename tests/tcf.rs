//! Our TC-string decoder (`src/consent/tcf.rs`) against the IAB Tech Lab's reference codec,
//! `@iabtechlabtcf/core`, on `tests/fixtures/tcf/strings.json` (written by `generate.mjs` beside
//! it, which says how to run it):
//! - `valid`: strings the library encoded from varied models (both vendor encodings, every
//!   segment, publisher restrictions, custom purposes) and the library's decoding of each; ours
//!   must agree on every field;
//! - `invalid`: malformed strings, which we refuse; the library refuses most of them, and the
//!   ones it accepts are listed in [`LIBRARY_ACCEPTS`].

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use trustledger::consent::tcf::{decode, Problem, TcString};

/// The malformed strings that the reference library decodes without an error (1.5.21).
const LIBRARY_ACCEPTS: &[&str] = &[
    "range ends before it starts",        // an empty range
    "range past the max vendor id",       // MaxVendorId is not checked
    "vendor 0 in a restriction",          // kept as vendor 0
    "consent language letter 26",         // decoded as '['
    "a second core segment",              // the last one wins
    "repeated disclosed vendors segment", // the last one wins
    "disclosed vendors segment without a core",
    "publisher TC segment before the core", // segments in any order
    "a TCF v1 consent string",              // version 1 is decoded; we read version 2 only
];

fn fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tcf/strings.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("strings.json is JSON")
}

fn entries<'a>(fixture: &'a Value, key: &str) -> &'a [Value] {
    fixture[key].as_array().map(Vec::as_slice).unwrap_or_else(|| panic!("no `{key}` array"))
}

/// Our decoding, in the shape of the library's decoded view (see `view` in `generate.mjs`).
fn view(tc: &TcString) -> Value {
    let c = &tc.core;
    // The library merges restrictions by (purpose, type) and lists every vendor id of them.
    let mut restrictions: BTreeMap<(u8, u8), Vec<u16>> = BTreeMap::new();
    for r in &c.publisher_restrictions {
        let vendors = restrictions.entry((r.purpose_id, r.restriction_type as u8)).or_default();
        vendors.extend(r.vendors.iter().flat_map(|v| v.start..=v.end));
    }
    let restrictions: Vec<Value> = restrictions
        .into_iter()
        .map(|((purpose_id, restriction_type), mut vendors)| {
            vendors.sort_unstable();
            vendors.dedup();
            json!({"purposeId": purpose_id, "restrictionType": restriction_type, "vendors": vendors})
        })
        .collect();
    let publisher = tc.publisher.clone().unwrap_or_default();
    let ids = |set: &Option<trustledger::consent::tcf::VendorSet>| set.as_ref().map(|s| s.ids.clone()).unwrap_or_default();
    json!({
        "version": c.version,
        "created": c.created_ms,
        "lastUpdated": c.last_updated_ms,
        "cmpId": c.cmp_id,
        "cmpVersion": c.cmp_version,
        "consentScreen": c.consent_screen,
        "consentLanguage": c.consent_language,
        "vendorListVersion": c.vendor_list_version,
        "policyVersion": c.tcf_policy_version,
        "isServiceSpecific": c.is_service_specific,
        "useNonStandardTexts": c.use_non_standard_texts,
        "specialFeatureOptins": c.special_feature_opt_ins,
        "purposeConsents": c.purpose_consents,
        "purposeLegitimateInterests": c.purpose_legitimate_interests,
        "purposeOneTreatment": c.purpose_one_treatment,
        "publisherCountryCode": c.publisher_country_code,
        "vendorConsents": c.vendor_consents.ids,
        "vendorConsentsMaxId": c.vendor_consents.max_vendor_id,
        "vendorLegitimateInterests": c.vendor_legitimate_interests.ids,
        "vendorLegitimateInterestsMaxId": c.vendor_legitimate_interests.max_vendor_id,
        "publisherRestrictions": restrictions,
        "vendorsDisclosed": ids(&tc.disclosed_vendors),
        "vendorsAllowed": ids(&tc.allowed_vendors),
        "publisherConsents": publisher.purpose_consents,
        "publisherLegitimateInterests": publisher.purpose_legitimate_interests,
        "numCustomPurposes": publisher.num_custom_purposes,
        "publisherCustomConsents": publisher.custom_purpose_consents,
        "publisherCustomLegitimateInterests": publisher.custom_purpose_legitimate_interests,
    })
}

#[test]
fn valid_strings_decode_as_the_reference_library_decodes_them() {
    let fixture = fixture();
    let valid = entries(&fixture, "valid");
    assert!(valid.len() >= 40, "{} valid strings", valid.len());
    for entry in valid {
        let name = entry["name"].as_str().unwrap_or("?");
        let string = entry["string"].as_str().unwrap_or_else(|| panic!("{name}: no string"));
        let tc = decode(string).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = entry["expected"].as_object().unwrap_or_else(|| panic!("{name}: no expected"));
        let ours = view(&tc);
        for (field, value) in expected {
            assert_eq!(&ours[field], value, "{name}: {field}\n{string}");
        }
        assert_eq!(ours.as_object().map(|o| o.len()), Some(expected.len()), "{name}: fields compared");

        // The segments written are the segments we found.
        let written = |segment: &str| entry["segments"].as_array().is_some_and(|s| s.iter().any(|s| s == segment));
        assert_eq!(tc.disclosed_vendors.is_some(), written("vendorsDisclosed"), "{name}");
        assert_eq!(tc.allowed_vendors.is_some(), written("vendorsAllowed"), "{name}");
        assert_eq!(tc.publisher.is_some(), written("publisherTC"), "{name}");

        // The library never writes legitimate interest for purposes 1 and 3 to 6.
        let problems = tc.problems();
        assert!(!problems.iter().any(|p| matches!(p, Problem::ProhibitedLegitimateInterest { .. })), "{name}");
        assert_eq!(problems.contains(&Problem::NotServiceSpecific), !tc.core.is_service_specific, "{name}");
    }
}

#[test]
fn the_fixture_covers_both_vendor_encodings() {
    let fixture = fixture();
    for section in ["vendorConsents", "vendorLegitimateInterests"] {
        for encoding in ["bitField", "ranges"] {
            let count = entries(&fixture, "valid").iter().filter(|e| e["encodings"][section] == encoding).count();
            assert!(count >= 2, "{section} in {encoding}: {count} strings");
        }
    }
}

#[test]
fn malformed_strings_are_refused() {
    let fixture = fixture();
    let invalid = entries(&fixture, "invalid");
    assert!(invalid.len() >= 20, "{} invalid strings", invalid.len());
    let mut accepted_by_library = Vec::new();
    for entry in invalid {
        let name = entry["name"].as_str().unwrap_or("?");
        let string = entry["string"].as_str().unwrap_or_else(|| panic!("{name}: no string"));
        assert_eq!(entry["error"], true, "{name}");
        if let Ok(tc) = decode(string) {
            panic!("{name}: decoded {string:?} as {tc:?}");
        }
        if entry["libraryRejects"] == false {
            accepted_by_library.push(name);
        }
    }
    assert_eq!(accepted_by_library, LIBRARY_ACCEPTS);
}
