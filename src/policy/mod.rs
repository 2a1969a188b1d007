//! The person's own terms: what they agree to, written down once and applied on every site
//! (`docs/terms.md`).
//!
//! [`Terms`] holds, for every site unless an exception says otherwise:
//! - a decision (accept or refuse) for each plain-language [`Purpose`], each mapped to the TCF
//!   purposes and special features and the common CMP categories ([`purpose`]);
//! - whether the person objects to processing on legitimate interest;
//! - a [`Setting`] (allow, ask, deny) for each browser [`Capability`], and time-limited
//!   [`Grant`]s that expire by themselves;
//! - the Global Privacy Control signal, on or off;
//! - the TrackerDB categories whose trackers are blocked;
//! - per-site [`Exception`]s overriding any of the above.
//!
//! Invariants, checked by [`Terms::validate`] (and so by [`Terms::from_json`]): every purpose and
//! every capability has a value; strictly necessary processing is accepted (it cannot be
//! refused); exception and grant sites are registrable domains in lower case ([`site_key`]).
//! Everything that reads terms copes with terms that break them (a missing purpose counts as
//! refused, a missing capability as "ask", strictly necessary is always accepted), so terms
//! edited in code are never dangerous, only refused when validated.
//!
//! Time is passed in (`now`, milliseconds since the Unix epoch); nothing here reads a clock.
//! What applies on one site at one moment is [`Terms::for_site`] ([`Effective`]); what the
//! browser must be told is in [`enforce`] and, for blocking by tracker category, [`blocking`];
//! the IEEE 7012 proffer is in [`proffer`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Defines a closed set of names whose JSON form is a fixed key: the enum, `ALL` in order, and
/// `key`/`from_key`, which agree with serde by construction.
macro_rules! keyed {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant,)+
        }

        impl $name {
            /// Every value, in the order the format and the documentation list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name in the JSON format.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }

            /// The value named `key` in the JSON format.
            pub fn from_key(key: &str) -> Option<$name> {
                match key {
                    $($key => Some($name::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

pub mod blocking;
pub mod capability;
mod convert;
pub mod enforce;
mod format;
pub mod preset;
pub mod proffer;
pub mod purpose;
mod resolve;
mod sites;

pub use blocking::{BlockingPlan, CutCategory, DynamicRules, SkippedFilter, BLOCKING_RULE_IDS};
pub use capability::{Capability, Setting, TrackerCategory};
pub use enforce::{ContentSettingRule, DnrRule};
pub use format::FORMAT_VERSION;
pub use preset::Preset;
pub use proffer::{Agreement, AgreementLevel};
pub use purpose::{CmpCategory, Purpose};
pub use resolve::Effective;
pub use sites::{site_key, site_of};

/// The person's terms. Read and written as versioned JSON ([`Terms::from_json`],
/// [`Terms::to_json`]); the default is the protective first-install terms ([`Preset`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Terms {
    pub purposes: BTreeMap<Purpose, Decision>,
    pub legitimate_interest: LegitimateInterest,
    pub permissions: BTreeMap<Capability, Setting>,
    /// Time-limited permissions, in the order they were given.
    #[serde(default)]
    pub grants: Vec<Grant>,
    pub signals: Signals,
    /// TrackerDB categories whose trackers are blocked.
    pub blocking: BTreeSet<TrackerCategory>,
    /// Per-site overrides, by registrable domain.
    #[serde(default)]
    pub exceptions: BTreeMap<String, Exception>,
}

/// Accept or refuse one purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Accept,
    Refuse,
}

/// Processing on the ground of legitimate interest (TCF purposes 2 and 7–11 allow it): whether
/// the person objects to it. Consent decisions do not cover it, hence its own setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LegitimateInterest {
    pub object: bool,
}

/// Signals sent to every site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Signals {
    /// Global Privacy Control (`Sec-GPC: 1`, `navigator.globalPrivacyControl`).
    pub gpc: bool,
}

/// A capability allowed on a site until a moment, after which the site's own setting applies
/// again ("allow location on this site for one hour").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Grant {
    /// Registrable domain.
    pub site: String,
    pub capability: Capability,
    /// Milliseconds since the Unix epoch; the grant is in force while `now < until`.
    pub until: u64,
}

/// What one site gets instead of the defaults; everything is optional and overrides only what
/// it names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Exception {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub purposes: BTreeMap<Purpose, Decision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legitimate_interest: Option<LegitimateInterest>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: BTreeMap<Capability, Setting>,
    #[serde(default, skip_serializing_if = "SignalOverrides::is_empty")]
    pub signals: SignalOverrides,
    /// Per category: `true` blocks it on this site, `false` lets it through.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub blocking: BTreeMap<TrackerCategory, bool>,
}

