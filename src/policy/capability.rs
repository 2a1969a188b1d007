//! The closed vocabularies of the terms besides purposes: browser capabilities and their
//! settings, and the TrackerDB categories trackers are blocked by.
//!
//! Capability keys are the browser's own permission names (`navigator.permissions.query`), so the
//! page-level code can use them as they are. Tracker categories are exactly the category ids of
//! the TrackerDB the engine ships (`@ghostery/trackerdb`); `tests/terms.rs` checks them against
//! the embedded copy, so a TrackerDB release that adds a category fails a test instead of being
//! silently unblockable.

use serde::{Deserialize, Serialize};

use super::purpose::CmpCategory;

keyed! {
    /// A browser capability a site can ask for.
    pub enum Capability {
        Geolocation = "geolocation",
        Notifications = "notifications",
        Camera = "camera",
        Microphone = "microphone",
        ClipboardRead = "clipboard-read",
        Midi = "midi",
        IdleDetection = "idle-detection",
        StorageAccess = "storage-access",
        WindowManagement = "window-management",
    }
}

/// What sites get when they ask for a capability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    /// Granted without a prompt.
    Allow,
    /// The browser asks, as it would without Trust Ledger.
    Ask,
    /// Refused without a prompt, exactly as if the person had refused.
    Deny,
}

/// What a setting may be, for error messages.
pub(crate) const SETTING_EXPECTED: &str = "one of allow, ask, deny";

impl Setting {
    pub fn from_key(key: &str) -> Option<Setting> {
        match key {
            "allow" => Some(Setting::Allow),
            "ask" => Some(Setting::Ask),
            "deny" => Some(Setting::Deny),
            _ => None,
        }
    }
}

impl Capability {
    /// The `chrome.contentSettings` property that enforces it, for the capabilities the browser
    /// covers there (standards.md fact 7, verified in Chromium 156). The others are left to the
    /// page-level permission handling.
    pub fn content_setting(self) -> Option<&'static str> {
        match self {
            Capability::Geolocation => Some("location"),
            Capability::Notifications => Some("notifications"),
            Capability::Camera => Some("camera"),
            Capability::Microphone => Some("microphone"),
            Capability::ClipboardRead => Some("clipboard"),
            Capability::Midi | Capability::IdleDetection | Capability::StorageAccess | Capability::WindowManagement => None,
        }
    }

    /// Whether Chrome accepts `allow` as the global default (`<all_urls>`): it refuses it for the
    /// camera and the microphone ("'allow' is not supported as the default setting of camera").
    pub fn global_allow_possible(self) -> bool {
        !matches!(self, Capability::Camera | Capability::Microphone)
    }

    /// In plain language.
    pub fn name(self) -> &'static str {
        match self {
            Capability::Geolocation => "Your location",
            Capability::Notifications => "Notifications",
            Capability::Camera => "Camera",
            Capability::Microphone => "Microphone",
            Capability::ClipboardRead => "Reading your clipboard",
            Capability::Midi => "MIDI devices",
            Capability::IdleDetection => "Knowing when you are idle",
            Capability::StorageAccess => "Its cookies when embedded on other sites (storage access)",
            Capability::WindowManagement => "Managing windows on all your screens",
        }
    }
}

keyed! {
    /// A TrackerDB category (`trackerdb.json` → `categories`).
    pub enum TrackerCategory {
        Advertising = "advertising",
        AudioVideoPlayer = "audio_video_player",
        Consent = "consent",
        CustomerInteraction = "customer_interaction",
        Extensions = "extensions",
        Hosting = "hosting",
        Misc = "misc",
        Pornvertising = "pornvertising",
        SiteAnalytics = "site_analytics",
        SocialMedia = "social_media",
        Utilities = "utilities",
    }
}

impl TrackerCategory {
    /// In plain language, as the options page shows it.
    pub fn name(self) -> &'static str {
        match self {
            TrackerCategory::Advertising => "Advertising",
            TrackerCategory::AudioVideoPlayer => "Audio and video players",
            TrackerCategory::Consent => "Consent management",
            TrackerCategory::CustomerInteraction => "Customer interaction (chat, support, reviews)",
            TrackerCategory::Extensions => "Browser extensions",
            TrackerCategory::Hosting => "Hosting and content delivery",
            TrackerCategory::Misc => "Other",
            TrackerCategory::Pornvertising => "Adult advertising",
            TrackerCategory::SiteAnalytics => "Site analytics",
            TrackerCategory::SocialMedia => "Social media",
            TrackerCategory::Utilities => "Utilities (maps, fonts, payments, …)",
        }
    }

    /// The consent-dialog category a tracker of this category needs consent for: advertising
    /// is marketing, site analytics statistics, social media its own. The others (players,
    /// chat, hosting, utilities, consent tools, …) serve the page itself or cannot be told
    /// apart from what does: `None`, and no refusal is held against them.
    pub fn cmp_category(self) -> Option<CmpCategory> {
        match self {
            TrackerCategory::Advertising | TrackerCategory::Pornvertising => Some(CmpCategory::Marketing),
            TrackerCategory::SiteAnalytics => Some(CmpCategory::Statistics),
            TrackerCategory::SocialMedia => Some(CmpCategory::SocialMedia),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_serde_names() {
        for &c in Capability::ALL {
            assert_eq!(serde_json::to_value(c).expect("serialises"), c.key());
            assert_eq!(Capability::from_key(c.key()), Some(c));
            assert!(!c.name().is_empty());
        }
        for &c in TrackerCategory::ALL {
            assert_eq!(serde_json::to_value(c).expect("serialises"), c.key());
            assert_eq!(TrackerCategory::from_key(c.key()), Some(c));
            assert!(!c.name().is_empty());
        }
        for s in [Setting::Allow, Setting::Ask, Setting::Deny] {
            let key = serde_json::to_value(s).expect("serialises");
            assert_eq!(Setting::from_key(key.as_str().expect("a string")), Some(s));
            assert!(SETTING_EXPECTED.contains(key.as_str().expect("a string")));
        }
        assert_eq!(Capability::from_key("bluetooth"), None);
        assert_eq!(TrackerCategory::from_key("cdn"), None);
    }

    #[test]
    fn content_settings_cover_the_five_chrome_has() {
        let covered: Vec<_> = Capability::ALL.iter().filter_map(|c| c.content_setting()).collect();
        assert_eq!(covered, ["location", "notifications", "camera", "microphone", "clipboard"]);
        assert!(!Capability::Camera.global_allow_possible() && !Capability::Microphone.global_allow_possible());
        assert!(Capability::Geolocation.global_allow_possible());
    }
}
