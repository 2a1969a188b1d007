//! The terms as an IEEE 7012 ("MyTerms") proffer: JSON-LD in the W3C DPV vocabulary for P7012
//! (`https://w3id.org/dpv/standards/p7012#`).
//!
//! IEEE 7012-2025 mandates no wire format; DPV's P7012 extension is the only published
//! machine-readable vocabulary, so the proffer uses its terms and nothing invented. It names:
//! - one roster agreement, the most permissive of the service-delivery lattice `SD-BASE` ⊂
//!   `SD-BASE-A` ⊂ `SD-BASE-AT` ⊂ `SD-BASE-ATP` ⊂ `SD-BASE-ATP-S3P` that permits nothing the terms
//!   refuse ([`Terms::agreement`]);
//! - the building-block terms (tracking, profiling, sharing) that state the person's own terms
//!   exactly, true statements only (a mix no block states is left unsaid);
//! - `ProhibitiveInterpretation` and `ResolvePreferringProhibition`: whatever is not permitted,
//!   or is both permitted and prohibited, is prohibited. Read this way the proffer never
//!   permits what the terms refuse.
//!
//! The reading of each purpose (`docs/terms.md` has the table): the site ("2nd party") analyses
//! when it measures its content (TCF 8) and develops its services (10); tracks when it uses
//! precise location (special feature 1); profiles when it builds and uses content profiles
//! (5, 6). Third parties analyse (ad measurement 7, audience research 9 combining other
//! sources), track (social media, fingerprinting = special feature 2) and profile (ad profiles
//! 3, 4). Sharing is sale or sharing. Device storage (1), limited-data ads and content (2, 11),
//! preferences and strictly necessary are service delivery (Customer Commons' P2B1 reading).
//! Exceptions are the person's own per-site decisions and are not part of the proffer.
//!
//! Older DPV releases (2.1) named the lattice `SD-BY…`; [`Agreement::from_id`] accepts both,
//! the proffer says `SD-BASE…`.

use serde_json::{json, Value};

use super::{Decision, Purpose, Terms};

/// The service-delivery agreements of the P7012 roster, from the strictest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgreementLevel {
    /// Service delivery only: no analytics, tracking or profiling; nothing shared.
    Base,
    /// The site may analyse.
    A,
    /// The site may analyse and track.
    At,
    /// The site may analyse, track and profile.
    Atp,
    /// As `Atp`, and fully anonymised data may be shared with third parties.
    AtpS3p,
}

/// A roster agreement: a level, with or without the data-portability obligation (`-DP`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Agreement {
    pub level: AgreementLevel,
    pub data_portability: bool,
}

const LEVELS: [(AgreementLevel, &str); 5] = [
    (AgreementLevel::Base, ""),
    (AgreementLevel::A, "-A"),
    (AgreementLevel::At, "-AT"),
    (AgreementLevel::Atp, "-ATP"),
    (AgreementLevel::AtpS3p, "-ATP-S3P"),
];

impl Agreement {
    /// Its roster id, `SD-BASE-AT` or `SD-BASE-AT-DP`.
    pub fn id(self) -> String {
        let suffix = LEVELS.iter().find(|(l, _)| *l == self.level).map_or("", |(_, s)| s);
        format!("SD-BASE{suffix}{}", if self.data_portability { "-DP" } else { "" })
    }

    /// Reads a roster id: `SD-BASE…` or the older `SD-BY…`, with or without the `p7012:` prefix
    /// or the full namespace. `None` for anything else (the `PDC` and `TPR` agreements are not
    /// about a site's service and are not read).
    pub fn from_id(id: &str) -> Option<Agreement> {
        let id = id.trim();
        let id = id.strip_prefix("https://w3id.org/dpv/standards/p7012#").or_else(|| id.strip_prefix("p7012:")).unwrap_or(id);
        let rest = id.strip_prefix("SD-BASE").or_else(|| id.strip_prefix("SD-BY"))?;
        let (rest, data_portability) = match rest.strip_suffix("-DP") {
            Some(r) => (r, true),
            None => (rest, false),
        };
        LEVELS.iter().find(|(_, s)| *s == rest).map(|&(level, _)| Agreement { level, data_portability })
    }

    /// The agreement in plain language.
    pub fn summary(self) -> &'static str {
        match self.level {
            AgreementLevel::Base => "Use my data only to give me the service I came for: no analytics, tracking or profiling, by you or anyone else, and nothing shared with third parties.",
            AgreementLevel::A => "Use my data to give me the service I came for, and you (no one else) may analyse how it is used; no tracking, no profiling, nothing shared with third parties.",
            AgreementLevel::At => "Use my data to give me the service I came for; you (no one else) may analyse and track; no profiling, nothing shared with third parties.",
            AgreementLevel::Atp => "Use my data to give me the service I came for; you (no one else) may analyse, track and profile; nothing shared with third parties.",
            AgreementLevel::AtpS3p => "Use my data to give me the service I came for; you (no one else) may analyse, track and profile; only fully anonymised data may be shared with third parties.",
        }
    }
}

