//! Permission prompts and probes in the ledger: what a site asked the browser for (notifications,
//! location, the camera…) or read the state of, how each ask ended, and what it cost.
//!
//! Each [`super::Event::Permission`] adds to the site's exact totals per capability
//! ([`PermissionTally`]), to its latest asks in detail ([`Ask`], the last [`ASKS_KEPT`]), and to
//! its visit. Asking without a click, as the page loads, again after a denial, from an embedded
//! third-party frame, and probing many permissions are broken promises: charged at once, outside
//! the visit's tracking cap, and each at most once per visit and capability ([`Asked`]); with no
//! visit (background), at most once a day. The numbers are in [`score`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::record::DAY_MS;
use super::{score, Event, Site};
use crate::site::{host, registrable_domain};

/// Asks kept in detail per site (older ones dropped; the totals keep counting them).
pub const ASKS_KEPT: usize = 50;

/// How a call ended, or what a probe read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PermissionOutcome {
    Granted,
    Denied,
    /// The prompt was closed without an answer (an ask only).
    Dismissed,
    /// The call failed otherwise.
    Error,
    /// A probe read the state "prompt": the browser would ask (a probe only).
    Prompt,
    /// A probe of a name the browser does not know: it threw (a probe only).
    Unsupported,
}

impl PermissionOutcome {
    /// The outcome named `key` (as in JSON), or `None`.
    pub fn from_key(key: &str) -> Option<PermissionOutcome> {
        Some(match key {
            "granted" => PermissionOutcome::Granted,
            "denied" => PermissionOutcome::Denied,
            "dismissed" => PermissionOutcome::Dismissed,
            "error" => PermissionOutcome::Error,
            "prompt" => PermissionOutcome::Prompt,
            "unsupported" => PermissionOutcome::Unsupported,
            _ => return None,
        })
    }

    /// Whether a call of this kind (`probe` or an ask) can end so: only asks are dismissed, only
    /// probes read "prompt" or find a name unsupported.
    pub fn fits(self, probe: bool) -> bool {
        match self {
            PermissionOutcome::Dismissed => !probe,
            PermissionOutcome::Prompt | PermissionOutcome::Unsupported => probe,
            PermissionOutcome::Granted | PermissionOutcome::Denied | PermissionOutcome::Error => true,
        }
    }
}

/// A site's asks for one capability, in total. Outcome counts, `withoutActivation`,
/// `fromThirdPartyFrames` and `byTerms` are of asks (calls that can prompt); probes only count in
/// `probes`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PermissionTally {
    /// Calls that can prompt (not probes).
    pub asked: u64,
    pub granted: u64,
    pub denied: u64,
    pub dismissed: u64,
    pub errors: u64,
    /// Asks with no transient user activation (no click or key press just before).
    pub without_activation: u64,
    /// Asks made by a frame of another site than the page's.
    pub from_third_party_frames: u64,
    /// Asks the person's terms denied without a prompt (counted in `denied` too).
    pub by_terms: u64,
    /// The outcome of the latest ask, if any.
    pub last_outcome: Option<PermissionOutcome>,
    /// When the latest ask was made, if any.
    pub last_asked: Option<u64>,
    /// Reads of the permission's state (`navigator.permissions.query`).
    pub probes: u64,
}

impl PermissionTally {
    fn record(&mut self, ask: &Ask) {
        if ask.probe {
            self.probes += 1;
            return;
        }
        self.asked += 1;
        match ask.outcome {
            PermissionOutcome::Granted => self.granted += 1,
            PermissionOutcome::Denied => self.denied += 1,
            PermissionOutcome::Dismissed => self.dismissed += 1,
            PermissionOutcome::Error => self.errors += 1,
            PermissionOutcome::Prompt | PermissionOutcome::Unsupported => {}
        }
        self.without_activation += u64::from(!ask.activation);
        self.from_third_party_frames += u64::from(ask.third_party_frame);
        self.by_terms += u64::from(ask.by_terms);
        if self.last_asked.is_none_or(|last| ask.at >= last) {
            self.last_asked = Some(ask.at);
            self.last_outcome = Some(ask.outcome);
        }
    }

