//! Did the site's GPP record honour the person's terms? The GPP string a site's CMP keeps (read
//! from the page's `__gpp`), compared section by section with the terms for that site.
//!
//! What the terms ask of the US sections: an opt-out of the sale and of the sharing of personal
//! data when they refuse [`Purpose::SaleOrSharing`], and of targeted advertising when they refuse
//! profile-based ads ([`Purpose::AdProfiles`] or [`Purpose::PersonalisedAds`]); sending Global
//! Privacy Control asks for all three (US state laws treat it as an opt-out of sale, sharing and
//! targeted advertising).
//!
//! Violations, each a sentence the ledger shows (the section is named at the end):
//! - `usnat`/`usca` recording 2 (did not opt out) in `SaleOptOut`, `SharingOptOut` or
//!   `TargetedAdvertisingOptOut` (usca has no targeted advertising field), or `uspv1` recording
//!   `N` in its opt-out-of-sale character, where the terms ask for the opt-out;
//! - in `tcfeuv2`, whatever [`crate::consent::verify`] finds in a TC string.
//!
//! Notes: an opt-out recorded that the terms do not ask for (less than allowed breaks nothing);
//! a GPC subsection saying no signal was received while the terms send one (or one received
//! while they do not); sections the page says apply but the string lacks; sections present but
//! said not to apply (not checked); sections this module does not read. An undecodable string is
//! itself reported (`unreadable`): the site's record cannot be verified.

use serde::{Deserialize, Serialize};

use super::{decode, section_name, value, Section, UspFlag};
use crate::consent::verify::{self, TcfReport};
use crate::policy::{Decision, Effective, Purpose};

/// The verdict on one recorded GPP string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GppCheck {
    /// The string as recorded (kept for the receipt).
    pub gpp_string: String,
    /// The ids of the sections the string holds, in its order (empty when unreadable).
    pub sections: Vec<u32>,
    /// The ids the page said apply (`applicableSections`), as given; empty: it named none.
    pub applicable_sections: Vec<u32>,
    /// The ids of the sections compared with the terms.
    pub checked: Vec<u32>,
    /// Where the record breaks the person's terms, one sentence each. Empty: honoured.
    pub violations: Vec<String>,
    /// Differences that break nothing, sections not checked, and policy problems.
    pub notes: Vec<String>,
    /// The string could not be decoded: the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unreadable: Option<String>,
}

impl GppCheck {
    /// The record matches the terms (and was readable).
    pub fn honoured(&self) -> bool {
        self.unreadable.is_none() && self.violations.is_empty()
    }
}

/// Why the terms ask for an opt-out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Why {
    /// The terms refuse the purpose.
    Refused,
    /// The terms allow it but send Global Privacy Control.
    Gpc,
}

/// The opt-outs the terms ask for.
struct Wants {
    sale_or_sharing: Option<Why>,
    targeted_advertising: Option<Why>,
    gpc: bool,
}

impl Wants {
    fn of(terms: &Effective) -> Self {
        let accepted = |p: Purpose| terms.purpose(p) == Decision::Accept;
        let why = |accepted: bool| match (accepted, terms.gpc()) {
            (false, _) => Some(Why::Refused),
            (true, true) => Some(Why::Gpc),
            (true, false) => None,
        };
        Wants {
            sale_or_sharing: why(accepted(Purpose::SaleOrSharing)),
            targeted_advertising: why(accepted(Purpose::AdProfiles) && accepted(Purpose::PersonalisedAds)),
            gpc: terms.gpc(),
        }
    }
}

/// `usva section (id 9)`, or `section 99` for an id without a name.
fn phrase(id: u32) -> String {
    match section_name(id) {
        Some(name) => format!("{name} section (id {id})"),
        None => format!("section {id}"),
    }
}

/// `sentence (name section)`, keeping a final full stop last.
pub(super) fn tagged(sentence: &str, name: &str) -> String {
    match sentence.strip_suffix('.') {
        Some(s) => format!("{s} ({name} section)."),
        None => format!("{sentence} ({name} section)"),
    }
}

