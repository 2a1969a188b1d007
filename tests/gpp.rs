//! Our GPP-string decoder (`src/consent/gpp/`) against the IAB Tech Lab's reference codec,
//! `@iabgpp/cmpapi`, on `tests/fixtures/gpp/strings.json` (written by `generate.mjs` beside it,
//! which says how to run it):
//! - `valid`: strings the library encoded from varied models (every decoded section alone and
//!   together, usnat versions 1 and 2, with and without GPC subsections, sections we keep
//!   undecoded) and the library's decoding of each; ours must agree on every field;
//! - `invalid`: malformed strings, which we refuse; the library refuses most of them, and the
//!   ones it accepts are listed in [`LIBRARY_ACCEPTS`].
//!
//! And no input derived from the fixture (every truncation, every character replaced or
//! removed) makes the decoder or the check panic.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{json, Value};
use trustledger::consent::gpp::{self, decode, GppString, Section, UsCa, UsNat};
use trustledger::consent::tcf::TcString;
use trustledger::policy::Preset;

/// The malformed strings that the reference library decodes without an error (3.2.0).
const LIBRARY_ACCEPTS: &[&str] = &[
    "empty string",                             // no sections
    "a bare TC string instead of a GPP string", // read as a lone tcfeuv2 section
    "Fibonacci section id too large",           // an id of about 10^17, ignored
    "header with a second segment",             // ignored
    "usnat SaleOptOut 3",                       // values are not checked when decoding
    "usnat MspaCoveredTransaction 0",
    "usnat version 3", // read with the version 2 layout
    "usnat version 0",
    "usnat subsection type 2",        // the second segment is the GPC subsection, whatever its type
    "usnat with two GPC subsections", // the third segment is ignored
    "usca version 2",                 // read with the version 1 layout
    "usca SensitiveDataProcessing value 3",
    "uspv1 with an unknown letter",
    "uspv1 version 2",
    "uspv1 in lower case",
];

fn fixture() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/gpp/strings.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("strings.json is JSON")
}

fn entries<'a>(fixture: &'a Value, key: &str) -> &'a [Value] {
    fixture[key].as_array().map(Vec::as_slice).unwrap_or_else(|| panic!("no `{key}` array"))
}

/// A tcfeuv2 section in the shape of the library's decoded view (`tcfView` in `generate.mjs`).
fn tcf_view(tc: &TcString) -> Value {
    let c = &tc.core;
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
        "Version": c.version,
        "Created": c.created_ms,
        "LastUpdated": c.last_updated_ms,
        "CmpId": c.cmp_id,
        "CmpVersion": c.cmp_version,
        "ConsentScreen": c.consent_screen,
        "ConsentLanguage": c.consent_language,
        "VendorListVersion": c.vendor_list_version,
        "PolicyVersion": c.tcf_policy_version,
        "IsServiceSpecific": c.is_service_specific,
        "UseNonStandardStacks": c.use_non_standard_texts,
        "SpecialFeatureOptins": c.special_feature_opt_ins,
        "PurposeConsents": c.purpose_consents,
        "PurposeLegitimateInterests": c.purpose_legitimate_interests,
        "PurposeOneTreatment": c.purpose_one_treatment,
        "PublisherCountryCode": c.publisher_country_code,
        "VendorConsents": c.vendor_consents.ids,
        "VendorLegitimateInterests": c.vendor_legitimate_interests.ids,
        "PublisherRestrictions": restrictions,
        "PublisherConsents": publisher.purpose_consents,
        "PublisherLegitimateInterests": publisher.purpose_legitimate_interests,
        "NumCustomPurposes": publisher.num_custom_purposes,
        "PublisherCustomConsents": publisher.custom_purpose_consents,
        "PublisherCustomLegitimateInterests": publisher.custom_purpose_legitimate_interests,
        "VendorsDisclosed": ids(&tc.disclosed_vendors),
        "VendorsAllowed": ids(&tc.allowed_vendors),
    })
}

