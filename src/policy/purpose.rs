//! The purposes a person accepts or refuses, in plain language, and how each maps to IAB TCF
//! v2.2 purposes and special features and to the categories consent dialogs (CMPs) use.
//!
//! Invariants, tested below:
//! - every TCF purpose 1–11 and special feature 1–2 belongs to exactly one [`Purpose`], so a
//!   consent dialog's per-purpose toggle always has exactly one answer;
//! - every purpose belongs to at most one [`CmpCategory`], and a category is accepted only when
//!   every purpose in it is (a dialog that bundles an accepted and a refused purpose gets
//!   "refuse");
//! - only [`Purpose::StrictlyNecessary`] is not optional.
//!
//! TCF special purposes (security, delivering content, saving privacy choices) need no consent
//! and cannot be objected to: they are what "strictly necessary" covers. TCF 2.2 forbids
//! legitimate interest for purposes 1 and 3–6; [`PurposeInfo::legitimate_interest`] says which
//! purposes a vendor may still claim it for.

keyed! {
    /// A purpose of processing, as the person decides it.
    pub enum Purpose {
        StrictlyNecessary = "strictlyNecessary",
        Preferences = "preferences",
        StoreOnDevice = "storeOnDevice",
        LimitedDataAds = "limitedDataAds",
        AdProfiles = "adProfiles",
        PersonalisedAds = "personalisedAds",
        ContentProfiles = "contentProfiles",
        PersonalisedContent = "personalisedContent",
        AdMeasurement = "adMeasurement",
        ContentMeasurement = "contentMeasurement",
        AudienceResearch = "audienceResearch",
        ProductDevelopment = "productDevelopment",
        LimitedDataContent = "limitedDataContent",
        SocialMedia = "socialMedia",
        SaleOrSharing = "saleOrSharing",
        PreciseGeolocation = "preciseGeolocation",
        DeviceScanning = "deviceScanning",
    }
}

keyed! {
    /// The categories common consent dialogs group purposes into (OneTrust, Cookiebot, …).
    pub enum CmpCategory {
        StrictlyNecessary = "strictlyNecessary",
        Preferences = "preferences",
        Statistics = "statistics",
        Marketing = "marketing",
        Personalisation = "personalisation",
        SocialMedia = "socialMedia",
        SaleOrSharing = "saleOrSharing",
        PreciseGeolocation = "preciseGeolocation",
    }
}

/// One row of the mapping table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PurposeInfo {
    pub purpose: Purpose,
    /// In plain language, as the options page shows it.
    pub name: &'static str,
    /// The TCF v2.2 purpose (1–11) it answers, if any.
    pub tcf_purpose: Option<u8>,
    /// The TCF special feature (1–2) it answers, if any.
    pub special_feature: Option<u8>,
    /// The CMP category it belongs to, if any.
    pub cmp: Option<CmpCategory>,
    /// Whether TCF 2.2 lets a vendor claim legitimate interest for it.
    pub legitimate_interest: bool,
}

const fn row(
    purpose: Purpose,
    name: &'static str,
    tcf_purpose: Option<u8>,
    special_feature: Option<u8>,
    cmp: Option<CmpCategory>,
    legitimate_interest: bool,
) -> PurposeInfo {
    PurposeInfo { purpose, name, tcf_purpose, special_feature, cmp, legitimate_interest }
}

use CmpCategory as C;
use Purpose as P;

/// The mapping table, in [`Purpose::ALL`] order (`docs/terms.md` shows the same table).
pub const PURPOSES: [PurposeInfo; 17] = [
    row(
        P::StrictlyNecessary,
        "Make the site work: security, logging in, my basket, saving my privacy choices",
        None,
        None,
        Some(C::StrictlyNecessary),
        false,
    ),
    row(P::Preferences, "Remember my settings, such as language or layout", None, None, Some(C::Preferences), false),
    row(P::StoreOnDevice, "Store or read information on my device (cookies and the like)", Some(1), None, None, false),
    row(
        P::LimitedDataAds,
        "Choose ads from limited data: the page I am on, my rough location, my device",
        Some(2),
        None,
        Some(C::Marketing),
        true,
    ),
    row(P::AdProfiles, "Build a profile of me for personalised ads", Some(3), None, Some(C::Marketing), false),
    row(P::PersonalisedAds, "Show me ads based on a profile of me", Some(4), None, Some(C::Marketing), false),
    row(P::ContentProfiles, "Build a profile of me to personalise content", Some(5), None, Some(C::Personalisation), false),
    row(P::PersonalisedContent, "Show me content based on a profile of me", Some(6), None, Some(C::Personalisation), false),
    row(P::AdMeasurement, "Measure how ads perform", Some(7), None, Some(C::Marketing), true),
    row(P::ContentMeasurement, "Measure how the site's content performs", Some(8), None, Some(C::Statistics), true),
    row(
        P::AudienceResearch,
        "Study audiences with statistics or by combining data from other sources",
        Some(9),
        None,
        Some(C::Statistics),
        true,
    ),
    row(P::ProductDevelopment, "Develop and improve the site's services", Some(10), None, Some(C::Statistics), true),
    row(
        P::LimitedDataContent,
        "Choose content from limited data: the page I am on, my rough location, my device",
        Some(11),
        None,
        Some(C::Personalisation),
        true,
    ),
    row(P::SocialMedia, "Social networks' buttons and embeds, which let the networks follow me", None, None, Some(C::SocialMedia), false),
    row(P::SaleOrSharing, "Sell my personal data or share it with other companies", None, None, Some(C::SaleOrSharing), false),
    row(P::PreciseGeolocation, "Use my precise location", None, Some(1), Some(C::PreciseGeolocation), false),
    row(P::DeviceScanning, "Scan my device's characteristics to identify it (fingerprinting)", None, Some(2), None, false),
];

