//! Unit tests of the GPP decoder and check. Strings made by IAB's codec (`@iabgpp/cmpapi` 3.2.0,
//! `GppModel.setFieldValue` then `encode`), with what each records in its name; headers built bit
//! by bit with a Fibonacci encoder written from the specification; every error; and properties:
//! section ids survive encoding, and no input makes anything panic.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::check::tagged;
use super::*;
use crate::policy::{Effective, Preset, Terms};

/// usnat v2: SaleOptOutNotice 1; SaleOptOut, SharingOptOut, TargetedAdvertisingOptOut 2; Gpc 0.
const USNAT_NONE_GPC0: &str = "DBABLA~CEAqAAAAAABA.QA";
/// usnat v2: the three opt-outs 1; Gpc 1.
const USNAT_ALL_GPC1: &str = "DBABLA~CAAVAAAAAABA.YA";
/// usnat v1: SaleOptOut 2, SharingOptOut 1, no GPC subsection.
const USNAT_V1_SALE2: &str = "DBABLA~BAAkAAAAAQA";
/// usca: SaleOptOut 2, SharingOptOut 1; Gpc 0.
const USCA_SALE2_GPC0: &str = "DBABBg~BAkAAABA.QA";
const USP_1YNN: &str = "DBABTA~1YNN";
/// tcfeuv2 (CMP 10, consent to purposes 1, 3, 4), uspv1 `1YYN`, usnat and usca with every
/// opt-out 1 and Gpc 1, and usva (id 9; its SaleOptOut 2).
const ALL: &str = "DBACPZg~CQSU_AAQSU_AAAKAAAENAAFgALAAAAAAAAAAAAAAAAAA.IAAA.YAAAAAAAAAAA~1YYN~CAAVAAAAAABA.YA~BAUAAABA.YA~BAgAABA";
/// The TCF specification's TC string, in the GPP specification's examples.
const SPEC_TC: &str = "CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA";

fn effective(preset: Preset) -> Effective {
    preset.terms().for_site("news.example", 0)
}

/// Accepts everything, as [`Preset::AcceptAll`], but sends Global Privacy Control.
fn accept_all_with_gpc() -> Effective {
    let mut terms = Preset::AcceptAll.terms();
    terms.signals.gpc = true;
    terms.for_site("news.example", 0)
}

