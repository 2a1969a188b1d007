//! What the browser must be told to carry out the terms, as plain data in the shape of Chrome's
//! APIs; the extension hands it over as it is and never decides anything itself.
//!
//! - [`Terms::gpc_rules`]: the declarativeNetRequest rule that sends `Sec-GPC: 1`. Per-site
//!   exceptions use `excludedTopDomains` (or `topDomains` when GPC is off by default): they match
//!   the top-level site, so every request under an excepted page, including cross-site iframes,
//!   follows the page's site (verified in Chromium 156, standards.md fact 4).
//! - [`Terms::blocking_rules`] ([`super::blocking`]): the block rules for the tracker categories
//!   the terms refuse, as the same [`DnrRule`]s.
//! - [`Terms::gpc_mark_rules`]: the rules that mark each document with the value the header had
//!   for it (`Server-Timing: gpc;desc=1|0`), which the page script reads to set
//!   `navigator.globalPrivacyControl` from document start.
//! - [`Terms::content_settings`]: the complete list of `chrome.contentSettings` rules for the
//!   capabilities Chrome covers there ([`CONTENT_SETTING_TYPES`]). The API has no expiry and its
//!   `clear()` removes every rule of a type, so the extension re-applies this whole list (clear
//!   each type, then set) whenever the terms change or a grant ends ([`Terms::next_expiry`]).
//!
//! Invariants: output is deterministic (capabilities in order, then sites in order) and carries
//! one rule per pattern and type, so applying it in order leaves no rule shadowing another.

use serde::Serialize;

use super::{sites, Capability, Setting, Terms};

/// The GPC rule's id among the extension's dynamic rules.
pub const GPC_RULE_ID: u32 = 1;

/// The rules that mark documents with the GPC value ([`Terms::gpc_mark_rules`]).
pub const GPC_MARK_ON_RULE_ID: u32 = 2;
pub const GPC_MARK_OFF_RULE_ID: u32 = 3;

/// The resource types of documents: the pages and frames `navigator.globalPrivacyControl` lives in.
pub const DOCUMENT_TYPES: [&str; 2] = ["main_frame", "sub_frame"];

/// The GPC rule's priority. A `modifyHeaders` rule is skipped when an `allow` rule of higher
/// priority matches, so rules that let requests through must stay below it.
pub const GPC_PRIORITY: u32 = 40_000;

/// Every declarativeNetRequest resource type: GPC goes with every request.
pub const RESOURCE_TYPES: [&str; 15] = [
    "main_frame",
    "sub_frame",
    "stylesheet",
    "script",
    "image",
    "font",
    "object",
    "xmlhttprequest",
    "ping",
    "csp_report",
    "media",
    "websocket",
    "webtransport",
    "webbundle",
    "other",
];

/// The `chrome.contentSettings` types the plan manages: the extension clears exactly these
/// before applying [`Terms::content_settings`].
pub const CONTENT_SETTING_TYPES: [&str; 5] = ["location", "notifications", "camera", "microphone", "clipboard"];

/// A declarativeNetRequest rule, serialised exactly as `chrome.declarativeNetRequest.Rule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrRule {
    pub id: u32,
    pub priority: u32,
    pub action: DnrAction,
    pub condition: DnrCondition,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrAction {
    /// `modifyHeaders` or `block`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Only for `modifyHeaders` (left out when empty: a `block` action has none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub request_headers: Vec<HeaderInfo>,
    /// Only for `modifyHeaders`, left out when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response_headers: Vec<HeaderInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderInfo {
    pub header: &'static str,
    /// `set` or `append`.
    pub operation: &'static str,
    pub value: &'static str,
}

/// `chrome.declarativeNetRequest.RuleCondition`: every field left out when unset (an empty list
/// is never written: Chrome refuses one). The GPC rule sets only `resourceTypes` and the top
/// domains; block rules ([`super::blocking`]) set the others.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnrCondition {
    /// `||`, `|`, `^` and `*` as in Adblock Plus; ASCII.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_filter: Option<String>,
    /// Only ever `true` (`$match-case`): the default is `false` since Chrome 118.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_url_filter_case_sensitive: Option<bool>,
    /// Hosts (and their subdomains), lower-case ASCII.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_domains: Option<Vec<String>>,
    /// `firstParty` or `thirdParty`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initiator_domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_initiator_domains: Option<Vec<String>>,
    /// Names from [`RESOURCE_TYPES`]; empty (left out) means every type but `main_frame`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_resource_types: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_domains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_top_domains: Option<Vec<String>>,
}