impl Purpose {
    /// Its row of the mapping table.
    pub fn info(self) -> &'static PurposeInfo {
        &PURPOSES[self as usize]
    }

    /// False only for strictly necessary processing, which cannot be refused.
    pub fn is_optional(self) -> bool {
        self != Purpose::StrictlyNecessary
    }

    /// The purpose that answers TCF purpose `id` (1–11).
    pub fn from_tcf_purpose(id: u8) -> Option<Purpose> {
        PURPOSES.iter().find(|r| r.tcf_purpose == Some(id)).map(|r| r.purpose)
    }

    /// The purpose that answers TCF special feature `id` (1–2).
    pub fn from_special_feature(id: u8) -> Option<Purpose> {
        PURPOSES.iter().find(|r| r.special_feature == Some(id)).map(|r| r.purpose)
    }
}

impl CmpCategory {
    /// The purposes in this category.
    pub fn purposes(self) -> impl Iterator<Item = Purpose> {
        PURPOSES.iter().filter(move |r| r.cmp == Some(self)).map(|r| r.purpose)
    }

    /// In plain language.
    pub fn name(self) -> &'static str {
        match self {
            CmpCategory::StrictlyNecessary => "Strictly necessary",
            CmpCategory::Preferences => "Preferences (functional)",
            CmpCategory::Statistics => "Statistics (measurement)",
            CmpCategory::Marketing => "Marketing (advertising)",
            CmpCategory::Personalisation => "Personalised content",
            CmpCategory::SocialMedia => "Social media",
            CmpCategory::SaleOrSharing => "Sale or sharing of personal data",
            CmpCategory::PreciseGeolocation => "Precise geolocation",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_enum_order() {
        assert_eq!(PURPOSES.len(), Purpose::ALL.len());
        for (i, r) in PURPOSES.iter().enumerate() {
            assert_eq!(r.purpose, Purpose::ALL[i]);
            assert_eq!(r.purpose.info(), r);
        }
    }

    #[test]
    fn every_tcf_purpose_and_special_feature_has_exactly_one_purpose() {
        for id in 1..=11u8 {
            assert_eq!(PURPOSES.iter().filter(|r| r.tcf_purpose == Some(id)).count(), 1, "TCF purpose {id}");
        }
        for id in 1..=2u8 {
            assert_eq!(PURPOSES.iter().filter(|r| r.special_feature == Some(id)).count(), 1, "special feature {id}");
        }
        assert!(PURPOSES.iter().all(|r| r.tcf_purpose.is_none_or(|id| (1..=11).contains(&id))));
        assert!(PURPOSES.iter().all(|r| r.special_feature.is_none_or(|id| (1..=2).contains(&id))));
        assert!(PURPOSES.iter().all(|r| r.tcf_purpose.is_none() || r.special_feature.is_none()));
        assert_eq!(Purpose::from_tcf_purpose(3), Some(Purpose::AdProfiles));
        assert_eq!(Purpose::from_tcf_purpose(0), None);
        assert_eq!(Purpose::from_tcf_purpose(12), None);
        assert_eq!(Purpose::from_special_feature(1), Some(Purpose::PreciseGeolocation));
        assert_eq!(Purpose::from_special_feature(3), None);
    }

    #[test]
    fn legitimate_interest_follows_tcf_2_2() {
        // Allowed for purposes 2, 7, 8, 9, 10, 11; never for 1 and 3–6 or for anything outside TCF.
        let allowed: Vec<u8> = PURPOSES.iter().filter(|r| r.legitimate_interest).filter_map(|r| r.tcf_purpose).collect();
        assert_eq!(allowed, [2, 7, 8, 9, 10, 11]);
        assert!(PURPOSES.iter().filter(|r| r.legitimate_interest).all(|r| r.tcf_purpose.is_some()));
    }

    #[test]
    fn every_cmp_category_has_a_purpose() {
        for &c in CmpCategory::ALL {
            assert!(c.purposes().next().is_some(), "{c:?}");
            assert!(!c.name().is_empty());
        }
        assert_eq!(
            CmpCategory::Statistics.purposes().collect::<Vec<_>>(),
            [P::ContentMeasurement, P::AudienceResearch, P::ProductDevelopment]
        );
        assert_eq!(
            CmpCategory::Marketing.purposes().collect::<Vec<_>>(),
            [P::LimitedDataAds, P::AdProfiles, P::PersonalisedAds, P::AdMeasurement]
        );
    }

    #[test]
    fn keys_are_serde_names() {
        for &p in Purpose::ALL {
            assert_eq!(serde_json::to_value(p).expect("serialises"), p.key());
            assert_eq!(Purpose::from_key(p.key()), Some(p));
            assert!(!p.info().name.is_empty());
        }
        assert_eq!(Purpose::from_key("cookies"), None);
        assert!(Purpose::ALL.iter().filter(|p| !p.is_optional()).eq([&Purpose::StrictlyNecessary]));
    }
}
