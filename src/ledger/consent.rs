//! Consent dialogs in the ledger: the receipts of the dialogs Trust Ledger answered for the
//! person on a site, what the site's consent record (its TC string) says of that answer, and the
//! tracking cookies it has and the trackers it lets in after the person refused their category.
//!
//! Each [`super::Event::Consent`] adds a [`Receipt`] (the latest [`RECEIPTS_KEPT`], and always the
//! one in force: the latest answered), [`super::Event::ConsentCheck`] a checked TC string,
//! [`super::Event::ConsentGpp`] a checked Global Privacy Platform string, and
//! [`super::Event::ConsentCookie`] a known tracking cookie, all to the site's [`ConsentLog`]; a
//! tracker's request ([`super::Event::Request`]) is held against the answer in force as it is
//! applied. Once Trust Ledger has answered the site's dialog, a record that says other than the
//! answer, a tracking cookie of a refused category and a request to a tracker of a refused
//! category (from [`REFUSAL_GRACE_MS`] after the answer) are broken promises: charged at once,
//! outside the visit's tracking cap, each at most once per visit (and company, for cookies and
//! trackers); a record that
//! says what was chosen earns a little, once per visit. Failing to answer, and a pay-or-consent
//! wall, cost nothing. The numbers are in [`score`]; the receipt's shape and its relation to
//! ISO/IEC TS 27560 are in `docs/ledger-format.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::permissions::is_zero;
use super::{score, Site};
use crate::consent::decide::Path;
use crate::consent::gpp::GppCheck;
use crate::consent::session::{self, Answer};
use crate::consent::verify::TcCheck;
use crate::policy::{CmpCategory, TrackerCategory};

/// Receipts kept per site, the one in force (the latest answered) among them however old.
pub const RECEIPTS_KEPT: usize = 20;

/// The key of a visit's charge for a consent record that breaks the terms.
const RECORD: &str = "record";
/// The key of a visit's bonus for a consent record that says what was chosen.
pub(super) const HONOURED: &str = "honoured";
/// The prefix of a visit's charge for a company's tracking cookie after a refusal.
const COOKIE: &str = "cookie:";
/// The prefix of a visit's charge for a company's tracker contacted after a refusal.
const TRACKER: &str = "tracker:";
/// Requests made this soon after the answer (in milliseconds) are not held against it: the
/// page may have sent them as the answer was given.
pub const REFUSAL_GRACE_MS: u64 = 1_000;

/// How a dialog was answered (the ISO/IEC TS 27560 collection method).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsentHow {
    /// The dialog's own "Reject all".
    RefuseAll,
    /// The dialog's own "Accept all".
    AcceptAll,
    /// Its settings layer, switch by switch (see [`Receipt::choices`]).
    Custom,
    /// A dialog no rule knows, answered by the words of its one refusal (or acceptance) button.
    Heuristic,
}

/// How answering a dialog ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConsentOutcome {
    /// Answered: the dialog is gone and the page is not locked.
    Answered,
    /// Not answered: see [`Receipt::failure`]. Trust Ledger's failure, not the site's.
    Failed,
    /// A pay-or-consent wall: reported, nothing clicked.
    PayOrConsent,
    /// The dialog is on the page but not shown: nothing to answer.
    NotShowing,
    /// The person opened the dialog's settings again to choose for themselves (the popup's
    /// button): from then on the site is no longer held to Trust Ledger's answer.
    Reopened,
}

/// How one switch of a settings layer was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ChoiceResult {
    /// It differed and was clicked into the wished state.
    Set,
    /// It already was in the wished state.
    Already,
    /// It is not on the page.
    Absent,
    /// It did not end in the wished state.
    Mismatch,
}

/// One switch of a settings layer, as answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReceiptChoice {
    /// `tcf purpose 7 consent`, `category statistics`, `legitimate interest for tcf purpose 2`.
    pub what: String,
    pub wanted: bool,
    pub result: ChoiceResult,
}

