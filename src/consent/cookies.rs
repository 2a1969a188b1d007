//! Cookies that give tracking away: the names well-known trackers give their identifiers, with
//! the company and the CMP category (as [`CmpCategory`]) a consent dialog would have to ask for
//! before setting them. After the person refused that category, finding one is a violation.
//!
//! The table covers the identifiers of the most common analytics and advertising tags (Google
//! Analytics and Ads, DoubleClick, Meta, Microsoft, Hotjar, Clarity, LinkedIn, TikTok,
//! Pinterest, Quantcast, Criteo, Adobe). It is deliberately short and exact: a cookie name is
//! listed only when it is that company's identifier and nothing else's, so a match is evidence,
//! not a guess. A cookie of a company's *consent mode* (e.g. `_gcl_ls` is not listed) or a
//! functional cookie never matches.

use crate::policy::CmpCategory;

/// A known tracking cookie's owner and what it is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackingCookie {
    /// The company that sets and reads it.
    pub company: &'static str,
    /// What a dialog must have been allowed before it is set.
    pub category: CmpCategory,
}

/// How a name is matched: exactly, or as a prefix (`_ga_` + a measurement id).
enum Name {
    Exact(&'static str),
    Prefix(&'static str),
}

const fn cookie(name: Name, company: &'static str, category: CmpCategory) -> (Name, TrackingCookie) {
    (name, TrackingCookie { company, category })
}

use CmpCategory::{Marketing, Statistics};
use Name::{Exact, Prefix};

const TABLE: &[(Name, TrackingCookie)] = &[
    cookie(Exact("_ga"), "Google Analytics", Statistics),
    cookie(Prefix("_ga_"), "Google Analytics", Statistics),
    cookie(Exact("_gid"), "Google Analytics", Statistics),
    cookie(Exact("_gat"), "Google Analytics", Statistics),
    cookie(Prefix("_gat_"), "Google Analytics", Statistics),
    cookie(Exact("__utma"), "Google Analytics", Statistics),
    cookie(Exact("__utmz"), "Google Analytics", Statistics),
    cookie(Exact("_gcl_au"), "Google Ads", Marketing),
    cookie(Exact("_gcl_aw"), "Google Ads", Marketing),
    cookie(Exact("IDE"), "DoubleClick", Marketing),
    cookie(Exact("DSID"), "DoubleClick", Marketing),
    cookie(Exact("test_cookie"), "DoubleClick", Marketing),
    cookie(Exact("_fbp"), "Meta", Marketing),
    cookie(Exact("_fbc"), "Meta", Marketing),
    cookie(Exact("fr"), "Meta", Marketing),
    cookie(Exact("_uetsid"), "Microsoft Advertising", Marketing),
    cookie(Exact("_uetvid"), "Microsoft Advertising", Marketing),
    cookie(Exact("MUID"), "Microsoft Advertising", Marketing),
    cookie(Exact("_clck"), "Microsoft Clarity", Statistics),
    cookie(Exact("_clsk"), "Microsoft Clarity", Statistics),
    cookie(Exact("_hjid"), "Hotjar", Statistics),
    cookie(Prefix("_hjSessionUser_"), "Hotjar", Statistics),
    cookie(Prefix("_hjSession_"), "Hotjar", Statistics),
    cookie(Exact("bcookie"), "LinkedIn", Marketing),
    cookie(Exact("li_sugr"), "LinkedIn", Marketing),
    cookie(Exact("_ttp"), "TikTok", Marketing),
    cookie(Exact("_pin_unauth"), "Pinterest", Marketing),
    cookie(Exact("__qca"), "Quantcast", Marketing),
    cookie(Exact("cto_bundle"), "Criteo", Marketing),
    cookie(Exact("uid"), "Criteo", Marketing),
    cookie(Exact("s_ecid"), "Adobe", Statistics),
    cookie(Prefix("AMCV_"), "Adobe", Statistics),
];

/// What `name` is, if it is a known tracking cookie. `host` is the cookie's domain: `uid` is
/// Criteo's only on criteo.com; every other name is matched wherever it is set (first-party
/// analytics cookies live on the site's own domain).
pub fn tracking_cookie(name: &str, host: &str) -> Option<TrackingCookie> {
    TABLE.iter().find_map(|(pattern, info)| {
        let matches = match pattern {
            Exact(exact) => name == *exact,
            Prefix(prefix) => name.len() > prefix.len() && name.starts_with(prefix),
        };
        let in_place = name != "uid" || host == "criteo.com" || host.ends_with(".criteo.com");
        (matches && in_place).then_some(*info)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_identifiers_are_found_with_their_company_and_category() {
        let ga = tracking_cookie("_ga", "news.example").map(|c| (c.company, c.category));
        assert_eq!(ga, Some(("Google Analytics", Statistics)));
        let measured = tracking_cookie("_ga_ABC123", "news.example").map(|c| c.company);
        assert_eq!(measured, Some("Google Analytics"));
        assert_eq!(tracking_cookie("IDE", "doubleclick.net").map(|c| c.category), Some(Marketing));
        assert_eq!(tracking_cookie("_fbp", "shop.example").map(|c| c.company), Some("Meta"));
    }

    #[test]
    fn other_cookies_are_not_evidence() {
        for name in ["session", "OptanonConsent", "euconsent-v2", "_ga_", "ga", "_gacookie", "CookieConsent"] {
            assert_eq!(tracking_cookie(name, "news.example"), None, "{name}");
        }
        // A site's own `uid` is its business; Criteo's is Criteo's.
        assert_eq!(tracking_cookie("uid", "shop.example"), None);
        assert_eq!(tracking_cookie("uid", "gum.criteo.com").map(|c| c.company), Some("Criteo"));
    }
}
