//! From a frame's report of a permission call to its ledger event: the report is checked (a name
//! or outcome out of shape refuses it), attributed to the page of the sender's tab by what the
//! browser says of the sender (its tab, frame, document and URL), and numbered.

use serde::Deserialize;

use super::Observer;
use crate::attribution::page_site;
use crate::ledger::{Event, PermissionOutcome};
use crate::site::parse_url;

/// The longest permission name accepted.
const CAPABILITY_MAX: usize = 40;
/// The longest API name accepted.
const CALL_MAX: usize = 60;

/// A frame's report of a permission call, as the service worker passes it on from
/// `chrome.runtime.onMessage`: what was called and how it ended from the message, who called from
/// the message's sender (never from what the page says).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionReport {
    /// `sender.tab.id`.
    pub tab_id: i64,
    /// `sender.frameId` (0 for the tab's top frame).
    pub frame_id: i64,
    /// `sender.documentId`.
    #[serde(default)]
    pub document_id: Option<String>,
    /// `sender.url`: the frame's URL.
    pub frame_url: String,
    /// `sender.origin`, when the browser gives it: the frame's origin, right even for an
    /// `about:blank` frame (which inherits its creator's). Taken before `frame_url`.
    #[serde(default)]
    pub frame_origin: Option<String>,
    /// The permission's name, as `navigator.permissions.query` names it (`notifications`).
    pub capability: String,
    /// The API called (`Notification.requestPermission`, `navigator.permissions.query`).
    pub call: String,
    /// A read of the permission's state: no prompt.
    pub probe: bool,
    /// The frame had transient user activation at the call.
    pub activation: bool,
    /// `granted`, `denied`, `dismissed` or `error` for an ask; `granted`, `denied`, `prompt`,
    /// `unsupported` or `error` for a probe.
    pub outcome: String,
    /// The person's terms denied it without a prompt (the outcome is then `denied`).
    pub by_terms: bool,
    /// When, in milliseconds since the Unix epoch (the service worker's clock).
    pub at: u64,
}

impl Observer {
    /// A frame's permission call: its event, or none when the report is out of shape (a
    /// permission or API name, an outcome that does not fit the call, a frame with no web
    /// origin) or belongs to no page of the sender's tab.
    pub fn permission(&mut self, r: &PermissionReport) -> Vec<Event> {
        let Some(outcome) = PermissionOutcome::from_key(&r.outcome).filter(|o| o.fits(r.probe)) else { return Vec::new() };
        if !is_capability(&r.capability) || !is_call(&r.call) || (r.by_terms && outcome != PermissionOutcome::Denied) {
            return Vec::new();
        }
        let Some(origin) = r.frame_origin.as_deref().and_then(web_origin).or_else(|| web_origin(&r.frame_url)) else { return Vec::new() };
        let Some(frame_site) = page_site(&origin) else { return Vec::new() };
        let Some(page) = self.attribution.page_of_frame(r.tab_id, r.frame_id, r.document_id.as_deref(), &frame_site) else {
            return Vec::new();
        };
        vec![Event::Permission {
            seq: self.next(),
            at: r.at,
            third_party_frame: frame_site != page.site,
            site: page.site,
            visit: page.visit,
            origin,
            capability: r.capability.clone(),
            call: r.call.clone(),
            probe: r.probe,
            activation: r.activation,
            outcome,
            by_terms: r.by_terms,
        }]
    }
}