/// The receipt of one consent dialog Trust Ledger met on a site, shaped after an ISO/IEC TS 27560
/// consent record (`docs/ledger-format.md` says which field answers which of its elements).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Receipt {
    /// When, in milliseconds since the Unix epoch.
    pub at: u64,
    /// The visit's number (0 for none, and in the event: the ledger fills it in).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub visit: u64,
    /// The rule that answered (`heuristic` for a dialog no rule knows).
    pub rule: String,
    /// The consent management platform.
    pub vendor: String,
    /// How it was answered; `None` when no answer was given (a wall, a dialog not shown, a
    /// failure before any path started).
    #[serde(default)]
    pub how: Option<ConsentHow>,
    pub outcome: ConsentOutcome,
    /// Why this path (or this outcome), in plain language.
    pub reason: String,
    /// The switches set, for the custom path, in order.
    #[serde(default)]
    pub choices: Vec<ReceiptChoice>,
    /// What went wrong, when the outcome is failed.
    #[serde(default)]
    pub failure: Option<String>,
    /// The CMP categories ([`CmpCategory`] keys) the answer refused: every optional one for a
    /// refusal of everything, none for an acceptance or when nothing was answered.
    #[serde(default)]
    pub refused_categories: Vec<String>,
}

impl From<&Answer> for Receipt {
    /// A session's answer as a receipt, its time (`at`) and refused categories still to be
    /// filled in (for an answered refusal of everything: every optional category).
    fn from(a: &Answer) -> Receipt {
        let how = a.path.map(|p| match p {
            Path::RefuseAll => ConsentHow::RefuseAll,
            Path::AcceptAll => ConsentHow::AcceptAll,
            Path::Custom => ConsentHow::Custom,
        });
        let outcome = match a.outcome {
            session::Outcome::Answered => ConsentOutcome::Answered,
            session::Outcome::Failed => ConsentOutcome::Failed,
            session::Outcome::PayOrConsent => ConsentOutcome::PayOrConsent,
            session::Outcome::NotShowing => ConsentOutcome::NotShowing,
        };
        let choices = a
            .choices
            .iter()
            .map(|c| ReceiptChoice {
                what: c.what.clone(),
                wanted: c.wanted,
                result: match c.result {
                    session::ChoiceResult::Set => ChoiceResult::Set,
                    session::ChoiceResult::Already => ChoiceResult::Already,
                    session::ChoiceResult::Absent => ChoiceResult::Absent,
                    session::ChoiceResult::Mismatch => ChoiceResult::Mismatch,
                },
            })
            .collect();
        Receipt {
            at: 0,
            visit: 0,
            rule: a.rule.clone(),
            vendor: a.vendor.clone(),
            how,
            outcome,
            reason: a.reason.clone(),
            choices,
            failure: a.failure.clone(),
            refused_categories: Vec::new(),
        }
    }
}

/// Every optional CMP category's key, in [`CmpCategory::ALL`] order: what refusing everything
/// refuses.
pub fn optional_categories() -> Vec<String> {
    CmpCategory::ALL.iter().filter(|c| **c != CmpCategory::StrictlyNecessary).map(|c| c.key().to_owned()).collect()
}

/// A site's consent dialogs and records, in total and the latest in detail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConsentLog {
    /// Dialogs answered.
    #[serde(default)]
    pub answered: u64,
    /// Dialogs Trust Ledger failed to answer.
    #[serde(default)]
    pub failed: u64,
    /// Pay-or-consent walls met.
    #[serde(default)]
    pub walls: u64,
    /// Consent records (TC strings) checked, readable or not, after an answer or not.
    #[serde(default)]
    pub checks: u64,
    /// Checks, once a dialog of the site was answered, whose record says what was chosen.
    #[serde(default)]
    pub honoured: u64,
    /// Checks, once a dialog of the site was answered, whose record breaks the terms.
    #[serde(default)]
    pub violations: u64,
    /// The latest receipts, oldest first: at most [`RECEIPTS_KEPT`], and the one in force (the
    /// latest answered) always among them.
    #[serde(default)]
    pub receipts: Vec<Receipt>,
    /// The latest check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_check: Option<TcCheck>,
    /// When the latest check was made (0 before any).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_checked: u64,
    /// The latest check of a Global Privacy Platform string (counted in `checks` too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_gpp_check: Option<GppCheck>,
    /// When it was made (0 before any).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_gpp_checked: u64,
    /// Known tracking cookies found after the answer in force refused their category: how often
    /// each name was reported.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cookies_after_refusal: BTreeMap<String, u64>,
    /// Requests to trackers of a category the answer in force refused, made after it: how many
    /// per company.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub trackers_after_refusal: BTreeMap<String, u64>,
}

impl ConsentLog {
    pub fn is_empty(&self) -> bool {
        *self == ConsentLog::default()
    }