/// Who does an activity, by the purposes that stand for it.
struct Activity {
    by_site: &'static [Purpose],
    by_third_parties: &'static [Purpose],
}

const ANALYTICS: Activity = Activity {
    by_site: &[Purpose::ContentMeasurement, Purpose::ProductDevelopment],
    by_third_parties: &[Purpose::AdMeasurement, Purpose::AudienceResearch],
};
const TRACKING: Activity =
    Activity { by_site: &[Purpose::PreciseGeolocation], by_third_parties: &[Purpose::SocialMedia, Purpose::DeviceScanning] };
const PROFILING: Activity = Activity {
    by_site: &[Purpose::ContentProfiles, Purpose::PersonalisedContent],
    by_third_parties: &[Purpose::AdProfiles, Purpose::PersonalisedAds],
};

impl Terms {
    fn all_accepted(&self, purposes: &[Purpose]) -> bool {
        purposes.iter().all(|&p| self.purpose(p) == Decision::Accept)
    }

    fn none_accepted(&self, purposes: &[Purpose]) -> bool {
        purposes.iter().all(|&p| self.purpose(p) == Decision::Refuse)
    }

    /// The most permissive roster agreement that permits nothing these terms refuse (their
    /// defaults; exceptions are per-site decisions).
    pub fn agreement(&self) -> Agreement {
        let a = self.all_accepted(ANALYTICS.by_site);
        let t = a && self.all_accepted(TRACKING.by_site);
        let p = t && self.all_accepted(PROFILING.by_site);
        let s = p && self.purpose(Purpose::SaleOrSharing) == Decision::Accept;
        let level = [(s, AgreementLevel::AtpS3p), (p, AgreementLevel::Atp), (t, AgreementLevel::At), (a, AgreementLevel::A)]
            .into_iter()
            .find_map(|(ok, level)| ok.then_some(level))
            .unwrap_or(AgreementLevel::Base);
        Agreement { level, data_portability: false }
    }

    /// Whether a site offering `agreement` would be within these terms: it permits nothing they
    /// refuse. (`-DP` only adds an obligation on the site.)
    pub fn permits(&self, agreement: Agreement) -> bool {
        agreement.level <= self.agreement().level
    }

    /// The building-block terms for one activity, named `{prefix}Allowed`, `{prefix}Disallowed`,
    /// `{prefix}2PAllowed`, `{prefix}3PDisallowed`, `{prefix}WithFPDisallowed`.
    fn activity_terms(&self, prefix: &str, activity: &Activity) -> Vec<Value> {
        let all = [activity.by_site, activity.by_third_parties].concat();
        let mut terms = Vec::new();
        if self.none_accepted(&all) {
            terms.push(format!("{prefix}Disallowed"));
        } else if self.all_accepted(&all) {
            terms.push(format!("{prefix}Allowed"));
        } else {
            if self.all_accepted(activity.by_site) {
                terms.push(format!("{prefix}2PAllowed"));
            }
            if self.none_accepted(activity.by_third_parties) {
                terms.push(format!("{prefix}3PDisallowed"));
            }
            if self.purpose(Purpose::DeviceScanning) == Decision::Refuse {
                terms.push(format!("{prefix}WithFPDisallowed"));
            }
        }
        terms.into_iter().map(|t| json!({ "@id": format!("p7012:{t}") })).collect()
    }

    /// The proffer as JSON-LD, dated `issued_at` (ms since the Unix epoch).
    pub fn proffer_json_ld(&self, issued_at: u64) -> String {
        let agreement = self.agreement();
        let sharing =
            if self.purpose(Purpose::SaleOrSharing) == Decision::Accept { "SharingData3PAllowed" } else { "SharingData3PDisallowed" };
        let value = json!({
            "@context": {
                "dpv": "https://w3id.org/dpv#",
                "p7012": "https://w3id.org/dpv/standards/p7012#",
                "dct": "http://purl.org/dc/terms/",
            },
            "@type": "p7012:AgreementPreference",
            "dct:created": rfc3339(issued_at),
            "p7012:hasAgent": { "@type": "p7012:PersonAgent", "dct:title": "Trust Ledger" },
            "p7012:hasAgreement": { "@id": format!("p7012:{}", agreement.id()) },
            "p7012:hasHumanDescription": agreement.summary(),
            "p7012:hasTrackingTerm": self.activity_terms("Tracking", &TRACKING),
            "p7012:hasProfilingTerm": self.activity_terms("Profiling", &PROFILING),
            "p7012:hasDataSharingTerm": [{ "@id": format!("p7012:{sharing}") }],
            "p7012:hasPreferenceApplicability": { "@id": "p7012:PreferenceAlwaysApplies" },
            "p7012:hasDeonticInterpretation": { "@id": "p7012:ProhibitiveInterpretation" },
            "p7012:hasConflictResolution": { "@id": "p7012:ResolvePreferringProhibition" },
        });
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
    }
}

