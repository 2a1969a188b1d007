//! Did the site record what the person chose? The TC string a site's CMP stored (read from the
//! page's `__tcfapi`, decoded by [`crate::consent::tcf`]) compared purpose by purpose with the
//! person's terms for that site, and with what the CMP's own page API claimed.
//!
//! What counts as a violation, each with a sentence the ledger shows:
//! - consent recorded for a TCF purpose, or an opt-in for a special feature, the terms refuse;
//! - legitimate interest recorded for a purpose where TCF 2.2 forbids it (1, 3–6), or for any
//!   purpose when the person objects to legitimate interest;
//! - the CMP's page API (`tcData.purpose.consents`) saying other than its own string: a CMP
//!   that shows one thing and stores another.
//!
//! Recording *less* than the person allowed is no violation (it is noted). An undecodable
//! string is itself reported: the site's record cannot be read, so it cannot be verified.

use serde::{Deserialize, Serialize};

use super::tcf::{self, Problem, TcString};
use crate::policy::{Effective, Purpose};

/// What the page's TCF API reported, as content/tcf.js sends it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TcfReport {
    pub tc_string: String,
    #[serde(default)]
    pub event_status: String,
    #[serde(default)]
    pub cmp_id: u32,
    /// The CMP's object's purpose consents (ids), to compare with its string; `None` when the
    /// object had no `purpose` part.
    #[serde(default)]
    pub purpose_consents: Option<Vec<u32>>,
    #[serde(default)]
    pub purpose_legitimate_interests: Option<Vec<u32>>,
}

/// The verdict on one recorded TC string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TcCheck {
    /// The CMP's id in IAB's list (0 when the string could not be read).
    pub cmp_id: u16,
    /// The string as recorded (kept for the receipt).
    pub tc_string: String,
    /// Purposes consented to, legitimate interests, and special features opted in, as recorded.
    pub purpose_consents: Vec<u8>,
    pub purpose_legitimate_interests: Vec<u8>,
    pub special_features: Vec<u8>,
    /// Where the record breaks the person's terms, one sentence each. Empty: honoured.
    pub violations: Vec<String>,
    /// Differences that break nothing, and policy problems of the string.
    pub notes: Vec<String>,
    /// The string could not be decoded: the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

impl TcCheck {
    /// The record matches the terms (and was readable).
    pub fn honoured(&self) -> bool {
        self.unreadable.is_none() && self.violations.is_empty()
    }
}

fn purpose_name(id: u8) -> String {
    match Purpose::from_tcf_purpose(id) {
        Some(p) => format!("purpose {id} ({})", p.info().name.to_lowercase()),
        None => format!("purpose {id}"),
    }
}

fn feature_name(id: u8) -> String {
    match Purpose::from_special_feature(id) {
        Some(p) => format!("special feature {id} ({})", p.info().name.to_lowercase()),
        None => format!("special feature {id}"),
    }
}

/// Compares what the page reported with the person's terms for its site.
pub fn check(report: &TcfReport, terms: &Effective) -> TcCheck {
    let decoded = match tcf::decode(&report.tc_string) {
        Ok(decoded) => decoded,
        Err(e) => {
            return TcCheck {
                cmp_id: u16::try_from(report.cmp_id).unwrap_or(0),
                tc_string: report.tc_string.clone(),
                unreadable: Some(e.to_string()),
                ..TcCheck::default()
            }
        }
    };
    compare(&decoded, report, terms)
}

fn compare(tc: &TcString, report: &TcfReport, terms: &Effective) -> TcCheck {
    let core = &tc.core;
    let mut violations = Vec::new();
    let mut notes = Vec::new();
    for id in 1..=11u8 {
        let accepted = terms.purpose_accepted(id);
        match (core.purpose_consent(id), accepted) {
            (true, false) => violations.push(format!("records consent to {} that you refused", purpose_name(id))),
            (false, true) => notes.push(format!("records no consent to {}, which you allow", purpose_name(id))),
            _ => {}
        }
        if core.purpose_li(id) && terms.legitimate_interest_objected() && !matches!(id, 1 | 3..=6) {
            violations.push(format!("claims legitimate interest for {} although you object", purpose_name(id)));
        }
    }
    for id in 1..=2u8 {
        if core.special_feature(id) && !terms.special_feature_accepted(id) {
            violations.push(format!("records an opt-in to {} that you refused", feature_name(id)));
        }
    }
    for problem in tc.problems() {
        match problem {
            Problem::ProhibitedLegitimateInterest { purpose } => {
                violations.push(format!("claims legitimate interest for {}, which TCF forbids", purpose_name(purpose)))
            }
            other => notes.push(other.to_string()),
        }
    }
    // The CMP's page API against its own string.
    if let Some(said) = &report.purpose_consents {
        let mut said: Vec<u8> = said.iter().filter_map(|&id| u8::try_from(id).ok()).collect();
        said.sort_unstable();
        said.dedup();
        if said != core.purpose_consents {
            violations.push(format!(
                "its page said consent to purposes {} but its record says {}",
                list(&said),
                list(&core.purpose_consents)
            ));
        }
    }
    TcCheck {
        cmp_id: core.cmp_id,
        tc_string: report.tc_string.clone(),
        purpose_consents: core.purpose_consents.clone(),
        purpose_legitimate_interests: core.purpose_legitimate_interests.clone(),
        special_features: core.special_feature_opt_ins.clone(),
        violations,
        notes,
        unreadable: None,
    }
}

fn list(ids: &[u8]) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    ids.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
#[path = "verify_tests.rs"]
mod tests;