/// One `chrome.contentSettings[contentType].set({primaryPattern, setting})` call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentSettingRule {
    /// The `chrome.contentSettings` property: `location`, `notifications`, `camera`,
    /// `microphone` or `clipboard`.
    pub content_type: &'static str,
    /// `<all_urls>` for the global default, else a site's pattern.
    pub primary_pattern: String,
    /// `allow`, `ask` or `block`.
    pub setting: &'static str,
}

impl Terms {
    /// The sites whose exception sends GPC when the default does not, or the reverse.
    pub fn gpc_exception_sites(&self) -> Vec<String> {
        self.exceptions
            .iter()
            .filter(|(_, e)| e.signals.gpc.is_some_and(|gpc| gpc != self.signals.gpc))
            .map(|(site, _)| site.clone())
            .collect()
    }

    /// The declarativeNetRequest rules that carry out the GPC signal: none, or one rule with id
    /// [`GPC_RULE_ID`] (replace it with `updateDynamicRules({removeRuleIds: [GPC_RULE_ID],
    /// addRules})`).
    pub fn gpc_rules(&self) -> Vec<DnrRule> {
        let sites = self.gpc_exception_sites();
        let (top_domains, excluded_top_domains) = match (self.signals.gpc, sites.is_empty()) {
            (true, true) => (None, None),
            (true, false) => (None, Some(sites)),
            (false, true) => return Vec::new(),
            (false, false) => (Some(sites), None),
        };
        vec![DnrRule {
            id: GPC_RULE_ID,
            priority: GPC_PRIORITY,
            action: DnrAction {
                kind: "modifyHeaders",
                request_headers: vec![HeaderInfo { header: "Sec-GPC", operation: "set", value: "1" }],
                response_headers: Vec::new(),
            },
            condition: DnrCondition {
                resource_types: RESOURCE_TYPES.to_vec(),
                top_domains,
                excluded_top_domains,
                ..DnrCondition::default()
            },
        }]
    }

    /// The rules that tell each document what the Sec-GPC header said for it, for the page
    /// script that sets `navigator.globalPrivacyControl` (`extension/content/gpc.js`), which
    /// cannot read the terms: every document response (`main_frame`, `sub_frame`) gets
    /// `Server-Timing: gpc;desc=1` or `gpc;desc=0` appended, under the same top-domain
    /// conditions as [`Terms::gpc_rules`], so a frame's value is its top-level site's, as the
    /// GPC specification says. Appended after the server's own entries: the script reads the
    /// last `gpc` entry, so a server cannot put words in the extension's mouth. Always two
    /// rules or one: the default's value everywhere but the excepted sites, the other value on
    /// those ([`GPC_MARK_ON_RULE_ID`] for 1, [`GPC_MARK_OFF_RULE_ID`] for 0).
    pub fn gpc_mark_rules(&self) -> Vec<DnrRule> {
        let sites = self.gpc_exception_sites();
        let mark = |gpc: bool, top_domains, excluded_top_domains| DnrRule {
            id: if gpc { GPC_MARK_ON_RULE_ID } else { GPC_MARK_OFF_RULE_ID },
            priority: GPC_PRIORITY,
            action: DnrAction {
                kind: "modifyHeaders",
                request_headers: Vec::new(),
                response_headers: vec![HeaderInfo {
                    header: "Server-Timing",
                    operation: "append",
                    value: if gpc { "gpc;desc=1" } else { "gpc;desc=0" },
                }],
            },
            condition: DnrCondition {
                resource_types: DOCUMENT_TYPES.to_vec(),
                top_domains,
                excluded_top_domains,
                ..DnrCondition::default()
            },
        };
        let default = self.signals.gpc;
        if sites.is_empty() {
            return vec![mark(default, None, None)];
        }
        vec![mark(default, None, Some(sites.clone())), mark(!default, Some(sites), None)]
    }

