//! Attribution tests: each kind of request the browser reports, as Chromium 156 reports it.

use super::*;

const TAB: i64 = 7;

fn navigation(url: &str, request: &str, at: f64) -> Details {
    Details {
        url: url.into(),
        kind: "main_frame".into(),
        request_id: request.into(),
        time_stamp: at,
        tab_id: TAB,
        frame_id: 0,
        frame_type: Some("outermost_frame".into()),
        document_lifecycle: Some("active".into()),
        ..Details::default()
    }
}

fn request(url: &str, kind: &str, document: &str) -> Details {
    Details {
        url: url.into(),
        kind: kind.into(),
        request_id: "r".into(),
        tab_id: TAB,
        frame_id: 0,
        frame_type: Some("outermost_frame".into()),
        document_id: Some(document.into()),
        document_lifecycle: Some("active".into()),
        ..Details::default()
    }
}

fn visit(a: &mut Attribution, url: &str, request: &str, at: f64) -> Navigation {
    a.navigated(&navigation(url, request, at)).expect("a visit")
}

#[test]
fn a_page_and_its_requests_are_one_visit() {
    let mut a = Attribution::default();
    let nav = visit(&mut a, "https://www.news.example/", "1", 1000.4);
    assert_eq!(nav.page.site, "news.example");
    assert_eq!(nav.page.visit.as_deref(), Some("7:1:1000"));
    assert!(nav.left.is_empty());
    let p = a.page_of(&request("https://www.google-analytics.com/collect", "image", "DOC1")).expect("attributed");
    assert_eq!(p, nav.page);
    assert_eq!(a.count_tracker(&p), Some(1));
    assert_eq!(a.tab(TAB).map(|t| t.trackers), Some(1));
}

#[test]
fn the_next_page_ends_the_visit_but_late_beacons_stay_with_the_old_one() {
    let mut a = Attribution::default();
    let first = visit(&mut a, "https://news.example/", "1", 1000.0).page;
    a.page_of(&request("https://news.example/app.js", "script", "DOC1"));
    let next = visit(&mut a, "https://shop.example/", "2", 2000.0);
    assert_eq!(next.left, std::slice::from_ref(&first));
    // The old document's unload beacon, reported after the new page arrived.
    assert_eq!(a.page_of(&request("https://www.google-analytics.com/collect", "ping", "DOC1")), Some(first));
    assert_eq!(a.page_of(&request("https://shop.example/app.js", "script", "DOC2")), Some(next.page.clone()));
    assert!(a.holds("7:2:2000") && !a.holds("7:1:1000"));
}

#[test]
fn iframes_belong_to_their_parent_documents_page() {
    let mut a = Attribution::default();
    let page = visit(&mut a, "https://news.example/", "1", 1000.0).page;
    a.page_of(&request("https://news.example/app.js", "script", "TOP"));
    let frame = Details {
        frame_id: 5,
        frame_type: Some("sub_frame".into()),
        parent_document_id: Some("TOP".into()),
        ..request("https://ads.example/frame.html", "sub_frame", "")
    };
    let frame = Details { document_id: None, ..frame };
    assert_eq!(a.page_of(&frame), Some(page.clone()));
    let inside = Details {
        frame_id: 5,
        frame_type: Some("sub_frame".into()),
        parent_document_id: Some("TOP".into()),
        ..request("https://ads.example/px.gif", "image", "FRAME")
    };
    assert_eq!(a.page_of(&inside), Some(page));
}

#[test]
fn a_document_fetching_the_next_page_ahead_is_not_a_visit() {
    let mut a = Attribution::default();
    let page = visit(&mut a, "https://app.example/", "1", 1000.0).page;
    a.page_of(&request("https://app.example/app.js", "script", "DOC1"));
    let prefetch = Details { request_id: "2".into(), ..request("https://app.example/next.html", "main_frame", "DOC1") };
    assert_eq!(a.navigated(&prefetch), None);
    assert_eq!(a.page_of(&prefetch), Some(page));
}

#[test]
fn service_workers_go_to_an_open_page_of_their_site_else_to_the_background() {
    let mut a = Attribution::default();
    let sw = Details {
        url: "https://api.segment.io/v1/t".into(),
        kind: "xmlhttprequest".into(),
        tab_id: -1,
        frame_id: -1,
        initiator: Some("https://app.example".into()),
        ..Details::default()
    };
    assert_eq!(a.page_of(&sw), Some(Page { site: "app.example".into(), visit: None, url: "https://app.example/".into(), tab: -1 }));
    let page = visit(&mut a, "https://www.app.example/inbox", "1", 1000.0).page;
    assert_eq!(a.page_of(&sw), Some(page.clone()));
    assert_eq!(a.count_tracker(&page), Some(1), "the tab's badge counts it");
    // The extension's own requests and the browser's belong to no site.
    assert_eq!(a.page_of(&Details { initiator: Some("chrome-extension://abc".into()), ..sw.clone() }), None);
    assert_eq!(a.page_of(&Details { initiator: None, ..sw }), None);
}