/// Milliseconds since the Unix epoch as an RFC 3339 UTC date-time, to the second.
fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    // Days to civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::super::Preset;
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_795_348_800_999), "2026-11-22T12:00:00Z");
        assert_eq!(rfc3339(4_102_444_799_000), "2099-12-31T23:59:59Z");
        assert!(rfc3339(u64::MAX).ends_with('Z'));
    }

    #[test]
    fn ids_round_trip_and_old_names_are_read() {
        for &(level, _) in &LEVELS {
            for data_portability in [false, true] {
                let a = Agreement { level, data_portability };
                assert_eq!(Agreement::from_id(&a.id()), Some(a));
                assert!(!a.summary().is_empty());
            }
        }
        let at = Agreement { level: AgreementLevel::At, data_portability: false };
        assert_eq!(Agreement::from_id("SD-BY-AT"), Some(at));
        assert_eq!(Agreement::from_id("p7012:SD-BASE-AT"), Some(at));
        assert_eq!(Agreement::from_id("https://w3id.org/dpv/standards/p7012#SD-BY-AT"), Some(at));
        assert_eq!(Agreement::from_id("SD-BY-ATP-S3P-DP").map(Agreement::id).as_deref(), Some("SD-BASE-ATP-S3P-DP"));
        for bad in ["PDC-AI", "SD-BASE-X", "SD-BASE-DP-A", "sd-base", "", "SD-BASEA"] {
            assert_eq!(Agreement::from_id(bad), None, "{bad}");
        }
    }

    #[test]
    fn presets_proffer_their_agreement() {
        assert_eq!(Terms::default().agreement().id(), "SD-BASE");
        assert_eq!(Preset::RefuseAll.terms().agreement().id(), "SD-BASE");
        assert_eq!(Preset::Balanced.terms().agreement().id(), "SD-BASE-A");
        assert_eq!(Preset::AcceptAll.terms().agreement().id(), "SD-BASE-ATP-S3P");
    }

    #[test]
    fn the_agreement_never_permits_a_refused_activity() {
        let mut t = Preset::AcceptAll.terms();
        t.purposes.insert(Purpose::PersonalisedContent, Decision::Refuse);
        assert_eq!(t.agreement().id(), "SD-BASE-AT", "profiling by the site refused");
        t.purposes.insert(Purpose::PreciseGeolocation, Decision::Refuse);
        assert_eq!(t.agreement().id(), "SD-BASE-A", "tracking by the site refused");
        t.purposes.insert(Purpose::ProductDevelopment, Decision::Refuse);
        assert_eq!(t.agreement().id(), "SD-BASE", "analytics by the site refused");
        assert!(t.permits(Agreement::from_id("SD-BASE-DP").expect("a roster id")));
        assert!(!t.permits(Agreement::from_id("SD-BY-A").expect("a roster id")));
        assert!(Preset::Balanced.terms().permits(Agreement::from_id("SD-BASE-A").expect("a roster id")));
    }

    fn ids(v: &Value, key: &str) -> Vec<String> {
        v[key].as_array().expect("a list").iter().map(|t| t["@id"].as_str().expect("a string").to_owned()).collect()
    }

    #[test]
    fn building_blocks_state_only_what_is_true() {
        let v: Value = serde_json::from_str(&Terms::default().proffer_json_ld(0)).expect("JSON");
        assert_eq!(ids(&v, "p7012:hasTrackingTerm"), ["p7012:TrackingDisallowed"]);
        assert_eq!(ids(&v, "p7012:hasProfilingTerm"), ["p7012:ProfilingDisallowed"]);
        assert_eq!(ids(&v, "p7012:hasDataSharingTerm"), ["p7012:SharingData3PDisallowed"]);

        let v: Value = serde_json::from_str(&Preset::AcceptAll.terms().proffer_json_ld(0)).expect("JSON");
        assert_eq!(ids(&v, "p7012:hasTrackingTerm"), ["p7012:TrackingAllowed"]);
        assert_eq!(ids(&v, "p7012:hasDataSharingTerm"), ["p7012:SharingData3PAllowed"]);

        // The site may profile, third parties may not; tracking: only social media accepted.
        let mut t = Terms::default();
        t.purposes.insert(Purpose::ContentProfiles, Decision::Accept);
        t.purposes.insert(Purpose::PersonalisedContent, Decision::Accept);
        t.purposes.insert(Purpose::SocialMedia, Decision::Accept);
        let v: Value = serde_json::from_str(&t.proffer_json_ld(0)).expect("JSON");
        assert_eq!(
            ids(&v, "p7012:hasProfilingTerm"),
            ["p7012:Profiling2PAllowed", "p7012:Profiling3PDisallowed", "p7012:ProfilingWithFPDisallowed"]
        );
        assert_eq!(ids(&v, "p7012:hasTrackingTerm"), ["p7012:TrackingWithFPDisallowed"]);
        assert_eq!(v["p7012:hasAgreement"]["@id"], "p7012:SD-BASE");
    }
}