/// The signals one site gets instead of the defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignalOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpc: Option<bool>,
}

impl SignalOverrides {
    pub fn is_empty(&self) -> bool {
        self.gpc.is_none()
    }
}

/// Why terms were refused. A refused file changes nothing: the caller keeps its terms.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TermsError {
    /// Not JSON at all (serde's message, with line and column).
    #[error("not a Trust Ledger terms file: {0}")]
    Json(String),
    #[error("terms format version {0} is newer than this version of Trust Ledger reads ({FORMAT_VERSION}); update Trust Ledger")]
    TooNew(u64),
    /// `path` is dotted (`exceptions.maps.example.permissions.geolocation`, `grants[0].until`;
    /// empty for the whole file), `value` the offending JSON (or `missing`), `expected` what
    /// would have been accepted.
    #[error("terms: {}{value}, expected {expected}", at(path))]
    Invalid { path: String, value: String, expected: String },
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl TermsError {
    pub(crate) fn invalid(path: &str, value: impl Into<String>, expected: impl Into<String>) -> TermsError {
        TermsError::Invalid { path: path.to_owned(), value: value.into(), expected: expected.into() }
    }
}

impl Default for Terms {
    /// The first-install terms: every optional purpose refused, legitimate interest objected to,
    /// GPC on, notification prompts denied and every other capability "ask", advertising
    /// trackers (`advertising`, `pornvertising`) blocked; no grants, no exceptions. This is
    /// [`Preset::RefuseAll`] except that it does not block site analytics and social media.
    fn default() -> Terms {
        let purposes = Purpose::ALL.iter().map(|&p| (p, if p.is_optional() { Decision::Refuse } else { Decision::Accept })).collect();
        let permissions =
            Capability::ALL.iter().map(|&c| (c, if c == Capability::Notifications { Setting::Deny } else { Setting::Ask })).collect();
        Terms {
            purposes,
            legitimate_interest: LegitimateInterest { object: true },
            permissions,
            grants: Vec::new(),
            signals: Signals { gpc: true },
            blocking: [TrackerCategory::Advertising, TrackerCategory::Pornvertising].into_iter().collect(),
            exceptions: BTreeMap::new(),
        }
    }
}

impl Terms {
    /// The decision for a purpose in the defaults (strictly necessary is always accepted; a
    /// missing purpose counts as refused).
    pub fn purpose(&self, purpose: Purpose) -> Decision {
        if !purpose.is_optional() {
            return Decision::Accept;
        }
        self.purposes.get(&purpose).copied().unwrap_or(Decision::Refuse)
    }

    /// The default setting of a capability (a missing one counts as "ask").
    pub fn permission(&self, capability: Capability) -> Setting {
        self.permissions.get(&capability).copied().unwrap_or(Setting::Ask)
    }

    /// Allows `capability` on `site` until `until` (ms since the Unix epoch), replacing any grant
    /// of the same capability on the same site. `site` must be a registrable domain in lower
    /// case (see [`site_key`] to get one from a host).
    pub fn grant(&mut self, site: &str, capability: Capability, until: u64) -> Result<(), TermsError> {
        sites::check(site).map_err(|expected| TermsError::invalid("grants.site", json_string(site), expected))?;
        self.grants.retain(|g| !(g.site == site && g.capability == capability));
        self.grants.push(Grant { site: site.to_owned(), capability, until });
        Ok(())
    }

    /// Replaces these terms with the ones in `json` if, and only if, they are valid; on any
    /// error the current terms are kept unchanged.
    pub fn import(&mut self, json: &str) -> Result<(), TermsError> {
        *self = Terms::from_json(json)?;
        Ok(())
    }

    /// Checks the invariants (see the module documentation), naming the first broken one.
    pub fn validate(&self) -> Result<(), TermsError> {
        for &p in Purpose::ALL {
            match self.purposes.get(&p) {
                None => return Err(TermsError::invalid(&format!("purposes.{}", p.key()), "missing", "accept or refuse")),
                Some(&d) => check_decision(&format!("purposes.{}", p.key()), p, d)?,
            }
        }
        if let Some(&c) = Capability::ALL.iter().find(|c| !self.permissions.contains_key(c)) {
            return Err(TermsError::invalid(&format!("permissions.{}", c.key()), "missing", capability::SETTING_EXPECTED));
        }
        for (i, g) in self.grants.iter().enumerate() {
            sites::check(&g.site).map_err(|expected| TermsError::invalid(&format!("grants[{i}].site"), json_string(&g.site), expected))?;
        }
        for (site, e) in &self.exceptions {
            sites::check(site).map_err(|expected| TermsError::invalid(&format!("exceptions.{site}"), json_string(site), expected))?;
            for (&p, &d) in &e.purposes {
                check_decision(&format!("exceptions.{site}.purposes.{}", p.key()), p, d)?;
            }
        }
        Ok(())
    }
}