    /// The receipt in force: the latest answered, unless the person reopened the dialog's
    /// settings after it (then none: the choice is theirs).
    pub fn in_force(&self) -> Option<&Receipt> {
        self.receipts
            .iter()
            .rev()
            .find(|r| matches!(r.outcome, ConsentOutcome::Answered | ConsentOutcome::Reopened))
            .filter(|r| r.outcome == ConsentOutcome::Answered)
    }

    /// Whether the answer in force refused this CMP category (its key).
    pub fn refused(&self, category: &str) -> bool {
        self.in_force().is_some_and(|r| r.refused_categories.iter().any(|c| c == category))
    }

    fn keep(&mut self, receipt: Receipt) {
        match receipt.outcome {
            ConsentOutcome::Answered => self.answered += 1,
            ConsentOutcome::Failed => self.failed += 1,
            ConsentOutcome::PayOrConsent => self.walls += 1,
            ConsentOutcome::NotShowing | ConsentOutcome::Reopened => {}
        }
        self.receipts.push(receipt);
        self.trim();
    }

    /// Drops the oldest receipts past [`RECEIPTS_KEPT`], never the one in force.
    fn trim(&mut self) {
        while self.receipts.len() > RECEIPTS_KEPT {
            let in_force = self.receipts.iter().rposition(|r| r.outcome == ConsentOutcome::Answered);
            let oldest = if in_force == Some(0) { 1 } else { 0 };
            self.receipts.remove(oldest);
        }
    }

    /// Adds another profile's consent log of the same site: counts add up, the latest receipts
    /// of both are kept (theirs with their visits numbered from `base` on), the later check.
    pub(super) fn add(&mut self, other: ConsentLog, base: u64) {
        self.answered += other.answered;
        self.failed += other.failed;
        self.walls += other.walls;
        self.checks += other.checks;
        self.honoured += other.honoured;
        self.violations += other.violations;
        let renumbered = other.receipts.into_iter().map(|r| Receipt { visit: if r.visit == 0 { 0 } else { base + r.visit }, ..r });
        self.receipts.extend(renumbered);
        self.receipts.sort_by_key(|r| r.at);
        self.trim();
        if other.latest_check.is_some() && (self.latest_check.is_none() || other.last_checked > self.last_checked) {
            self.latest_check = other.latest_check;
            self.last_checked = other.last_checked;
        }
        if other.latest_gpp_check.is_some() && (self.latest_gpp_check.is_none() || other.last_gpp_checked > self.last_gpp_checked) {
            self.latest_gpp_check = other.latest_gpp_check;
            self.last_gpp_checked = other.last_gpp_checked;
        }
        for (name, n) in other.cookies_after_refusal {
            *self.cookies_after_refusal.entry(name).or_default() += n;
        }
        for (company, n) in other.trackers_after_refusal {
            *self.trackers_after_refusal.entry(company).or_default() += n;
        }
    }
}

/// A CMP category's key in words, for a reason: `socialMedia` → "social media".
fn category_words(key: &str) -> String {
    let mut words = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            words.push(' ');
            words.push(c.to_ascii_lowercase());
        } else {
            words.push(c);
        }
    }
    words
}

impl Site {
    /// A dialog's receipt, during `visit` or (with none) in the background; `receipt.visit` is
    /// filled in here.
    pub(super) fn consent_receipt(&mut self, visit: Option<&str>, mut receipt: Receipt) {
        let i = visit.map(|id| self.visit_mut(id, receipt.at, ""));
        receipt.visit = i.map_or(0, |i| self.recent[i].number);
        self.consent.keep(receipt);
    }

    /// A checked consent record (a TC string). Once a dialog of the site was answered, a record
    /// that breaks the terms costs and one that says what was chosen earns, each once per visit.
    pub(super) fn consent_check(&mut self, visit: Option<&str>, at: u64, check: &TcCheck) {
        let log = &mut self.consent;
        if at >= log.last_checked {
            log.latest_check = Some(check.clone());
            log.last_checked = at;
        }
        self.judge_record(visit, at, &check.violations, check.honoured());
    }

    /// A checked Global Privacy Platform string: judged as a TC string is (one charge or bonus
    /// per visit for both kinds of record together).
    pub(super) fn consent_gpp(&mut self, visit: Option<&str>, at: u64, check: &GppCheck) {
        let log = &mut self.consent;
        if at >= log.last_gpp_checked {
            log.latest_gpp_check = Some(check.clone());
            log.last_gpp_checked = at;
        }
        self.judge_record(visit, at, &check.violations, check.honoured());
    }

