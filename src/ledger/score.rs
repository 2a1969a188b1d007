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
//! - Broken promises (later issues: tracking after refusal, a consent string that lies, a
//!   permission prompt with no click) cost their own, larger, amounts at once, uncapped.
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