fn check_decision(path: &str, purpose: Purpose, decision: Decision) -> Result<(), TermsError> {
    if !purpose.is_optional() && decision == Decision::Refuse {
        return Err(TermsError::invalid(
            path,
            "\"refuse\"",
            "accept: strictly necessary processing (the site working at all, its security, remembering your choices) cannot be refused",
        ));
    }
    Ok(())
}

/// A string as JSON text, for error messages.
pub(crate) fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_protective_first_install() {
        let t = Terms::default();
        t.validate().expect("valid terms");
        for &p in Purpose::ALL {
            assert_eq!(t.purpose(p) == Decision::Accept, p == Purpose::StrictlyNecessary, "{p:?}");
        }
        assert!(t.legitimate_interest.object);
        assert!(t.signals.gpc);
        assert_eq!(t.permission(Capability::Notifications), Setting::Deny);
        assert!(Capability::ALL.iter().filter(|&&c| c != Capability::Notifications).all(|&c| t.permission(c) == Setting::Ask));
        assert_eq!(t.blocking.iter().map(|c| c.key()).collect::<Vec<_>>(), ["advertising", "pornvertising"]);
        assert!(t.grants.is_empty() && t.exceptions.is_empty());
    }

    #[test]
    fn strictly_necessary_cannot_be_refused() {
        let mut t = Terms::default();
        t.purposes.insert(Purpose::StrictlyNecessary, Decision::Refuse);
        assert_eq!(t.purpose(Purpose::StrictlyNecessary), Decision::Accept, "read as accepted even so");
        let e = t.validate().expect_err("refused");
        assert!(matches!(&e, TermsError::Invalid { path, .. } if path == "purposes.strictlyNecessary"), "{e}");

        let mut t = Terms::default();
        t.exceptions.insert(
            "maps.example".into(),
            Exception { purposes: [(Purpose::StrictlyNecessary, Decision::Refuse)].into(), ..Exception::default() },
        );
        assert!(t
            .validate()
            .expect_err("refused")
            .to_string()
            .starts_with("terms: exceptions.maps.example.purposes.strictlyNecessary: \"refuse\""));
    }

    #[test]
    fn incomplete_terms_read_protectively_and_do_not_validate() {
        let mut t = Terms::default();
        t.purposes.remove(&Purpose::SaleOrSharing);
        t.permissions.remove(&Capability::Camera);
        assert_eq!(t.purpose(Purpose::SaleOrSharing), Decision::Refuse);
        assert_eq!(t.permission(Capability::Camera), Setting::Ask);
        assert_eq!(t.validate().expect_err("refused").to_string(), "terms: purposes.saleOrSharing: missing, expected accept or refuse");
        t.purposes.insert(Purpose::SaleOrSharing, Decision::Refuse);
        assert_eq!(t.validate().expect_err("refused").to_string(), "terms: permissions.camera: missing, expected one of allow, ask, deny");
    }

    #[test]
    fn a_grant_replaces_the_same_grant_and_checks_its_site() {
        let mut t = Terms::default();
        t.grant("maps.example", Capability::Geolocation, 10).expect("a valid site");
        t.grant("maps.example", Capability::Camera, 10).expect("a valid site");
        t.grant("maps.example", Capability::Geolocation, 20).expect("a valid site");
        assert_eq!(t.grants.len(), 2);
        assert_eq!(t.grants[1], Grant { site: "maps.example".into(), capability: Capability::Geolocation, until: 20 });
        let e = t.grant("www.maps.example", Capability::Camera, 10).expect_err("refused");
        assert_eq!(e.to_string(), "terms: grants.site: \"www.maps.example\", expected the registrable domain maps.example");
        assert_eq!(t.grants.len(), 2);
    }

    #[test]
    fn import_keeps_the_current_terms_on_error() {
        let mut t = Preset::AcceptAll.terms();
        assert!(t.import("{\"version\": 1}").is_err());
        assert_eq!(t, Preset::AcceptAll.terms());
        t.import(&Terms::default().to_json().expect("serialises")).expect("valid terms");
        assert_eq!(t, Terms::default());
    }

    #[test]
    fn errors_read_as_one_line() {
        let e = TermsError::invalid("", "[]", "an object");
        assert_eq!(e.to_string(), "terms: [], expected an object");
        assert_eq!(TermsError::TooNew(7).to_string().lines().count(), 1);
    }
}