/// Compares the GPP string a page reported, and the sections it said apply
/// (`applicableSections`, without `-1`), with the person's terms for its site. With no
/// applicable sections named, every section of the string is checked.
pub fn check(gpp: &str, applicable_sections: &[u32], terms: &Effective) -> GppCheck {
    let mut out = GppCheck { gpp_string: gpp.to_owned(), applicable_sections: applicable_sections.to_vec(), ..GppCheck::default() };
    let decoded = match decode(gpp) {
        Ok(decoded) => decoded,
        Err(e) => {
            out.unreadable = Some(e.to_string());
            return out;
        }
    };
    out.sections = decoded.section_ids.clone();
    let mut applicable = applicable_sections.to_vec();
    applicable.sort_unstable();
    applicable.dedup();
    for &id in &applicable {
        if decoded.section(id).is_none() {
            out.notes.push(format!("says its {} applies, but its GPP string has none", phrase(id)));
        }
    }
    let wants = Wants::of(terms);
    for section in &decoded.sections {
        let id = section.id();
        let label = phrase(id);
        if !applicable.is_empty() && applicable.binary_search(&id).is_err() {
            out.notes.push(format!("has a {label}, which it says does not apply here (not checked)"));
            continue;
        }
        let name = section_name(id).unwrap_or("unnamed");
        let mut opt_out = |field: Field, recorded: u8| compare(&mut out, &wants, field, recorded, name);
        match section {
            Section::TcfEuV2 { raw, tc } => {
                let report = TcfReport { tc_string: raw.clone(), cmp_id: u32::from(tc.core.cmp_id), ..TcfReport::default() };
                let verdict = verify::check(&report, terms);
                out.violations.extend(verdict.violations.iter().map(|v| tagged(v, name)));
                out.notes.extend(verdict.notes.iter().map(|n| tagged(n, name)));
                if let Some(reason) = verdict.unreadable {
                    out.unreadable = Some(reason);
                }
            }
            Section::UspV1(usp) => {
                let recorded = match usp.opt_out_sale {
                    UspFlag::Yes => value::OPTED_OUT,
                    UspFlag::No => value::DID_NOT_OPT_OUT,
                    UspFlag::NotApplicable => value::NOT_APPLICABLE,
                };
                opt_out(Field::Sale, recorded);
            }
            Section::UsNat(nat) => {
                opt_out(Field::Sale, nat.sale_opt_out);
                opt_out(Field::Sharing, nat.sharing_opt_out);
                opt_out(Field::TargetedAdvertising, nat.targeted_advertising_opt_out);
                gpc_note(&mut out, &wants, nat.gpc, name);
            }
            Section::UsCa(ca) => {
                opt_out(Field::Sale, ca.sale_opt_out);
                opt_out(Field::Sharing, ca.sharing_opt_out);
                gpc_note(&mut out, &wants, ca.gpc, name);
            }
            Section::Other { .. } => {
                out.notes.push(format!("has a {label}, which Trust Ledger does not read (not checked)"));
                continue;
            }
        }
        out.checked.push(id);
    }
    out
}

/// The opt-out fields of the US sections.
#[derive(Clone, Copy)]
enum Field {
    Sale,
    Sharing,
    TargetedAdvertising,
}

fn compare(out: &mut GppCheck, wants: &Wants, field: Field, recorded: u8, name: &str) {
    let (what, wanted) = match field {
        Field::Sale => ("the sale of your personal data", wants.sale_or_sharing),
        Field::Sharing => ("the sharing of your personal data", wants.sale_or_sharing),
        Field::TargetedAdvertising => ("targeted advertising", wants.targeted_advertising),
    };
    match (recorded, wanted) {
        (value::DID_NOT_OPT_OUT, Some(why)) => {
            let because = match why {
                Why::Refused => "which you refuse",
                Why::Gpc => "although Global Privacy Control was sent",
            };
            out.violations.push(tagged(&format!("records that you did not opt out of {what}, {because}"), name));
        }
        (value::OPTED_OUT, None) => out.notes.push(tagged(&format!("records that you opted out of {what}, which you allow"), name)),
        _ => {}
    }
}

fn gpc_note(out: &mut GppCheck, wants: &Wants, recorded: Option<bool>, name: &str) {
    match (recorded, wants.gpc) {
        (Some(false), true) => out.notes.push(tagged("the site's record says no Global Privacy Control signal was received", name)),
        (Some(true), false) => out
            .notes
            .push(tagged("the site's record says a Global Privacy Control signal was received, which your terms do not send here", name)),
        _ => {}
    }
}