    /// Every `chrome.contentSettings` rule the terms need at `now`:
    /// - a global rule (`<all_urls>`) for a default of deny (`block`) or allow; none for "ask",
    ///   which leaves the browser's own behaviour (and the person's own choices in it) alone,
    ///   and none for allow on the camera and microphone, which Chrome refuses as a default (it
    ///   asks instead);
    /// - for each site whose exception names the capability or which has a grant for it in
    ///   force, where its setting differs from what the browser then does, a rule per scheme (`https://*.site/*`, `http://*.site/*`; no `*.` for an IP
    ///   address). No port: a pattern without one matches every port.
    pub fn content_settings(&self, now: u64) -> Vec<ContentSettingRule> {
        let mut rules = Vec::new();
        for &capability in Capability::ALL {
            let Some(content_type) = capability.content_setting() else { continue };
            let global = match self.permission(capability) {
                Setting::Deny => Some(Setting::Deny),
                Setting::Allow if capability.global_allow_possible() => Some(Setting::Allow),
                _ => None,
            };
            if let Some(setting) = global {
                rules.push(ContentSettingRule { content_type, primary_pattern: "<all_urls>".into(), setting: setting_name(setting) });
            }
            // The sites that name this capability.
            let mut named: Vec<&str> =
                self.exceptions.iter().filter(|(_, e)| e.permissions.contains_key(&capability)).map(|(s, _)| s.as_str()).collect();
            named.extend(self.grants.iter().filter(|g| g.capability == capability && now < g.until).map(|g| g.site.as_str()));
            named.sort_unstable();
            named.dedup();
            // What the browser does on a site with no rule of its own.
            let browser_default = global.unwrap_or(Setting::Ask);
            for &site in &named {
                let setting = self.for_site(site, now).permission(capability);
                if setting != browser_default {
                    rules.extend(patterns(site).into_iter().map(|primary_pattern| ContentSettingRule {
                        content_type,
                        primary_pattern,
                        setting: setting_name(setting),
                    }));
                }
            }
        }
        rules
    }
}

fn setting_name(setting: Setting) -> &'static str {
    match setting {
        Setting::Allow => "allow",
        Setting::Ask => "ask",
        Setting::Deny => "block",
    }
}

/// A site's content-setting patterns: the site and all its subdomains, https and http, any port.
fn patterns(site: &str) -> [String; 2] {
    let host = if sites::is_ip(site) { site.to_owned() } else { format!("*.{site}") };
    [format!("https://{host}/*"), format!("http://{host}/*")]
}

#[cfg(test)]
mod tests {
    use super::super::{Exception, Preset, SignalOverrides};
    use super::*;
    use serde_json::json;

    fn with_gpc(default: bool, sites: &[(&str, bool)]) -> Terms {
        let mut t = Terms::default();
        t.signals.gpc = default;
        for &(site, gpc) in sites {
            t.exceptions.insert(site.into(), Exception { signals: SignalOverrides { gpc: Some(gpc) }, ..Exception::default() });
        }
        t
    }

    #[test]
    fn gpc_rule_in_chromes_shape() {
        let rules = with_gpc(true, &[("bank.example", false), ("news.example", true)]).gpc_rules();
        assert_eq!(
            serde_json::to_value(&rules).expect("serialises"),
            json!([{
                "id": 1, "priority": 40000,
                "action": {"type": "modifyHeaders", "requestHeaders": [{"header": "Sec-GPC", "operation": "set", "value": "1"}]},
                "condition": {"resourceTypes": RESOURCE_TYPES, "excludedTopDomains": ["bank.example"]}
            }])
        );
        // Byte for byte, as before block rules shared these types.
        let expected = r#"[{"id":1,"priority":40000,"action":{"type":"modifyHeaders","requestHeaders":[{"header":"Sec-GPC","operation":"set","value":"1"}]},"condition":{"resourceTypes":TYPES,"excludedTopDomains":["bank.example"]}}]"#;
        let types = serde_json::to_string(&RESOURCE_TYPES).expect("serialises");
        assert_eq!(serde_json::to_string(&rules).expect("serialises"), expected.replace("TYPES", &types));
    }