    /// Adds another profile's tally of the same capability: the latest ask of either is the
    /// last.
    pub(crate) fn add(&mut self, other: &PermissionTally) {
        self.asked += other.asked;
        self.granted += other.granted;
        self.denied += other.denied;
        self.dismissed += other.dismissed;
        self.errors += other.errors;
        self.without_activation += other.without_activation;
        self.from_third_party_frames += other.from_third_party_frames;
        self.by_terms += other.by_terms;
        self.probes += other.probes;
        if other.last_asked > self.last_asked {
            self.last_asked = other.last_asked;
            self.last_outcome = other.last_outcome;
        }
    }

    /// What is impossible in it, if anything.
    fn problem(&self) -> Option<&'static str> {
        let outcomes = [self.granted, self.denied, self.dismissed, self.errors].iter().try_fold(0u64, |sum, n| sum.checked_add(*n));
        if outcomes.is_none_or(|n| n > self.asked) || self.without_activation > self.asked || self.from_third_party_frames > self.asked {
            return Some("counts exceed its asks");
        }
        if self.by_terms > self.denied {
            return Some("more denied by the terms than denied");
        }
        if self.asked > 0 && (self.last_asked.is_none() || self.last_outcome.is_none()) {
            return Some("asked, but no last ask");
        }
        None
    }
}

/// One ask or probe, in detail: what the popup lists under "What this site asked for".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Ask {
    pub at: u64,
    /// The visit's number (0 for none: background).
    pub visit: u64,
    /// The asking frame's origin (`scheme://host[:port]`).
    pub origin: String,
    /// The frame is of another site than the page.
    pub third_party_frame: bool,
    /// The permission's name, as `navigator.permissions.query` names it.
    pub capability: String,
    /// The API called, such as `Notification.requestPermission`.
    pub call: String,
    /// A read of the state (no prompt).
    pub probe: bool,
    /// The frame had transient user activation (a click, a key press) at the call.
    pub activation: bool,
    pub outcome: PermissionOutcome,
    /// The person's terms denied it without a prompt.
    pub by_terms: bool,
}

impl Ask {
    /// A permission event's ask (its visit number not known yet: 0); `None` for other events.
    pub(super) fn of(event: &Event) -> Option<Ask> {
        let Event::Permission { at, origin, third_party_frame, capability, call, probe, activation, outcome, by_terms, .. } = event else {
            return None;
        };
        Some(Ask {
            at: *at,
            visit: 0,
            origin: origin.clone(),
            third_party_frame: *third_party_frame,
            capability: capability.clone(),
            call: call.clone(),
            probe: *probe,
            activation: *activation,
            outcome: *outcome,
            by_terms: *by_terms,
        })
    }
}

/// What a visit (or a day of background activity) probed and was charged for, so that each broken
/// promise costs once per visit and capability, however often the page repeats it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Asked {
    /// For background activity, the day (days since the Unix epoch) this covers; 0 in a visit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub day: u64,
    /// The charges made, as "rule:capability" (`no-click`, `on-load`, `again`, `frame`), and
    /// `probing`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub charged: BTreeSet<String>,
    /// The distinct permission names probed.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub probed: BTreeSet<String>,
}

impl Asked {
    pub fn is_empty(&self) -> bool {
        self.day == 0 && self.charged.is_empty() && self.probed.is_empty()
    }
}

pub(super) fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// A broken promise to charge: its key in [`Asked::charged`], cost and reason.
type Charge = (String, i32, String);

/// The key of a visit's charge for probing many permissions.
const PROBING: &str = "probing";

