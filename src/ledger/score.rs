//! The trust score: 0–100, earned per interaction, every change with its reason and visit.
//!
//! The model (documented for users in `docs/trust-score.md`; the numbers live here only):
//! - A site nobody has judged yet starts at [`START`].
//! - When a visit ends, what it did is weighed once:
//!   - each tracking **company** seen on the visit costs by what it means for the person — its
//!     category ([`category_cost`]), halved when it is first party (the site's own analytics is
//!     not a data broker);
//!   - each third-party **cookie** set by a tracker costs [`COOKIE_COST`];
//!   - the visit's costs are capped at [`VISIT_CAP`] so that one heavy page cannot zero a site;
//!   - a **clean** visit (nothing above costs) earns back [`CLEAN_VISIT`].
//! - Broken promises cost their own amounts at once, outside the visit's cap. Permission asks
//!   (`super::permissions`): asking with no click ([`ASK_WITHOUT_ACTIVATION`]), more as the page
//!   loads ([`ASK_ON_LOAD`]), asking again after a denial ([`ASK_AFTER_DENIAL`]), an embedded
//!   third-party frame asking ([`THIRD_PARTY_FRAME_ASK`]), and probing [`MANY_PROBES`] or more
//!   permissions on one visit ([`PROBING`]); each at most once per visit and capability. Consent
//!   (`super::consent`), once Trust Ledger answered the site's dialog: a consent record that
//!   says other than the answer ([`CONSENT_RECORD_BROKEN`]), a known tracking cookie of a
//!   refused category ([`COOKIE_AFTER_REFUSAL`], per company), a request to a tracker of a
//!   refused category ([`TRACKER_AFTER_REFUSAL`], per company); each at most once per visit. A
//!   record that says what was chosen earns [`CONSENT_HONOURED`], once per visit.
//!
//! Fair means weighing by meaning, not by request counts: fifty requests to one analytics
//! company cost what one does.

use serde::{Deserialize, Serialize};

/// The score of a site with no history.
pub const START: i32 = 60;
/// Earned by a visit with no cost.
pub const CLEAN_VISIT: i32 = 3;
/// The most one visit's tracking can cost.
pub const VISIT_CAP: i32 = 25;
/// Each third-party cookie a tracker sets.
pub const COOKIE_COST: i32 = 2;

/// Asking for a permission with no transient user activation (no click or key press).
pub const ASK_WITHOUT_ACTIVATION: i32 = 4;
/// More, when that ask came as the page loaded: within [`PAGE_LOAD_MS`] of the visit's start.
pub const ASK_ON_LOAD: i32 = 2;
/// How long after a visit starts its page counts as loading, in milliseconds.
pub const PAGE_LOAD_MS: u64 = 5_000;
/// Asking for a permission whose last ask on the site was denied (by the person or their terms).
pub const ASK_AFTER_DENIAL: i32 = 5;
/// A frame of another site than the page asking for a permission.
pub const THIRD_PARTY_FRAME_ASK: i32 = 3;
/// Distinct permission names probed on one visit that make it fingerprinting.
pub const MANY_PROBES: usize = 5;
/// Probing [`MANY_PROBES`] or more permission names on one visit, once.
pub const PROBING: i32 = 5;

/// A consent record (the site's TC string) that breaks the person's terms, after Trust Ledger
/// answered the site's dialog.
pub const CONSENT_RECORD_BROKEN: i32 = 10;
/// A known tracking cookie of a category the site's answer in force refused, per company.
pub const COOKIE_AFTER_REFUSAL: i32 = 8;
/// A request to a tracker of a category the site's answer in force refused, per company.
pub const TRACKER_AFTER_REFUSAL: i32 = 8;
/// Earned by a consent record that says what was chosen (readable, no violation).
pub const CONSENT_HONOURED: i32 = 2;

/// What one tracking company costs a visit, by TrackerDB category.
pub fn category_cost(category: Option<&str>) -> i32 {
    match category {
        Some("advertising") => 6,
        Some("pornvertising") => 8,
        Some("social_media") => 4,
        Some("site_analytics") => 3,
        Some("customer_interaction") => 2,
        Some("audio_video_player") => 1,
        Some("misc") | None => 2,
        // Hosting, utilities, consent managers, extensions: infrastructure, not tracking.
        Some(_) => 0,
    }
}

/// One change of a site's score: how much, why, on which visit, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScoreChange {
    pub visit: u64,
    /// Milliseconds since the Unix epoch.
    pub at: u64,
    pub delta: i32,
    /// In plain words, for the popup: "Google (advertising) tracked you".
    pub reason: String,
}

/// Adds `delta` to `score`, within 0–100; returns the change actually applied.
pub fn apply(score: &mut i32, delta: i32) -> i32 {
    let before = *score;
    *score = (*score + delta).clamp(0, 100);
    *score - before
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_by_meaning() {
        assert!(category_cost(Some("advertising")) > category_cost(Some("site_analytics")));
        assert_eq!(category_cost(Some("hosting")), 0);
        assert_eq!(category_cost(Some("consent")), 0);
        assert_eq!(category_cost(None), 2);
    }

    #[test]
    fn bounded() {
        let mut s = 98;
        assert_eq!(apply(&mut s, 5), 2);
        assert_eq!(s, 100);
        let mut s = 3;
        assert_eq!(apply(&mut s, -10), -3);
        assert_eq!(s, 0);
    }
}
