//! Which answer a consent dialog gets: the path (`refuseAll`, `acceptAll` or the settings layer)
//! and, for the settings layer, the wished state of every switch (`docs/consent-rules.md`, "How
//! the answer is chosen"). Pure: a rule and the terms in force in, a [`Decision`] out. The
//! pay-or-consent check comes before and is the session's ([`super::session`]).
//!
//! Invariants: a path is only chosen if the rule has it; no path ever gives away more than the
//! terms allow, so when the only way out of a dialog would (a dialog that can only be accepted,
//! for a person who refuses something) there is no path and the dialog is left to the person.
//! A switch is on only if every purpose it stands for is accepted; a legitimate-interest switch
//! is on only if the person does not object and TCF 2.2 lets every one of its purposes claim
//! legitimate interest.

use super::rules::{Custom, Kind, Mapping, Rule, Selector, Toggle};
use crate::policy::{self, Effective, Purpose};

/// The three ways a rule can answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Path {
    RefuseAll,
    AcceptAll,
    Custom,
}

/// The answer chosen for one dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// `None`: nothing the rule can do matches the terms; the dialog is left to the person.
    pub path: Option<Path>,
    /// Why, in plain language, for the receipt ("everything optional refused").
    pub reason: String,
    /// For [`Path::Custom`]: every switch to set, in order (the rule's toggles, then the
    /// `tcfPurposes` expansions: consent 1–11, legitimate interest 1–11, special features 1–2).
    /// Empty for the other paths.
    pub wishes: Vec<Wish>,
}

/// Which switch of the rule a [`Wish`] is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Switch {
    /// `custom.toggles[i]`.
    Toggle(usize),
    /// `custom.tcfPurposes.consent` for this purpose.
    TcfConsent(u8),
    /// `custom.tcfPurposes.legitimateInterest` for this purpose.
    TcfLegitimateInterest(u8),
    /// `custom.tcfPurposes.specialFeatures` for this feature.
    SpecialFeature(u8),
}

/// The wished state of one switch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wish {
    pub switch: Switch,
    /// What it decides, for the receipt: `tcf purpose 7 consent`, `category statistics`,
    /// `legitimate interest for tcf purpose 2`.
    pub what: String,
    /// The switch, `{id}` replaced.
    pub control: Selector,
    pub kind: Kind,
    /// For a radio: the "no" button, as a full chain from the frame's document.
    pub off: Option<Selector>,
    /// On or off.
    pub wanted: bool,
}

/// The answer `rule` gives under `terms` (see the module documentation).
pub fn decide(rule: &Rule, terms: &Effective) -> Decision {
    let optional = || Purpose::ALL.iter().copied().filter(|p| p.is_optional());
    let all_refused = optional().all(|p| terms.purpose(p) == policy::Decision::Refuse);
    let all_accepted = optional().all(|p| terms.purpose(p) == policy::Decision::Accept);
    let objects = terms.legitimate_interest_objected();
    let (refuse, accept, custom) = (rule.refuse_all.is_some(), rule.accept_all.is_some(), rule.custom.is_some());
    let by_switch = "answered switch by switch";

    let (path, reason) = if all_refused {
        if refuse && !(objects && rule.refuse_all_keeps_legitimate_interest) {
            (Some(Path::RefuseAll), "everything optional refused".to_owned())
        } else if custom && refuse {
            let why = "everything optional refused; this dialog's \"Reject all\" keeps legitimate interest, which the terms object to";
            (Some(Path::Custom), format!("{why}: {by_switch}"))
        } else if custom {
            (Some(Path::Custom), format!("everything optional refused; this dialog has no \"Reject all\": {by_switch}"))
        } else if refuse {
            let why = "everything optional refused; this dialog's \"Reject all\" keeps legitimate interest and it has no settings";
            (Some(Path::RefuseAll), format!("{why}: refused all it can"))
        } else {
            (None, "everything optional refused, but this dialog can only be accepted: left to the person".to_owned())
        }
    } else if all_accepted && !objects {
        if accept {
            (Some(Path::AcceptAll), "everything accepted".to_owned())
        } else if custom {
            (Some(Path::Custom), format!("everything accepted; this dialog has no \"Accept all\": {by_switch}"))
        } else {
            (Some(Path::RefuseAll), "everything accepted, but this dialog can only be refused: refused everything".to_owned())
        }
    } else {
        let what = if all_accepted { "everything accepted but legitimate interest" } else { "some purposes accepted, others refused" };
        if custom {
            (Some(Path::Custom), format!("{what}: {by_switch}"))
        } else if refuse {
            (Some(Path::RefuseAll), format!("{what}; this dialog offers no choice by purpose: refused everything"))
        } else {
            (None, format!("{what}, but this dialog can only be accepted: left to the person"))
        }
    };
    let wishes = match (&rule.custom, path) {
        (Some(c), Some(Path::Custom)) => wishes(c, terms),
        _ => Vec::new(),
    };
    Decision { path, reason, wishes }
}