/// A permission name: lower-case ASCII letters, digits and `-`, at most [`CAPABILITY_MAX`].
fn is_capability(name: &str) -> bool {
    (1..=CAPABILITY_MAX).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An API name: ASCII letters, digits, `.` and `_`, at most [`CALL_MAX`].
fn is_call(name: &str) -> bool {
    (1..=CALL_MAX).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// The origin (`scheme://host[:port]`, lower-case, default port left out) of an http or https
/// URL or origin, or `None`. A `blob:` URL has its creator's origin.
pub(super) fn web_origin(url: &str) -> Option<String> {
    let url = url.strip_prefix("blob:").unwrap_or(url);
    let parts = parse_url(url)?;
    let scheme = parts.scheme(url).to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let host = parts.host(url).to_ascii_lowercase();
    // After the host (and an IPv6 literal's bracket): the port, up to the path.
    let after = url.get(parts.host_end..).unwrap_or("");
    let after = after.strip_prefix(']').unwrap_or(after);
    let port = after.strip_prefix(':').map(|p| p.split(['/', '?', '#', '\\']).next().unwrap_or(""));
    if port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let port = port.filter(|p| !p.is_empty() && !matches!((scheme.as_str(), *p), ("http", "80") | ("https", "443")));
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    Some(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::{Attribution, Details};
    use crate::EngineBuilder;

    const TAB: i64 = 3;

    /// An observer whose tab 3 shows news.example, whose top document `TOP` and an ads frame's
    /// document `ADS` made requests.
    fn observer() -> Observer {
        let mut o = Observer::new(EngineBuilder::new().build().0, Attribution::default(), 10);
        let nav = Details {
            url: "https://www.news.example/".into(),
            kind: "main_frame".into(),
            request_id: "1".into(),
            time_stamp: 5.0,
            tab_id: TAB,
            ..Details::default()
        };
        o.navigated(&nav, 5);
        let top = Details { url: "https://www.news.example/app.js".into(), kind: "script".into(), document_id: Some("TOP".into()), ..nav };
        o.request(&top, 6);
        let frame = Details {
            url: "https://ads.widget.example/px.gif".into(),
            kind: "image".into(),
            frame_id: 4,
            frame_type: Some("sub_frame".into()),
            document_id: Some("ADS".into()),
            parent_document_id: Some("TOP".into()),
            ..top
        };
        o.request(&frame, 7);
        o
    }

    fn report(frame_id: i64, document: Option<&str>, url: &str) -> PermissionReport {
        PermissionReport {
            tab_id: TAB,
            frame_id,
            document_id: document.map(Into::into),
            frame_url: url.into(),
            capability: "notifications".into(),
            call: "Notification.requestPermission".into(),
            outcome: "denied".into(),
            at: 9,
            ..PermissionReport::default()
        }
    }

    fn one(events: Vec<Event>) -> Event {
        match <[Event; 1]>::try_from(events) {
            Ok([e]) => e,
            Err(events) => panic!("one event, not {events:?}"),
        }
    }

    #[test]
    fn a_top_frames_ask_is_the_pages() {
        let mut o = observer();
        let e = one(o.permission(&report(0, Some("TOP"), "https://www.news.example/article?x=1")));
        assert_eq!(
            e,
            Event::Permission {
                seq: 14,
                at: 9,
                site: "news.example".into(),
                visit: Some("3:1:5".into()),
                origin: "https://www.news.example".into(),
                third_party_frame: false,
                capability: "notifications".into(),
                call: "Notification.requestPermission".into(),
                probe: false,
                activation: false,
                outcome: PermissionOutcome::Denied,
                by_terms: false,
            }
        );
        // A document no request named: the tab's page, when it is of the frame's site.
        let unseen = one(o.permission(&report(0, Some("NEW"), "https://news.example:443/")));
        assert!(
            matches!(unseen, Event::Permission { seq: 15, ref site, ref origin, .. } if site == "news.example" && origin == "https://news.example")
        );
        assert_eq!(o.permission(&report(0, Some("NEW"), "https://blog.example/")), [], "a navigation not seen yet");
    }

    #[test]
    fn a_third_party_frames_ask_is_the_pages_from_a_third_party_frame() {
        let mut o = observer();
        let by_document = one(o.permission(&report(4, Some("ADS"), "https://ads.widget.example/frame.html")));
        assert!(matches!(
            by_document,
            Event::Permission { ref site, third_party_frame: true, ref origin, .. } if site == "news.example" && origin == "https://ads.widget.example"
        ));
        // A frame whose document made no request yet: the tab's page.
        let unseen = one(o.permission(&report(8, None, "https://cam.other.example:8443/embed")));
        assert!(matches!(
            unseen,
            Event::Permission { ref visit, third_party_frame: true, ref origin, .. }
                if visit.as_deref() == Some("3:1:5") && origin == "https://cam.other.example:8443"
        ));
        // An about:blank frame has its creator's origin, which the browser gives.
        let blank = PermissionReport { frame_origin: Some("https://www.news.example".into()), ..report(9, None, "about:blank") };
        assert!(matches!(one(o.permission(&blank)), Event::Permission { third_party_frame: false, .. }));
        assert_eq!(o.permission(&report(9, None, "about:blank")), [], "no origin known");
    }

    #[test]
    fn an_unknown_tab_or_a_report_out_of_shape_makes_no_event() {
        let mut o = observer();
        assert_eq!(o.permission(&PermissionReport { tab_id: 99, ..report(0, None, "https://news.example/") }), []);
        assert_eq!(o.permission(&PermissionReport { tab_id: -1, ..report(0, None, "https://news.example/") }), []);
        let good = report(0, Some("TOP"), "https://news.example/");
        for bad in [
            PermissionReport { capability: "Notifications".into(), ..good.clone() },
            PermissionReport { capability: "geo location".into(), ..good.clone() },
            PermissionReport { capability: "".into(), ..good.clone() },
            PermissionReport { capability: "a".repeat(41), ..good.clone() },
            PermissionReport { call: "Notification.requestPermission()".into(), ..good.clone() },
            PermissionReport { call: "x".repeat(61), ..good.clone() },
            PermissionReport { outcome: "default".into(), ..good.clone() },
            PermissionReport { outcome: "prompt".into(), ..good.clone() },
            PermissionReport { outcome: "dismissed".into(), probe: true, ..good.clone() },
            PermissionReport { outcome: "granted".into(), by_terms: true, ..good.clone() },
            PermissionReport { frame_url: "chrome-extension://abc/x.html".into(), ..good.clone() },
        ] {
            assert_eq!(o.permission(&bad), [], "{bad:?}");
        }
        assert_eq!(o.seq(), 13, "no number used");
        let fine = PermissionReport { capability: "a".repeat(40), call: "navigator.permissions.query".into(), probe: true, ..good.clone() };
        assert_eq!(o.permission(&PermissionReport { outcome: "unsupported".into(), ..fine }).len(), 1);
        assert_eq!(o.permission(&PermissionReport { by_terms: true, ..good }).len(), 1);
    }

    #[test]
    fn reports_read_as_the_service_worker_sends_them() {
        let json = r#"{"tabId":3,"frameId":0,"documentId":"TOP","frameUrl":"https://news.example/","capability":"geolocation",
            "call":"Geolocation.getCurrentPosition","probe":false,"activation":true,"outcome":"granted","byTerms":false,"at":1700000000000}"#;
        let r: PermissionReport = serde_json::from_str(json).expect("reads");
        assert_eq!((r.capability.as_str(), r.activation, r.at, r.frame_origin), ("geolocation", true, 1_700_000_000_000, None));
    }

    #[test]
    fn origins() {
        let cases = [
            ("https://WWW.News.example/a?b", Some("https://www.news.example")),
            ("https://news.example:443/", Some("https://news.example")),
            ("http://news.example:80", Some("http://news.example")),
            ("http://localhost:8080/x", Some("http://localhost:8080")),
            ("https://[::1]:8443/", Some("https://[::1]:8443")),
            ("https://user:pw@news.example/", Some("https://news.example")),
            ("blob:https://news.example/1234-5678", Some("https://news.example")),
            ("https://news.example:x/", None),
            ("about:blank", None),
            ("data:text/html,hi", None),
            ("file:///tmp/x.html", None),
            ("", None),
        ];
        for (url, want) in cases {
            assert_eq!(web_origin(url).as_deref(), want, "{url}");
        }
    }
}