fn decoded(s: &str) -> GppString {
    decode(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

#[test]
fn the_specification_examples() {
    let gpp = decoded(&format!("DBABM~{SPEC_TC}"));
    assert_eq!(gpp.section_ids, [2]);
    let Some(Section::TcfEuV2 { raw, tc }) = gpp.section(2) else { panic!("{gpp:?}") };
    assert_eq!(raw, SPEC_TC);
    assert_eq!(tc.core.cmp_id, 31);

    let gpp = decoded(&format!("DBACNY~{SPEC_TC}~1YNN"));
    assert_eq!(gpp.section_ids, [2, 6]);
    let Some(Section::UspV1(usp)) = gpp.section(6) else { panic!("{gpp:?}") };
    assert_eq!((usp.notice, usp.opt_out_sale, usp.lspa_covered), (UspFlag::Yes, UspFlag::No, UspFlag::No));
    assert_eq!(usp.to_string(), "1YNN");
}

#[test]
fn usnat_versions_and_the_gpc_subsection() {
    let Some(Section::UsNat(v2)) = decoded(USNAT_NONE_GPC0).sections.pop() else { panic!() };
    assert_eq!((v2.version, v2.sale_opt_out_notice, v2.sale_opt_out, v2.sharing_opt_out, v2.targeted_advertising_opt_out), (2, 1, 2, 2, 2));
    assert_eq!((v2.sensitive_data_processing.len(), v2.known_child_sensitive_data_consents.len()), (16, 3));
    assert_eq!((v2.mspa_covered_transaction, v2.gpc), (1, Some(false)));

    let Some(Section::UsNat(v1)) = decoded(USNAT_V1_SALE2).sections.pop() else { panic!() };
    assert_eq!((v1.version, v1.sale_opt_out, v1.sharing_opt_out, v1.gpc), (1, 2, 1, None));
    assert_eq!((v1.sensitive_data_processing.len(), v1.known_child_sensitive_data_consents.len()), (12, 2));

    let Some(Section::UsCa(ca)) = decoded(USCA_SALE2_GPC0).sections.pop() else { panic!() };
    assert_eq!((ca.sale_opt_out, ca.sharing_opt_out, ca.gpc), (2, 1, Some(false)));
    assert_eq!((ca.sensitive_data_processing.len(), ca.known_child_sensitive_data_consents.len()), (9, 2));
}

#[test]
fn a_header_range_and_undecoded_sections() {
    let gpp = decoded(ALL);
    assert_eq!(gpp.section_ids, [2, 6, 7, 8, 9]);
    assert_eq!(gpp.sections.iter().map(Section::id).collect::<Vec<_>>(), [2, 6, 7, 8, 9]);
    assert_eq!(gpp.section(9), Some(&Section::Other { id: 9, raw: "BAgAABA".into() }));
    assert_eq!(decoded("DBAA"), GppString { section_ids: vec![], sections: vec![] });
    let json = serde_json::to_value(decoded(ALL)).expect("serialises");
    assert_eq!(
        json["sections"][1],
        serde_json::json!({"section": "uspv1", "version": 1, "notice": "yes", "optOutSale": "yes", "lspaCovered": "no"})
    );
    assert_eq!(json["sections"][4], serde_json::json!({"section": "other", "id": 9, "raw": "BAgAABA"}));
    assert_eq!((json["sections"][0]["section"].as_str(), json["sections"][0]["tc"]["core"]["cmpId"].as_u64()), (Some("tcfeuv2"), Some(10)));
    assert_eq!(json["sections"][2]["gpc"], true);
    assert_eq!((section_name(2), section_name(9), section_name(0), section_name(99)), (Some("tcfeuv2"), Some("usva"), None, None));
}

fn error(s: &str) -> GppError {
    match decode(s) {
        Ok(gpp) => panic!("{s:?} decoded as {gpp:?}"),
        Err(e) => e,
    }
}

#[test]
fn every_error_says_what_is_wrong_and_where() {
    assert_eq!(error(""), GppError::Empty);
    assert_eq!(error("CBAA"), GppError::HeaderType { found: 2 });
    assert!(error(SPEC_TC).to_string().contains("bare TC string"), "{}", error(SPEC_TC));
    assert_eq!(error("DCAA"), GppError::HeaderVersion { found: 2 });
    assert!(matches!(error("DB"), GppError::Truncated { ref at, bit: 12, needed: 12, available: 0, .. } if at == "header"));
    assert_eq!(error("DBABAAAA"), GppError::Fibonacci { bit: 25, reason: "the number has no terminating \"11\" before the end".into() });
    assert!(matches!(error("DBABVVVVVVVVVVVVVWA~1YNN"), GppError::Fibonacci { bit: 25, .. }));
    assert_eq!(error("DBABTA"), GppError::SectionCount { declared: 1, found: 0 });
    assert_eq!(error("DBABTA~1YNN~1YNN"), GppError::SectionCount { declared: 1, found: 2 });
    assert_eq!(error("DBABTA~").to_string(), "section 1 (uspv1, id 6) is empty");
    assert_eq!(error("DB!A"), GppError::InvalidChar { at: "header".into(), ch: '!', index: 2 });
    assert_eq!(error("DBABTA.AAAA~1YNN"), GppError::InvalidChar { at: "header".into(), ch: '.', index: 6 });
    assert_eq!(
        error("DBABLA~CEA+AAAAAABA").to_string(),
        "section 1 (usnat, id 7), core segment: character '+' at index 3 is not URL-safe base64 (A-Z, a-z, 0-9, '-', '_')"
    );
    assert_eq!(
        error("DBABLA~CEAq").to_string(),
        "section 1 (usnat, id 7), core segment: SensitiveDataProcessing: truncated at bit 24: 32 bits needed, 0 left"
    );
    // SaleOptOut (bits 18-19) set to 3.
    assert_eq!(
        error("DBABLA~CEA-AAAAAABA").to_string(),
        "section 1 (usnat, id 7), core segment: SaleOptOut: value 3 is undefined (0 not applicable, 1 or 2) (bit 18)"
    );
    assert!(error("DBABLA~DEAqAAAAAABA").to_string().contains("Version: version 3 is not supported (1 or 2) (bit 0)"));
    assert!(error("DBABLA~CEAqAAAAAAAA").to_string().contains("MspaCoveredTransaction: value 0 is undefined"));
    assert!(error("DBABLA~CEAqAAAAAABA.oA").to_string().contains("segment 2: SubsectionType: subsection type 2 is unknown"));
    assert!(error("DBABLA~CEAqAAAAAABA.YA.QA").to_string().contains("segment 3: a second GPC subsection"));
    assert!(error("DBABLA~CEAqAAAAAABA.").to_string().contains("segment 2: the segment is empty"));
    assert!(error("DBABLA~.QA").to_string().contains("the core segment is empty"));
    assert!(error("DBABBg~CAkAAABA").to_string().contains("(usca, id 8), core segment: Version: version 2 is not supported (only 1)"));
    assert_eq!(error("DBABTA~1YN").to_string(), "section 1 (uspv1, id 6): a US Privacy string has 4 characters, this one 3");
    assert!(error("DBABTA~2YNN").to_string().contains("only version 1 exists"));
    assert!(error("DBABTA~1yNN").to_string().contains("notice: character 1 is 'y', not 'Y', 'N' or '-'"));
    assert!(matches!(error("DBABMA~DBABTA"), GppError::Tcf { number: 1, .. }));
    assert!(error("DBABMA~CPXxRf").to_string().starts_with("section 1 (tcfeuv2, id 2): TC string: core segment: "));
}

/// A header for `ids` (ascending, distinct) written from the specification: runs of consecutive
/// ids as ranges, each number a Fibonacci-coded offset from the one before.
fn header(ids: &BTreeSet<u32>) -> String {
    fn fib(mut n: u64, bits: &mut Vec<bool>) {
        let mut f = vec![1u64, 2];
        while f[f.len() - 1] + f[f.len() - 2] <= n {
            f.push(f[f.len() - 1] + f[f.len() - 2]);
        }
        let mut code = vec![false; f.len()];
        for i in (0..f.len()).rev() {
            if f[i] <= n {
                code[i] = true;
                n -= f[i];
            }
        }
        while code.last() == Some(&false) {
            code.pop();
        }
        bits.extend(code);
        bits.push(true);
    }
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &id in ids {
        match runs.last_mut() {
            Some(run) if run.1 + 1 == id => run.1 = id,
            _ => runs.push((id, id)),
        }
    }
    let mut bits = Vec::new();
    let field = |value: u64, n: usize, bits: &mut Vec<bool>| bits.extend((0..n).rev().map(|i| (value >> i) & 1 == 1));
    field(3, 6, &mut bits);
    field(1, 6, &mut bits);
    field(runs.len() as u64, 12, &mut bits);
    let mut last = 0u64;
    for (start, end) in runs {
        bits.push(start != end);
        fib(u64::from(start) - last, &mut bits);
        if start != end {
            fib(u64::from(end - start), &mut bits);
        }
        last = u64::from(end);
    }
    bits.chunks(6)
        .map(|c| {
            let v = c.iter().enumerate().fold(0u8, |acc, (i, &b)| acc | (u8::from(b) << (5 - i)));
            char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[usize::from(v)])
        })
        .collect()
}

#[test]
fn the_test_header_writer_agrees_with_the_library() {
    // The library pads to whole bytes first: "DBACNYA" where the specification writes "DBACNY".
    assert_eq!(header(&[2, 6].into()), "DBACNY");
    assert_eq!(header(&[2].into()), "DBABM");
    assert_eq!(decoded(&format!("{}~1YNN", header(&[6].into()))).section_ids, [6]);
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

#[test]
fn refused_sale_and_ads_recorded_as_not_opted_out_are_violations() {
    let check = check(USNAT_NONE_GPC0, &[7], &effective(Preset::Balanced));
    assert!(!check.honoured());
    assert_eq!(
        check.violations,
        [
            "records that you did not opt out of the sale of your personal data, which you refuse (usnat section)",
            "records that you did not opt out of the sharing of your personal data, which you refuse (usnat section)",
            "records that you did not opt out of targeted advertising, which you refuse (usnat section)",
        ]
    );
    assert_eq!(check.notes, ["the site's record says no Global Privacy Control signal was received (usnat section)"]);
    assert_eq!((check.sections.as_slice(), check.checked.as_slice()), (&[7][..], &[7][..]));
}

#[test]
fn gpc_alone_asks_for_the_opt_outs() {
    let check = check(USNAT_NONE_GPC0, &[], &accept_all_with_gpc());
    assert_eq!(check.violations.len(), 3, "{:?}", check.violations);
    assert_eq!(
        check.violations[0],
        "records that you did not opt out of the sale of your personal data, although Global Privacy Control was sent (usnat section)"
    );
    // Allowing everything without GPC: nothing is asked, nothing broken.
    let check = super::check(USNAT_NONE_GPC0, &[], &effective(Preset::AcceptAll));
    assert!(check.honoured() && check.notes.is_empty(), "{check:?}");
}

#[test]
fn opting_out_of_what_is_allowed_is_only_noted() {
    let check = check(USNAT_ALL_GPC1, &[], &effective(Preset::AcceptAll));
    assert!(check.honoured());
    assert_eq!(
        check.notes,
        [
            "records that you opted out of the sale of your personal data, which you allow (usnat section)",
            "records that you opted out of the sharing of your personal data, which you allow (usnat section)",
            "records that you opted out of targeted advertising, which you allow (usnat section)",
            "the site's record says a Global Privacy Control signal was received, which your terms do not send here (usnat section)",
        ]
    );
    assert!(super::check(USNAT_ALL_GPC1, &[], &effective(Preset::RefuseAll)).notes.is_empty());
}

#[test]
fn uspv1_usca_and_usnat_v1() {
    let refuse = effective(Preset::RefuseAll);
    assert_eq!(
        check(USP_1YNN, &[6], &refuse).violations,
        ["records that you did not opt out of the sale of your personal data, which you refuse (uspv1 section)"]
    );
    let ca = check(USCA_SALE2_GPC0, &[8], &refuse);
    assert_eq!(ca.violations, ["records that you did not opt out of the sale of your personal data, which you refuse (usca section)"]);
    assert_eq!(ca.notes, ["the site's record says no Global Privacy Control signal was received (usca section)"]);
    let v1 = check(USNAT_V1_SALE2, &[7], &refuse);
    assert_eq!(v1.violations.len(), 1, "{:?}", v1.violations);
    assert!(v1.notes.is_empty(), "{:?}", v1.notes);
}

#[test]
fn the_tcf_section_gets_the_tc_string_check() {
    let check = check(ALL, &[], &effective(Preset::RefuseAll));
    assert_eq!(check.checked, [2, 6, 7, 8]);
    let v = check.violations.join("\n");
    for expected in ["records consent to purpose 1 ", "records consent to purpose 3 ", "records consent to purpose 4 "] {
        assert!(v.contains(expected), "{expected} in {v}");
    }
    assert!(check.violations.iter().all(|v| v.ends_with("(tcfeuv2 section)")), "{v}");
    assert_eq!(check.notes, ["has a usva section (id 9), which Trust Ledger does not read (not checked)"]);

    let allowing = super::check(ALL, &[], &effective(Preset::AcceptAll));
    assert!(allowing.honoured(), "{:?}", allowing.violations);
    assert!(allowing.notes.iter().any(|n| n.starts_with("records no consent to purpose 2 ") && n.ends_with("(tcfeuv2 section)")));
}

#[test]
fn only_the_applicable_sections_are_checked() {
    let check = check(ALL, &[7, 12, 7], &effective(Preset::RefuseAll));
    assert_eq!(check.checked, [7]);
    assert!(check.honoured(), "{:?}", check.violations);
    assert_eq!(check.applicable_sections, [7, 12, 7]);
    assert_eq!(check.notes[0], "says its usct section (id 12) applies, but its GPP string has none");
    assert!(check.notes.contains(&"has a tcfeuv2 section (id 2), which it says does not apply here (not checked)".to_owned()));
    assert_eq!(check.notes.len(), 5, "{:?}", check.notes);
}

#[test]
fn an_unreadable_string_is_not_honoured_and_says_why() {
    let check = check("DBABTA~1YX-", &[6], &Terms::default().for_site("news.example", 0));
    assert!(!check.honoured());
    assert!(check.sections.is_empty() && check.checked.is_empty());
    assert_eq!(check.unreadable.as_deref(), Some("section 1 (uspv1, id 6): opt-out sale: character 2 is 'X', not 'Y', 'N' or '-'"));
}

#[test]
fn the_verdict_round_trips_through_json_and_refuses_unknown_fields() {
    let check = check(USNAT_NONE_GPC0, &[7], &effective(Preset::Balanced));
    let json = serde_json::to_value(&check).expect("serialises");
    assert!(json.get("gppString").is_some() && json.get("applicableSections").is_some() && json.get("unreadable").is_none());
    assert_eq!(serde_json::from_value::<GppCheck>(json.clone()).ok(), Some(check));
    let mut extra = json;
    extra["surprise"] = serde_json::json!(1);
    assert!(serde_json::from_value::<GppCheck>(extra).is_err());
}

#[test]
fn tagging_keeps_a_full_stop_last() {
    assert_eq!(tagged("A sentence.", "tcfeuv2"), "A sentence (tcfeuv2 section).");
    assert_eq!(tagged("records it", "usca"), "records it (usca section)");
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Ids other than the decoded sections', with a placeholder section each.
    #[test]
    fn section_ids_survive_the_header(ids in proptest::collection::btree_set(9u32..5_000, 0..40)) {
        let mut s = header(&ids);
        for _ in &ids {
            s.push_str("~AA");
        }
        let gpp = decode(&s).map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        prop_assert_eq!(gpp.section_ids, ids.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn nothing_panics(s in "(DB[A-Za-z0-9_-]{0,8})?(~[A-Za-z0-9_.-]{0,24}){0,5}|[ -~]{0,40}") {
        let _ = decode(&s);
        let check = check(&s, &[2, 6, 7, 8], &effective(Preset::Balanced));
        prop_assert_eq!(check.unreadable.is_none(), decode(&s).is_ok());
    }
}