    #[test]
    fn gpc_marks_follow_the_header() {
        let marks = |t: &Terms| serde_json::to_value(t.gpc_mark_rules()).expect("serialises");
        let rule = |id: u32, value: &str, cond: serde_json::Value| {
            let mut condition = json!({"resourceTypes": ["main_frame", "sub_frame"]});
            condition.as_object_mut().expect("an object").extend(cond.as_object().expect("an object").clone());
            json!({"id": id, "priority": 40000, "condition": condition, "action": {"type": "modifyHeaders",
                "responseHeaders": [{"header": "Server-Timing", "operation": "append", "value": value}]}})
        };
        assert_eq!(marks(&with_gpc(true, &[])), json!([rule(2, "gpc;desc=1", json!({}))]));
        assert_eq!(marks(&with_gpc(false, &[])), json!([rule(3, "gpc;desc=0", json!({}))]));
        assert_eq!(
            marks(&with_gpc(true, &[("bank.example", false), ("news.example", true)])),
            json!([
                rule(2, "gpc;desc=1", json!({"excludedTopDomains": ["bank.example"]})),
                rule(3, "gpc;desc=0", json!({"topDomains": ["bank.example"]})),
            ])
        );
        assert_eq!(
            marks(&with_gpc(false, &[("news.example", true)])),
            json!([
                rule(3, "gpc;desc=0", json!({"excludedTopDomains": ["news.example"]})),
                rule(2, "gpc;desc=1", json!({"topDomains": ["news.example"]})),
            ])
        );
    }

    #[test]
    fn gpc_off_by_default_is_sent_only_where_an_exception_turns_it_on() {
        assert!(with_gpc(false, &[("bank.example", false)]).gpc_rules().is_empty());
        let rules = with_gpc(false, &[("news.example", true), ("a.example", true)]).gpc_rules();
        assert_eq!(rules[0].condition.top_domains.as_deref(), Some(&["a.example".to_owned(), "news.example".to_owned()][..]));
        assert_eq!(rules[0].condition.excluded_top_domains, None);
        let all = with_gpc(true, &[]).gpc_rules();
        assert_eq!((all[0].condition.top_domains.clone(), all[0].condition.excluded_top_domains.clone()), (None, None));
    }

    fn rules(t: &Terms, now: u64) -> Vec<(String, String, String)> {
        t.content_settings(now).into_iter().map(|r| (r.content_type.to_owned(), r.primary_pattern, r.setting.to_owned())).collect()
    }

    fn r(t: &str, p: &str, s: &str) -> (String, String, String) {
        (t.into(), p.into(), s.into())
    }

    #[test]
    fn defaults_set_global_rules_only_where_they_must() {
        assert_eq!(rules(&Terms::default(), 0), [r("notifications", "<all_urls>", "block")]);
        assert!(rules(&Preset::AcceptAll.terms(), 0).is_empty(), "everything asks");
        let mut t = Terms::default();
        for &c in Capability::ALL {
            t.permissions.insert(c, Setting::Allow);
        }
        assert_eq!(
            rules(&t, 0),
            [r("location", "<all_urls>", "allow"), r("notifications", "<all_urls>", "allow"), r("clipboard", "<all_urls>", "allow")]
        );
    }

    #[test]
    fn sites_and_grants_get_rules_where_they_differ() {
        let mut t = Terms::default();
        t.permissions.insert(Capability::Camera, Setting::Allow); // cannot be global: asks
        t.exceptions.insert(
            "maps.example".into(),
            Exception {
                permissions: [
                    (Capability::Notifications, Setting::Ask),
                    (Capability::Geolocation, Setting::Ask),
                    (Capability::Camera, Setting::Allow),
                ]
                .into(),
                ..Exception::default()
            },
        );
        t.grant("127.0.0.1", Capability::Geolocation, 100).expect("a valid site");
        t.grant("video.example", Capability::Midi, 100).expect("a valid site"); // not a content setting
        assert_eq!(
            rules(&t, 0),
            [
                r("location", "https://127.0.0.1/*", "allow"),
                r("location", "http://127.0.0.1/*", "allow"),
                r("notifications", "<all_urls>", "block"),
                r("notifications", "https://*.maps.example/*", "ask"),
                r("notifications", "http://*.maps.example/*", "ask"),
                // The default allow cannot be global: a site that names the camera gets its allow.
                r("camera", "https://*.maps.example/*", "allow"),
                r("camera", "http://*.maps.example/*", "allow"),
            ]
        );
        assert_eq!(rules(&t, 100).len(), 5, "the grant has ended");
        let json = serde_json::to_value(&t.content_settings(100)[0]).expect("serialises");
        assert_eq!(json, json!({"contentType": "notifications", "primaryPattern": "<all_urls>", "setting": "block"}));
    }

    #[test]
    fn the_types_listed_are_the_types_used() {
        let used: Vec<_> = Capability::ALL.iter().filter_map(|c| c.content_setting()).collect();
        assert_eq!(used, CONTENT_SETTING_TYPES);
    }
}