/// The GPC subsection's fields, as the library reports them: only when it is there.
fn with_gpc(mut fields: Value, gpc: Option<bool>) -> Value {
    fields["GpcSegmentIncluded"] = json!(gpc.is_some());
    if let Some(gpc) = gpc {
        fields["GpcSegmentType"] = json!(1);
        fields["Gpc"] = json!(gpc);
    }
    fields
}

fn usnat_view(n: &UsNat) -> Value {
    let fields = json!({
        "Version": n.version,
        "SharingNotice": n.sharing_notice,
        "SaleOptOutNotice": n.sale_opt_out_notice,
        "SharingOptOutNotice": n.sharing_opt_out_notice,
        "TargetedAdvertisingOptOutNotice": n.targeted_advertising_opt_out_notice,
        "SensitiveDataProcessingOptOutNotice": n.sensitive_data_processing_opt_out_notice,
        "SensitiveDataLimitUseNotice": n.sensitive_data_limit_use_notice,
        "SaleOptOut": n.sale_opt_out,
        "SharingOptOut": n.sharing_opt_out,
        "TargetedAdvertisingOptOut": n.targeted_advertising_opt_out,
        "SensitiveDataProcessing": n.sensitive_data_processing,
        "KnownChildSensitiveDataConsents": n.known_child_sensitive_data_consents,
        "PersonalDataConsents": n.personal_data_consents,
        "MspaCoveredTransaction": n.mspa_covered_transaction,
        "MspaOptOutOptionMode": n.mspa_opt_out_option_mode,
        "MspaServiceProviderMode": n.mspa_service_provider_mode,
    });
    with_gpc(fields, n.gpc)
}

fn usca_view(c: &UsCa) -> Value {
    let fields = json!({
        "Version": c.version,
        "SaleOptOutNotice": c.sale_opt_out_notice,
        "SharingOptOutNotice": c.sharing_opt_out_notice,
        "SensitiveDataLimitUseNotice": c.sensitive_data_limit_use_notice,
        "SaleOptOut": c.sale_opt_out,
        "SharingOptOut": c.sharing_opt_out,
        "SensitiveDataProcessing": c.sensitive_data_processing,
        "KnownChildSensitiveDataConsents": c.known_child_sensitive_data_consents,
        "PersonalDataConsents": c.personal_data_consents,
        "MspaCoveredTransaction": c.mspa_covered_transaction,
        "MspaOptOutOptionMode": c.mspa_opt_out_option_mode,
        "MspaServiceProviderMode": c.mspa_service_provider_mode,
    });
    with_gpc(fields, c.gpc)
}

/// Our decoding, in the shape of the library's decoded view (`view` in `generate.mjs`).
fn view(gpp: &GppString) -> Value {
    let sections: Vec<Value> = gpp
        .sections
        .iter()
        .map(|section| {
            let (name, fields) = match section {
                Section::TcfEuV2 { tc, .. } => ("tcfeuv2", tcf_view(tc)),
                Section::UspV1(u) => (
                    "uspv1",
                    json!({
                        "Version": u.version,
                        "Notice": u.notice.as_char().to_string(),
                        "OptOutSale": u.opt_out_sale.as_char().to_string(),
                        "LspaCovered": u.lspa_covered.as_char().to_string(),
                    }),
                ),
                Section::UsNat(n) => ("usnat", usnat_view(n)),
                Section::UsCa(c) => ("usca", usca_view(c)),
                Section::Other { id, raw } => return json!({"id": id, "raw": raw}),
            };
            json!({"id": section.id(), "name": name, "fields": fields})
        })
        .collect();
    json!({"sectionIds": gpp.section_ids, "sections": sections})
}

