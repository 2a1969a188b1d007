//! What the terms say on one site at one moment, and the life of time-limited grants.
//!
//! Precedence, from weakest to strongest: the defaults; the site's exception (each part it names
//! replaces the default's, blocking per category); grants in force (`now < until`), which allow
//! their capability whatever the exception says. Strictly necessary is accepted everywhere.
//! A host is resolved through its registrable domain, so `www.maps.example` gets the exception
//! and grants of `maps.example`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Capability, CmpCategory, Decision, Exception, Grant, Purpose, Setting, Terms, TrackerCategory};

/// The terms in force on one site at one moment ([`Terms::for_site`]). Complete: every purpose
/// and capability has its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Effective {
    site: String,
    purposes: BTreeMap<Purpose, Decision>,
    legitimate_interest_objected: bool,
    permissions: BTreeMap<Capability, Setting>,
    /// Capabilities allowed by a grant in force, and until when.
    granted_until: BTreeMap<Capability, u64>,
    gpc: bool,
    blocking: BTreeSet<TrackerCategory>,
}

impl Terms {
    /// What applies on `site` (a registrable domain or any host of it) at `now` (ms since the
    /// Unix epoch). A site that cannot be named (see [`super::site_key`]) gets the defaults.
    pub fn for_site(&self, site: &str, now: u64) -> Effective {
        let site = super::site_key(site).unwrap_or_default();
        let exception = self.exceptions.get(&site);
        let empty = Exception::default();
        let e = exception.unwrap_or(&empty);

        let purposes = Purpose::ALL
            .iter()
            .map(|&p| (p, if p.is_optional() { *e.purposes.get(&p).unwrap_or(&self.purpose(p)) } else { Decision::Accept }))
            .collect();
        let granted_until: BTreeMap<Capability, u64> =
            self.grants.iter().filter(|g| g.site == site && now < g.until).fold(BTreeMap::new(), |mut m, g| {
                let until = m.entry(g.capability).or_insert(g.until);
                *until = (*until).max(g.until);
                m
            });
        let permissions = Capability::ALL
            .iter()
            .map(|&c| {
                let setting =
                    if granted_until.contains_key(&c) { Setting::Allow } else { *e.permissions.get(&c).unwrap_or(&self.permission(c)) };
                (c, setting)
            })
            .collect();
        Effective {
            legitimate_interest_objected: e.legitimate_interest.unwrap_or(self.legitimate_interest).object,
            gpc: e.signals.gpc.unwrap_or(self.signals.gpc),
            blocking: merge_blocking(&self.blocking, e),
            site,
            purposes,
            permissions,
            granted_until,
        }
    }

    /// The TrackerDB categories blocked on `site` (grants and time play no part in blocking).
    pub fn blocked_categories_for_site(&self, site: &str) -> BTreeSet<TrackerCategory> {
        let site = super::site_key(site).unwrap_or_default();
        match self.exceptions.get(&site) {
            Some(e) => merge_blocking(&self.blocking, e),
            None => self.blocking.clone(),
        }
    }

    /// When the next grant in force at `now` ends (ms since the Unix epoch): the moment to
    /// re-apply the terms (an alarm in the extension). Grants already over are not counted;
    /// [`Terms::expire`] removes them.
    pub fn next_expiry(&self, now: u64) -> Option<u64> {
        self.grants.iter().map(|g| g.until).filter(|&until| until > now).min()
    }

    /// Removes the grants that are over at `now` (`until <= now`) and returns them, in order.
    pub fn expire(&mut self, now: u64) -> Vec<Grant> {
        let (over, kept): (Vec<Grant>, Vec<Grant>) = std::mem::take(&mut self.grants).into_iter().partition(|g| g.until <= now);
        self.grants = kept;
        over
    }
}

fn merge_blocking(defaults: &BTreeSet<TrackerCategory>, e: &Exception) -> BTreeSet<TrackerCategory> {
    let mut blocking = defaults.clone();
    for (&category, &block) in &e.blocking {
        if block {
            blocking.insert(category);
        } else {
            blocking.remove(&category);
        }
    }
    blocking
}

impl Effective {
    /// The site these terms are for (its registrable domain; empty if it could not be named).
    pub fn site(&self) -> &str {
        &self.site
    }

    pub fn purpose(&self, purpose: Purpose) -> Decision {
        self.purposes.get(&purpose).copied().unwrap_or(Decision::Refuse)
    }

    /// Whether TCF purpose `id` (1–11) is accepted; an unknown id is refused.
    pub fn purpose_accepted(&self, tcf_purpose_id: u8) -> bool {
        Purpose::from_tcf_purpose(tcf_purpose_id).is_some_and(|p| self.purpose(p) == Decision::Accept)
    }

    /// Whether TCF special feature `id` (1–2) is opted into; an unknown id is refused.
    pub fn special_feature_accepted(&self, special_feature_id: u8) -> bool {
        Purpose::from_special_feature(special_feature_id).is_some_and(|p| self.purpose(p) == Decision::Accept)
    }

    /// Whether a consent dialog's category is accepted: only when every purpose in it is.
    pub fn cmp_category_accepted(&self, category: CmpCategory) -> bool {
        category.purposes().all(|p| self.purpose(p) == Decision::Accept)
    }

    /// Whether the person objects to processing on legitimate interest.
    pub fn legitimate_interest_objected(&self) -> bool {
        self.legitimate_interest_objected
    }

    pub fn permission(&self, capability: Capability) -> Setting {
        self.permissions.get(&capability).copied().unwrap_or(Setting::Ask)
    }

    /// Until when a grant allows `capability` here, if one is in force.
    pub fn granted_until(&self, capability: Capability) -> Option<u64> {
        self.granted_until.get(&capability).copied()
    }