#[test]
fn prerendered_pages_are_visits_and_become_the_tabs_page_when_shown() {
    let mut a = Attribution::default();
    let shown = visit(&mut a, "https://app.example/", "1", 1000.0).page;
    let pre =
        Details { frame_id: 3, document_lifecycle: Some("prerender".into()), ..navigation("https://app.example/next.html", "2", 1500.0) };
    let nav = a.navigated(&pre).expect("a prerender is a visit");
    assert!(nav.left.is_empty(), "the shown page stays");
    let inside = Details {
        frame_id: 3,
        document_lifecycle: Some("prerender".into()),
        ..request("https://www.google-analytics.com/collect", "image", "PRE")
    };
    assert_eq!(a.page_of(&inside), Some(nav.page.clone()));
    assert_eq!(a.count_tracker(&nav.page), None, "not on the badge while not shown");
    assert_eq!(a.tab(TAB).map(|t| &t.page), Some(&shown));
    assert_eq!(a.shown(TAB, "https://app.example/next.html"), [shown]);
    assert_eq!(a.tab(TAB).map(|t| &t.page), Some(&nav.page));
    // Its document keeps its page after activation.
    let after = Details { document_lifecycle: Some("active".into()), ..inside };
    assert_eq!(a.page_of(&after), Some(nav.page));
}

#[test]
fn closing_a_tab_ends_its_visits() {
    let mut a = Attribution::default();
    let page = visit(&mut a, "https://news.example/", "1", 1000.0).page;
    a.page_of(&request("https://news.example/app.js", "script", "DOC1"));
    assert_eq!(a.tab_closed(TAB), [page]);
    assert_eq!(a.tab(TAB), None);
    assert_eq!(a.page_of(&request("https://news.example/late.js", "script", "DOC1")), None);
    assert_eq!(a.tab_closed(TAB), []);
}

#[test]
fn not_web_pages_are_not_visits() {
    let mut a = Attribution::default();
    assert_eq!(a.navigated(&navigation("chrome://newtab/", "1", 1.0)), None);
    assert_eq!(a.navigated(&Details { tab_id: -1, ..navigation("https://a.example/", "1", 1.0) }), None);
    assert_eq!(a.page_of(&request("https://a.example/x.js", "script", "D")), None, "no page in the tab");
}

#[test]
fn documents_are_bounded_and_the_state_round_trips() {
    let mut a = Attribution::default();
    let page = visit(&mut a, "https://news.example/", "1", 1000.0).page;
    for i in 0..(DOCUMENTS_KEPT * 3) {
        a.page_of(&request("https://news.example/x.js", "script", &format!("D{i}")));
    }
    assert!(a.documents.len() <= DOCUMENTS_KEPT);
    assert!(a.documents.contains_key(&format!("D{}", DOCUMENTS_KEPT * 3 - 1)), "the newest are kept");
    let back = Attribution::from_json(&a.to_json()).expect("round trip");
    assert_eq!(back, a);
    assert_eq!(back.tab(TAB).map(|t| &t.page), Some(&page));
}

#[test]
fn a_redirect_within_the_site_is_the_same_visit_and_to_another_site_a_new_one() {
    let mut a = Attribution::default();
    let first = visit(&mut a, "http://news.example/", "1", 1000.0).page;
    assert_eq!(a.navigated(&navigation("https://www.news.example/home", "1", 1010.0)), None);
    assert_eq!(a.tab(TAB).map(|t| t.page.url.as_str()), Some("https://www.news.example/home"));
    let bounced = a.navigated(&navigation("https://shop.example/", "1", 1020.0)).expect("another site");
    assert_eq!(bounced.left, [Page { url: "https://www.news.example/home".into(), ..first }]);
    assert_eq!(bounced.page.site, "shop.example");
}

fn from(url: &str, document: &str, initiator: &str, request_id: &str, at: f64) -> Details {
    Details { initiator: Some(initiator.into()), request_id: request_id.into(), time_stamp: at, ..request(url, "script", document) }
}

