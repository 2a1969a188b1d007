//! Presets: starting points the person picks from and then adjusts. Each is complete and valid
//! terms with no grants and no exceptions; picking one replaces the defaults, never a site's
//! exceptions (the options page keeps those).

use super::{Capability, Decision, LegitimateInterest, Purpose, Setting, Signals, Terms, TrackerCategory};

keyed! {
    /// A named starting point for the terms.
    pub enum Preset {
        RefuseAll = "refuseAll",
        Balanced = "balanced",
        AcceptAll = "acceptAll",
    }
}

/// The purposes [`Preset::Balanced`] accepts besides strictly necessary.
const BALANCED_ACCEPTS: [Purpose; 6] = [
    Purpose::Preferences,
    Purpose::StoreOnDevice,
    Purpose::LimitedDataAds,
    Purpose::ContentMeasurement,
    Purpose::ProductDevelopment,
    Purpose::LimitedDataContent,
];

impl Preset {
    /// In plain language.
    pub fn name(self) -> &'static str {
        match self {
            Preset::RefuseAll => "Refuse everything optional",
            Preset::Balanced => "Balanced",
            Preset::AcceptAll => "Accept all",
        }
    }

    /// Two sentences: what it accepts, and what it refuses or blocks.
    pub fn description(self) -> &'static str {
        match self {
            Preset::RefuseAll => {
                "Sites get only what they need to work: every optional purpose is refused, legitimate interest is objected to and \
                 Global Privacy Control is sent. Advertising, analytics and social media trackers are blocked, notification \
                 prompts are denied and other permissions are asked for."
            }
            Preset::Balanced => {
                "Sites may remember your settings, measure and improve their own pages, and show ads and content chosen \
                 without a profile of you. Profiles, sale or sharing of your data, precise location and fingerprinting are \
                 refused, Global Privacy Control is sent and advertising trackers are blocked."
            }
            Preset::AcceptAll => {
                "Every purpose a site asks for is accepted, legitimate interest included, and no tracker is blocked. Global \
                 Privacy Control is not sent, and the browser asks before a site uses a permission, as it does without \
                 Trust Ledger."
            }
        }
    }

    /// The terms this preset stands for.
    pub fn terms(self) -> Terms {
        let defaults = Terms::default();
        match self {
            Preset::RefuseAll => {
                let mut blocking = defaults.blocking.clone();
                blocking.extend([TrackerCategory::SiteAnalytics, TrackerCategory::SocialMedia]);
                Terms { blocking, ..defaults }
            }
            Preset::Balanced => {
                let purposes = Purpose::ALL
                    .iter()
                    .map(|&p| (p, if !p.is_optional() || BALANCED_ACCEPTS.contains(&p) { Decision::Accept } else { Decision::Refuse }))
                    .collect();
                let permissions = Capability::ALL.iter().map(|&c| (c, Setting::Ask)).collect();
                Terms { purposes, permissions, ..defaults }
            }
            Preset::AcceptAll => Terms {
                purposes: Purpose::ALL.iter().map(|&p| (p, Decision::Accept)).collect(),
                legitimate_interest: LegitimateInterest { object: false },
                permissions: Capability::ALL.iter().map(|&c| (c, Setting::Ask)).collect(),
                signals: Signals { gpc: false },
                blocking: Default::default(),
                ..defaults
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_distinct() {
        for &p in Preset::ALL {
            let t = p.terms();
            t.validate().expect("valid terms");
            assert!(t.grants.is_empty() && t.exceptions.is_empty());
            assert!(!p.name().is_empty());
            let sentences = p.description().matches(". ").count() + 1;
            assert_eq!(sentences, 2, "{p:?}: {}", p.description());
            assert!(p.description().ends_with('.'));
        }
        assert_ne!(Preset::RefuseAll.terms(), Preset::Balanced.terms());
        assert_ne!(Preset::Balanced.terms(), Preset::AcceptAll.terms());
    }

    #[test]
    fn refuse_all_is_the_default_blocking_more() {
        let (r, d) = (Preset::RefuseAll.terms(), Terms::default());
        assert_eq!(Terms { blocking: d.blocking.clone(), ..r.clone() }, d);
        assert_eq!(
            r.blocking.iter().map(|c| c.key()).collect::<Vec<_>>(),
            ["advertising", "pornvertising", "site_analytics", "social_media"]
        );
    }

    #[test]
    fn balanced_accepts_no_profile_and_no_sale() {
        let b = Preset::Balanced.terms();
        let accepted: Vec<_> = Purpose::ALL.iter().filter(|&&p| b.purpose(p) == Decision::Accept).map(|p| p.key()).collect();
        assert_eq!(
            accepted,
            [
                "strictlyNecessary",
                "preferences",
                "storeOnDevice",
                "limitedDataAds",
                "contentMeasurement",
                "productDevelopment",
                "limitedDataContent"
            ]
        );
        assert!(b.legitimate_interest.object && b.signals.gpc);
        assert_eq!(b.permission(Capability::Notifications), Setting::Ask);
    }

    #[test]
    fn accept_all_accepts_and_blocks_nothing() {
        let a = Preset::AcceptAll.terms();
        assert!(Purpose::ALL.iter().all(|&p| a.purpose(p) == Decision::Accept));
        assert!(!a.legitimate_interest.object && !a.signals.gpc && a.blocking.is_empty());
        assert!(Capability::ALL.iter().all(|&c| a.permission(c) == Setting::Ask));
    }
}