    /// Whether Global Privacy Control is sent.
    pub fn gpc(&self) -> bool {
        self.gpc
    }

    /// Whether trackers of the TrackerDB category `category` (its id, as the engine reports it:
    /// `advertising`, `site_analytics`, …) are blocked; an unknown category is not.
    pub fn blocks(&self, category: &str) -> bool {
        TrackerCategory::from_key(category).is_some_and(|c| self.blocking.contains(&c))
    }

    pub fn blocked_categories(&self) -> &BTreeSet<TrackerCategory> {
        &self.blocking
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LegitimateInterest, SignalOverrides};
    use super::*;

    const HOUR: u64 = 3_600_000;

    fn terms() -> Terms {
        let mut t = Terms::default();
        t.exceptions.insert(
            "maps.example".into(),
            Exception {
                purposes: [(Purpose::PreciseGeolocation, Decision::Accept), (Purpose::ContentMeasurement, Decision::Accept)].into(),
                legitimate_interest: Some(LegitimateInterest { object: false }),
                permissions: [(Capability::Geolocation, Setting::Allow), (Capability::Camera, Setting::Deny)].into(),
                signals: SignalOverrides { gpc: Some(false) },
                blocking: [(TrackerCategory::Advertising, false), (TrackerCategory::SiteAnalytics, true)].into(),
            },
        );
        t.grant("video.example", Capability::Camera, 10 * HOUR).expect("a valid site");
        t.grant("video.example", Capability::Microphone, 11 * HOUR).expect("a valid site");
        t.grant("maps.example", Capability::Camera, 12 * HOUR).expect("a valid site");
        t
    }

    #[test]
    fn a_site_without_exception_gets_the_defaults() {
        let t = terms();
        let e = t.for_site("news.example", 0);
        assert_eq!(e.site(), "news.example");
        assert!(!e.purpose_accepted(1) && !e.special_feature_accepted(1));
        assert!(e.legitimate_interest_objected() && e.gpc());
        assert_eq!(e.permission(Capability::Notifications), Setting::Deny);
        assert_eq!(e.permission(Capability::Geolocation), Setting::Ask);
        assert!(e.blocks("advertising") && e.blocks("pornvertising") && !e.blocks("site_analytics"));
        assert!(!e.blocks("nonsense"));
        assert!(e.cmp_category_accepted(CmpCategory::StrictlyNecessary));
        assert!(!e.cmp_category_accepted(CmpCategory::Statistics));
    }

    #[test]
    fn an_exception_overrides_what_it_names_on_every_host_of_the_site() {
        let t = terms();
        let e = t.for_site("www.Maps.example", 0);
        assert_eq!(e.site(), "maps.example");
        assert!(e.special_feature_accepted(1) && e.purpose_accepted(8));
        assert!(!e.purpose_accepted(9), "not named: the default");
        assert!(!e.cmp_category_accepted(CmpCategory::Statistics), "8 accepted, 9 and 10 refused");
        assert!(!e.legitimate_interest_objected() && !e.gpc());
        assert_eq!(e.permission(Capability::Geolocation), Setting::Allow);
        assert_eq!(e.permission(Capability::Notifications), Setting::Deny, "not named: the default");
        assert!(!e.blocks("advertising") && e.blocks("site_analytics") && e.blocks("pornvertising"));
        assert_eq!(t.blocked_categories_for_site("maps.example"), *e.blocked_categories());
        assert_eq!(t.blocked_categories_for_site("other.example"), t.blocking);
    }

    #[test]
    fn grants_allow_until_they_end_even_over_an_exception() {
        let t = terms();
        let at = |now| t.for_site("maps.example", now).permission(Capability::Camera);
        assert_eq!(at(0), Setting::Allow);
        assert_eq!(at(12 * HOUR - 1), Setting::Allow);
        assert_eq!(at(12 * HOUR), Setting::Deny, "the exception again");
        let v = t.for_site("video.example", 10 * HOUR);
        assert_eq!(v.permission(Capability::Camera), Setting::Ask, "ended exactly at until");
        assert_eq!(v.permission(Capability::Microphone), Setting::Allow);
        assert_eq!(v.granted_until(Capability::Microphone), Some(11 * HOUR));
        assert_eq!(v.granted_until(Capability::Camera), None);
        assert_eq!(t.for_site("news.example", 0).permission(Capability::Camera), Setting::Ask, "grants are per site");
    }

    #[test]
    fn expiry_is_announced_then_applied() {
        let mut t = terms();
        assert_eq!(t.next_expiry(0), Some(10 * HOUR));
        assert_eq!(t.next_expiry(10 * HOUR), Some(11 * HOUR));
        assert_eq!(t.next_expiry(12 * HOUR), None);
        assert!(t.expire(10 * HOUR - 1).is_empty());
        let over = t.expire(11 * HOUR);
        assert_eq!(
            over.iter().map(|g| (g.site.as_str(), g.capability)).collect::<Vec<_>>(),
            [("video.example", Capability::Camera), ("video.example", Capability::Microphone)]
        );
        assert_eq!(t.grants.len(), 1);
        assert_eq!(t.next_expiry(11 * HOUR), Some(12 * HOUR));
    }

    #[test]
    fn unnamed_sites_and_necessary_purposes() {
        let mut t = terms();
        t.exceptions.get_mut("maps.example").expect("the exception").purposes.insert(Purpose::StrictlyNecessary, Decision::Refuse);
        assert_eq!(t.for_site("maps.example", 0).purpose(Purpose::StrictlyNecessary), Decision::Accept);
        let e = t.for_site("", 0);
        assert_eq!(e.site(), "");
        assert_eq!(e.permission(Capability::Camera), Setting::Ask);
    }
}