#[test]
fn a_new_documents_request_reveals_a_navigation_that_was_not_seen() {
    let mut a = Attribution::default();
    let news = visit(&mut a, "https://news.example/article.html", "1", 1000.0).page;
    a.page_of(&from("https://news.example/app.js", "NEWS", "https://news.example", "2", 1001.0));
    // The worker was stopped; the blog's navigation never reached it.
    let (page, nav) = a.attribute(&from("https://blog.example/post.js", "BLOG", "https://blog.example", "9", 2000.4)).expect("attributed");
    let nav = nav.expect("a visit revealed");
    assert_eq!(nav.left, std::slice::from_ref(&news));
    assert_eq!(page, nav.page);
    assert_eq!(page, Page { site: "blog.example".into(), visit: Some("7:9:2000".into()), url: "https://blog.example/".into(), tab: TAB });
    // The same document's next requests are that visit, and the old page's beacon stays old.
    assert_eq!(a.attribute(&from("https://blog.example/b.css", "BLOG", "https://blog.example", "10", 2001.0)), Some((page.clone(), None)));
    assert_eq!(a.page_of(&from("https://news.example/bye", "NEWS", "https://news.example", "11", 2002.0)), Some(news));
    // A later navigation is a visit of its own.
    let next = visit(&mut a, "https://blog.example/next.html", "12", 3000.0);
    assert_eq!(next.left, [page]);
}

#[test]
fn a_late_navigation_event_is_the_visit_its_page_already_revealed() {
    let mut a = Attribution::default();
    visit(&mut a, "https://news.example/", "1", 1000.0);
    a.page_of(&from("https://news.example/app.js", "NEWS", "https://news.example", "2", 1001.0));
    let (page, nav) = a.attribute(&from("https://blog.example/post.js", "BLOG", "https://blog.example", "9", 2000.0)).expect("attributed");
    assert!(nav.is_some());
    // The navigation event, delivered after its page's first request (it started before it).
    assert_eq!(a.navigated(&navigation("https://blog.example/post.html", "8", 1990.0)), None, "the same visit");
    let tab = a.tab(TAB).expect("the tab");
    assert_eq!((&tab.page.visit, tab.page.url.as_str()), (&page.visit, "https://blog.example/post.html"));
    assert!(a.navigated(&navigation("https://blog.example/", "13", 2500.0)).is_some(), "a later one is new");
}

#[test]
fn a_previous_pages_first_request_after_the_navigation_does_not_take_the_new_page() {
    let mut a = Attribution::default();
    visit(&mut a, "https://news.example/", "1", 1000.0);
    let shop = visit(&mut a, "https://shop.example/", "2", 2000.0).page;
    // The news page made no request before; its unload beacon comes now, then the shop's own.
    assert_eq!(a.attribute(&from("https://news.example/bye", "NEWS", "https://news.example", "3", 2001.0)).map(|(_, n)| n), Some(None));
    assert_eq!(a.attribute(&from("https://shop.example/app.js", "SHOP", "https://shop.example", "4", 2002.0)), Some((shop.clone(), None)));
    assert_eq!(a.tab(TAB).and_then(|t| t.document.as_deref()), Some("SHOP"));
    // An unloading document's request is no navigation either.
    let unloading = Details {
        document_lifecycle: Some("pending_deletion".into()),
        ..from("https://x.example/b", "OLD", "https://x.example", "5", 2003.0)
    };
    assert_eq!(a.attribute(&unloading), Some((shop, None)));
}

#[test]
fn a_frames_own_report_goes_to_its_documents_page_else_the_tabs() {
    let mut a = Attribution::default();
    let news = visit(&mut a, "https://news.example/", "1", 1000.0).page;
    a.page_of(&request("https://news.example/app.js", "script", "TOP"));
    let ad = Details {
        frame_id: 5,
        frame_type: Some("sub_frame".into()),
        parent_document_id: Some("TOP".into()),
        ..request("https://ads.example/px.gif", "image", "AD")
    };
    a.page_of(&ad);
    assert_eq!(a.page_of_frame(TAB, 0, Some("TOP"), "news.example"), Some(news.clone()));
    assert_eq!(a.page_of_frame(TAB, 5, Some("AD"), "ads.example"), Some(news.clone()));
    // Documents no request named: the tab's top frame if it shows the page's site, any subframe.
    assert_eq!(a.page_of_frame(TAB, 0, Some("NEW"), "news.example"), Some(news.clone()));
    assert_eq!(a.page_of_frame(TAB, 0, None, "blog.example"), None, "its navigation not seen yet");
    assert_eq!(a.page_of_frame(TAB, 9, None, "widget.example"), Some(news.clone()));
    assert_eq!(a.page_of_frame(TAB + 1, 0, None, "news.example"), None, "a tab with no page");
    assert_eq!(a.page_of_frame(-1, 0, None, "news.example"), None);
    // The old page's document keeps its page after the next one arrived.
    let shop = visit(&mut a, "https://shop.example/", "2", 2000.0).page;
    assert_eq!(a.page_of_frame(TAB, 0, Some("TOP"), "news.example"), Some(news));
    assert_eq!(a.page_of_frame(TAB, 0, Some("SHOP"), "shop.example"), Some(shop));
}