impl Site {
    /// An ask or probe, during `visit` or (with none) in the background; `ask.visit` is filled
    /// in here.
    pub(super) fn permission(&mut self, visit: Option<&str>, mut ask: Ask) {
        let at = ask.at;
        let i = visit.map(|id| self.visit_mut(id, at, ""));
        ask.visit = i.map_or(0, |i| self.recent[i].number);
        let tally = self.permissions.entry(ask.capability.clone()).or_default();
        let denied_before = tally.last_outcome == Some(PermissionOutcome::Denied);
        tally.record(&ask);

        let (asked, started) = match i {
            Some(i) => {
                let v = &mut self.recent[i];
                v.asks += u64::from(!ask.probe);
                (&mut v.asked, Some(v.started))
            }
            None => {
                let b = &mut self.background;
                b.asks += u64::from(!ask.probe);
                let day = at / DAY_MS;
                if b.asked.day != day {
                    b.asked = Asked { day, ..Asked::default() };
                }
                (&mut b.asked, None)
            }
        };
        let charges = if ask.probe {
            asked.probed.insert(ask.capability.clone());
            let n = asked.probed.len();
            if n >= score::MANY_PROBES {
                vec![(PROBING.to_owned(), score::PROBING, format!("{} probed {n} {PROBING_SIGN}", self.site))]
            } else {
                vec![]
            }
        } else {
            broken_promises(&self.site, &ask, started, denied_before)
        };
        for (key, cost, reason) in charges {
            let retell = key == PROBING;
            let fresh = match i {
                Some(i) => self.recent[i].asked.charged.insert(key),
                None => self.background.asked.charged.insert(key),
            };
            if fresh {
                self.change(ask.visit, at, -cost, reason);
            } else if retell {
                self.retell_probing(ask.visit, reason);
            }
        }

        self.recent_asks.push(ask);
        let drop = self.recent_asks.len().saturating_sub(ASKS_KEPT);
        self.recent_asks.drain(..drop);
    }

    /// Says how many permissions the visit has probed by now, on its probing charge.
    fn retell_probing(&mut self, visit: u64, reason: String) {
        if let Some(c) = self.changes.iter_mut().rev().find(|c| c.visit == visit && c.reason.ends_with(PROBING_SIGN)) {
            c.reason = reason;
        }
    }

    /// Adds another profile's permission history of this site: tallies add up, the latest asks
    /// of both are kept (theirs with their visits numbered from `base` on, after ours).
    pub(super) fn add_permissions(&mut self, tallies: BTreeMap<String, PermissionTally>, asks: Vec<Ask>, base: u64) {
        for (capability, t) in tallies {
            self.permissions.entry(capability).or_default().add(&t);
        }
        self.recent_asks.extend(asks.into_iter().map(|a| Ask { visit: if a.visit == 0 { 0 } else { base + a.visit }, ..a }));
        self.recent_asks.sort_by_key(|a| a.at);
        let drop = self.recent_asks.len().saturating_sub(ASKS_KEPT);
        self.recent_asks.drain(..drop);
    }
}

/// The broken promises of an ask (not a probe): who asked, and how.
fn broken_promises(site: &str, ask: &Ask, started: Option<u64>, denied_before: bool) -> Vec<Charge> {
    let cap = &ask.capability;
    let frame = ask.third_party_frame.then(|| host(&ask.origin).map(|h| registrable_domain(&h.to_ascii_lowercase()).to_owned()));
    let who = match &frame {
        Some(domain) => format!("an embedded frame of {}", domain.as_deref().unwrap_or("another site")),
        None => site.to_owned(),
    };
    let mut charges = Vec::new();
    if !ask.activation {
        charges.push((format!("no-click:{cap}"), score::ASK_WITHOUT_ACTIVATION, format!("{who} asked for {cap} without a click")));
        if started.is_some_and(|s| ask.at.saturating_sub(s) <= score::PAGE_LOAD_MS) {
            charges.push((format!("on-load:{cap}"), score::ASK_ON_LOAD, format!("{who} asked for {cap} as the page loaded")));
        }
    }
    if denied_before {
        charges.push((format!("again:{cap}"), score::ASK_AFTER_DENIAL, format!("{who} asked again for {cap} after you said no")));
    }
    if frame.is_some() {
        charges.push((format!("frame:{cap}"), score::THIRD_PARTY_FRAME_ASK, format!("{who} asked for {cap}")));
    }
    charges
}

/// How the reason for probing many permissions ends (its count is retold as it grows).
const PROBING_SIGN: &str = "permissions, a fingerprinting sign";

/// What is impossible in a site's permission record, as (field, problem), if anything.
pub(super) fn problem(s: &Site) -> Option<(String, &'static str)> {
    if let Some((capability, problem)) = s.permissions.iter().find_map(|(c, t)| t.problem().map(|p| (c, p))) {
        return Some((format!("permissions.{capability}"), problem));
    }
    if s.recent_asks.len() > ASKS_KEPT {
        return Some(("recentAsks".to_owned(), "more than are kept"));
    }
    if s.recent_asks.iter().any(|a| a.visit > s.visits || !a.outcome.fits(a.probe)) {
        return Some(("recentAsks".to_owned(), "an ask does not fit the visits or its kind"));
    }
    None
}