#[test]
fn valid_strings_decode_as_the_reference_library_decodes_them() {
    let fixture = fixture();
    let valid = entries(&fixture, "valid");
    assert!(valid.len() >= 40, "{} valid strings", valid.len());
    for entry in valid {
        let name = entry["name"].as_str().unwrap_or("?");
        let string = entry["string"].as_str().unwrap_or_else(|| panic!("{name}: no string"));
        let gpp = decode(string).unwrap_or_else(|e| panic!("{name}: {e}\n{string}"));
        let expected = &entry["expected"];
        let ours = view(&gpp);
        assert_eq!(ours["sectionIds"], expected["sectionIds"], "{name}: section ids\n{string}");
        let (ours, theirs) = (ours["sections"].as_array(), expected["sections"].as_array());
        let (ours, theirs) = (ours.map_or(&[][..], Vec::as_slice), theirs.map_or(&[][..], Vec::as_slice));
        assert_eq!(ours.len(), theirs.len(), "{name}: sections\n{string}");
        for (our, their) in ours.iter().zip(theirs) {
            let section = their["name"].as_str().map_or_else(|| format!("id {}", their["id"]), str::to_owned);
            assert_eq!(our["id"], their["id"], "{name}: {section}");
            assert_eq!(our["raw"], their["raw"], "{name}: {section}: raw");
            let fields = their["fields"].as_object();
            for (field, value) in fields.into_iter().flatten() {
                assert_eq!(&our["fields"][field], value, "{name}: {section}: {field}\n{string}");
            }
            assert_eq!(our["fields"].as_object().map(|o| o.len()), fields.map(|o| o.len()), "{name}: {section}: fields compared");
        }
    }
}

#[test]
fn the_fixture_covers_every_decoded_section_and_both_usnat_versions() {
    let fixture = fixture();
    let sections: Vec<&Value> = entries(&fixture, "valid").iter().flat_map(|e| e["expected"]["sections"].as_array()).flatten().collect();
    let count = |f: &dyn Fn(&Value) -> bool| sections.iter().filter(|s| f(s)).count();
    for name in ["tcfeuv2", "uspv1", "usnat", "usca"] {
        assert!(count(&|s| s["name"] == name) >= 4, "{name}");
    }
    for version in [1, 2] {
        for gpc in [true, false] {
            let n = count(&|s| s["name"] == "usnat" && s["fields"]["Version"] == version && s["fields"]["GpcSegmentIncluded"] == gpc);
            assert!(n >= 1, "usnat version {version}, GPC subsection {gpc}: {n}");
        }
    }
    assert!(count(&|s| s["name"] == "usca" && s["fields"]["GpcSegmentIncluded"] == true) >= 2);
    assert!(count(&|s| s["raw"].is_string()) >= 4, "undecoded sections");
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
        match decode(string) {
            Ok(gpp) => panic!("{name}: decoded {string:?} as {gpp:?}"),
            Err(e) => assert!(!e.to_string().is_empty(), "{name}"),
        }
        if entry["libraryRejects"] == false {
            accepted_by_library.push(name);
        }
    }
    assert_eq!(accepted_by_library, LIBRARY_ACCEPTS);
}

/// Every string one edit away from a fixture string: each truncation, each character removed,
/// and each character replaced by a few others (separators included).
fn mutations(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        out.push(chars[..i].iter().collect());
    }
    for i in 0..chars.len() {
        let mut removed = chars.clone();
        removed.remove(i);
        out.push(removed.into_iter().collect());
        for replacement in ['A', '_', '-', 'z', '~', '.', '0', 'é'] {
            let mut replaced = chars.clone();
            replaced[i] = replacement;
            out.push(replaced.into_iter().collect());
        }
    }
    out
}

#[test]
fn no_edit_of_a_fixture_string_makes_the_decoder_or_the_check_panic() {
    let fixture = fixture();
    let terms = Preset::Balanced.terms().for_site("news.example", 0);
    let mut decoded = 0;
    let mut tried = 0;
    for entry in entries(&fixture, "valid").iter().chain(entries(&fixture, "invalid")) {
        let string = entry["string"].as_str().unwrap_or_default();
        for mutated in mutations(string) {
            tried += 1;
            if let Ok(gpp) = decode(&mutated) {
                decoded += 1;
                assert_eq!(gpp.sections.len(), gpp.section_ids.len(), "{mutated}");
            }
            let check = gpp::check(&mutated, &[2, 6, 7, 8], &terms);
            assert_eq!(check.unreadable.is_none(), decode(&mutated).is_ok(), "{mutated}");
        }
    }
    assert!(decoded > 0 && decoded < tried, "{decoded} of {tried} decoded");
}