    /// Counts a checked record, and charges or credits its visit when Trust Ledger's answer is
    /// in force.
    fn judge_record(&mut self, visit: Option<&str>, at: u64, violations: &[String], honoured: bool) {
        let i = visit.map(|id| self.visit_mut(id, at, ""));
        let log = &mut self.consent;
        log.checks += 1;
        if log.in_force().is_none() {
            return; // nobody answered for the person here (or they took over): nothing to hold the record to
        }
        let (key, delta, reason) = if let Some(first) = violations.first() {
            log.violations += 1;
            let more = match violations.len() - 1 {
                0 => String::new(),
                n => format!(" and {n} more"),
            };
            (RECORD, -score::CONSENT_RECORD_BROKEN, format!("{}'s consent record says other than you chose: {first}{more}", self.site))
        } else if honoured {
            log.honoured += 1;
            (HONOURED, score::CONSENT_HONOURED, format!("{} recorded your choices as you made them", self.site))
        } else {
            return; // unreadable: it cannot be verified either way
        };
        if let Some(i) = i {
            self.consent_charge(i, at, key.to_owned(), delta, reason);
        }
    }

    /// A known tracking cookie the page has: a broken promise, once per visit and company, when
    /// the answer in force refused its category; nothing otherwise.
    pub(super) fn consent_cookie(&mut self, visit: Option<&str>, at: u64, name: &str, company: &str, category: &str) {
        if !self.consent.refused(category) {
            return;
        }
        let i = visit.map(|id| self.visit_mut(id, at, ""));
        *self.consent.cookies_after_refusal.entry(name.to_owned()).or_default() += 1;
        let reason = format!("{} let {company} set its cookie {name} after you refused {}", self.site, category_words(category));
        if let Some(i) = i {
            self.consent_charge(i, at, format!("{COOKIE}{company}"), -score::COOKIE_AFTER_REFUSAL, reason);
        }
    }

    /// A request to a tracker (`category`: its TrackerDB category) on visit `i`, or in the
    /// background: a broken promise, once per visit and company, when the answer in force
    /// refused the consent category the tracker needs and was given more than
    /// [`REFUSAL_GRACE_MS`] before; nothing otherwise. Blocked requests never come here: they
    /// never left the device.
    pub(super) fn consent_tracker(&mut self, i: Option<usize>, at: u64, company: &str, category: Option<&str>) {
        let Some(cmp) = category.and_then(TrackerCategory::from_key).and_then(TrackerCategory::cmp_category) else { return };
        let Some(answer) = self.consent.in_force() else { return };
        if at < answer.at.saturating_add(REFUSAL_GRACE_MS) || !answer.refused_categories.iter().any(|c| c == cmp.key()) {
            return;
        }
        *self.consent.trackers_after_refusal.entry(company.to_owned()).or_default() += 1;
        let reason = format!("{} let {company} track you after you refused {}", self.site, category_words(cmp.key()));
        if let Some(i) = i {
            self.consent_charge(i, at, format!("{TRACKER}{company}"), -score::TRACKER_AFTER_REFUSAL, reason);
        }
    }

    /// Applies a consent charge (or bonus) to visit `i` unless it already has one with `key`.
    fn consent_charge(&mut self, i: usize, at: u64, key: String, delta: i32, reason: String) {
        let v = &mut self.recent[i];
        if v.consent.contains(&key) {
            return;
        }
        v.consent.push(key);
        let number = v.number;
        self.change(number, at, delta, reason);
    }
}

/// What is impossible in a site's consent log, as (field, problem), if anything.
pub(super) fn problem(s: &Site) -> Option<(String, &'static str)> {
    let log = &s.consent;
    if log.honoured.checked_add(log.violations).is_none_or(|n| n > log.checks) {
        return Some(("consent.checks".to_owned(), "fewer than its honoured and broken records"));
    }
    if log.receipts.len() > RECEIPTS_KEPT {
        return Some(("consent.receipts".to_owned(), "more than are kept"));
    }
    let known = |key: &String| CmpCategory::from_key(key).is_some_and(|c| c != CmpCategory::StrictlyNecessary);
    if log.receipts.iter().any(|r| r.visit > s.visits || !r.refused_categories.iter().all(known)) {
        return Some(("consent.receipts".to_owned(), "a receipt does not fit the visits or names an unknown category"));
    }
    if log.answered > 0 && !log.receipts.iter().any(|r| r.outcome == ConsentOutcome::Answered) {
        return Some(("consent.receipts".to_owned(), "answered, but no answered receipt"));
    }
    None
}