/// The wished state of every switch of the settings layer.
pub fn wishes(custom: &Custom, terms: &Effective) -> Vec<Wish> {
    let mut out: Vec<Wish> = custom.toggles.iter().enumerate().map(|(i, t)| toggle_wish(i, t, terms)).collect();
    let Some(tcf) = &custom.tcf_purposes else { return out };
    let mut expand = |template: &Option<Selector>, ids: std::ops::RangeInclusive<u8>, switch: fn(u8) -> Switch| {
        let Some(template) = template else { return };
        for id in ids {
            let (what, wanted) = match switch(id) {
                Switch::TcfConsent(_) => (format!("tcf purpose {id} consent"), terms.purpose_accepted(id)),
                Switch::TcfLegitimateInterest(_) => (format!("legitimate interest for tcf purpose {id}"), li_wanted(&[id], terms)),
                _ => (format!("tcf special feature {id}"), terms.special_feature_accepted(id)),
            };
            out.push(Wish { switch: switch(id), what, control: template.with_id(id), kind: tcf.kind.clone(), off: None, wanted });
        }
    };
    expand(&tcf.consent, 1..=11, Switch::TcfConsent);
    expand(&tcf.legitimate_interest, 1..=11, Switch::TcfLegitimateInterest);
    expand(&tcf.special_features, 1..=2, Switch::SpecialFeature);
    out
}

/// Legitimate interest for these TCF purposes: no objection, and TCF 2.2 allows it for each.
fn li_wanted(tcf_ids: &[u8], terms: &Effective) -> bool {
    !terms.legitimate_interest_objected()
        && tcf_ids.iter().all(|&id| Purpose::from_tcf_purpose(id).is_some_and(|p| p.info().legitimate_interest))
}

fn toggle_wish(i: usize, t: &Toggle, terms: &Effective) -> Wish {
    let list = |ids: &[u8]| ids.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let subject = |m: &Mapping| match m {
        Mapping::Tcf(ids) => format!("tcf purpose{} {}", plural(ids.len()), list(ids)),
        Mapping::SpecialFeatures(ids) => format!("tcf special feature{} {}", plural(ids.len()), list(ids)),
        Mapping::Category(c) => format!("category {}", c.key()),
        Mapping::Purposes(ps) => format!("purpose{} {}", plural(ps.len()), ps.iter().map(|p| p.key()).collect::<Vec<_>>().join(", ")),
    };
    let (what, wanted) = match (&t.mapping, t.legitimate_interest) {
        (None, _) => ("legitimate interest".to_owned(), !terms.legitimate_interest_objected()),
        (Some(m), true) => {
            let allowed = purposes_of(m).iter().all(|p| p.info().legitimate_interest);
            (format!("legitimate interest for {}", subject(m)), allowed && !terms.legitimate_interest_objected())
        }
        (Some(m), false) => {
            let wanted = match m {
                Mapping::Tcf(ids) => ids.iter().all(|&id| terms.purpose_accepted(id)),
                Mapping::SpecialFeatures(ids) => ids.iter().all(|&id| terms.special_feature_accepted(id)),
                Mapping::Category(c) => terms.cmp_category_accepted(*c),
                Mapping::Purposes(ps) => ps.iter().all(|&p| terms.purpose(p) == policy::Decision::Accept),
            };
            let suffix = if matches!(m, Mapping::Tcf(_)) { " consent" } else { "" };
            (format!("{}{suffix}", subject(m)), wanted)
        }
    };
    Wish {
        switch: Switch::Toggle(i),
        what,
        control: t.control.clone(),
        kind: t.kind.clone(),
        off: t.off.as_ref().map(|off| t.control.sibling(off)),
        wanted,
    }
}

/// The purposes a mapping stands for.
fn purposes_of(m: &Mapping) -> Vec<Purpose> {
    match m {
        Mapping::Tcf(ids) => ids.iter().filter_map(|&id| Purpose::from_tcf_purpose(id)).collect(),
        Mapping::SpecialFeatures(ids) => ids.iter().filter_map(|&id| Purpose::from_special_feature(id)).collect(),
        Mapping::Category(c) => c.purposes().collect(),
        Mapping::Purposes(ps) => ps.clone(),
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
