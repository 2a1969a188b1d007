//! The consent engine end to end, natively: rule files in `tests/fixtures/consent/rules/`, pages
//! in `tests/fixtures/consent/*.html`, and an in-memory DOM (`tests/support/memdom.rs`) playing
//! the executor. Every command and reply crosses as JSON, as it does between the service worker
//! and the frame.
//!
//! Each page is answered for three people: one who refuses everything optional (and objects to
//! legitimate interest), one who accepts everything, and a mixed one (statistics accepted,
//! marketing and the rest refused, no objection to legitimate interest). The tests check the
//! answer and what the page looks like afterwards: which switches are on, what was clicked,
//! which cookie the page's "script" set.

#[path = "support/memdom.rs"]
mod memdom;

use std::fs;
use std::path::{Path as FsPath, PathBuf};

use memdom::MemDom;
use serde_json::{json, Value};
use trustledger::consent::session::ChoiceResult;
use trustledger::consent::{Answer, Command, Outcome, Path, Reply, RuleSet, Session};
use trustledger::policy::{Decision, Effective, LegitimateInterest, Preset, Purpose, Terms};

fn dir() -> PathBuf {
    FsPath::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/consent")
}

/// Every rule file of the fixtures, in name order.
fn rules() -> RuleSet {
    let mut files: Vec<PathBuf> =
        fs::read_dir(dir().join("rules")).expect("the rules folder").map(|e| e.expect("an entry").path()).collect();
    files.sort();
    let mut set = RuleSet::default();
    for file in files {
        let name = file.file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
        let json = fs::read_to_string(&file).expect("readable");
        set.load(&name, &json).unwrap_or_else(|e| panic!("{e}"));
    }
    set
}

#[derive(Clone, Copy, Debug)]
enum Who {
    RefusesAll,
    AcceptsAll,
    Mixed,
}

fn terms(who: Who) -> Effective {
    let terms = match who {
        Who::RefusesAll => Preset::RefuseAll.terms(),
        Who::AcceptsAll => Preset::AcceptAll.terms(),
        Who::Mixed => {
            let mut t = Terms::default();
            for p in [Purpose::ContentMeasurement, Purpose::AudienceResearch, Purpose::ProductDevelopment] {
                t.purposes.insert(p, Decision::Accept);
            }
            t.legitimate_interest = LegitimateInterest { object: false };
            t
        }
    };
    terms.for_site("news.example", 0)
}

/// Loads `page`, finds the rule whose dialog is present (as the executor does with the frame's
/// plan) and answers it for `who`.
fn answer(page: &str, who: Who) -> (MemDom, Answer) {
    let html = fs::read_to_string(dir().join(format!("{page}.html"))).expect("the page");
    let mut dom = MemDom::parse(&html);
    let set = rules();
    let plan = serde_json::to_value(set.for_frame("https://news.example/article", true)).expect("serialises");
    let detected: Vec<&str> = plan["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| {
            let probes: Vec<Value> = r["present"].as_array().expect("present").iter().map(|s| json!({ "exists": s })).collect();
            let reply = dom.execute(&json!({ "op": "probe", "probes": probes }));
            reply["results"].as_array().expect("results").contains(&json!(true))
        })
        .map(|r| r["name"].as_str().expect("a name"))
        .collect();
    assert_eq!(detected.len(), 1, "{page}: {detected:?}");
    let rule = set.get(detected[0]).expect("the rule");
    dom.log.clear();

    let mut session = Session::start(rule, &terms(who));
    let mut reply = None;
    loop {
        let command = session.next(reply.take());
        let json = serde_json::to_value(&command).expect("serialises");
        let out = dom.execute(&json);
        if let Command::Done { answer } = command {
            assert_eq!(dom.answer.as_ref(), Some(&serde_json::to_value(&answer).expect("serialises")));
            assert_eq!(answer.commands as usize + 1, dom.log.len());
            return (dom, answer);
        }
        reply = Some(serde_json::from_value::<Reply>(out.clone()).unwrap_or_else(|e| panic!("{out}: {e}")));
    }
}

/// The choices as `what=on|off:result`.
fn choices(answer: &Answer) -> Vec<String> {
    answer
        .choices
        .iter()
        .map(|c| {
            let result = serde_json::to_value(c.result).expect("serialises");
            format!("{}={}:{}", c.what, if c.wanted { "on" } else { "off" }, result.as_str().unwrap_or_default())
        })
        .collect()
}

fn assert_answered(answer: &Answer, path: Path, reason: &str, commands: u32) {
    assert_eq!((answer.outcome, answer.path, answer.failure.as_deref()), (Outcome::Answered, Some(path), None), "{answer:#?}");
    assert_eq!(answer.reason, reason);
    assert_eq!(answer.commands, commands, "{answer:#?}");
}

const MIXED: &str = "some purposes accepted, others refused: answered switch by switch";

#[test]
fn cookiebot_with_a_reject_button() {
    const DIALOG: &[&str] = &["#CybotCookiebotDialog"];
    let (dom, a) = answer("cookiebot", Who::RefusesAll);
    assert_answered(&a, Path::RefuseAll, "everything optional refused", 4);
    assert_eq!((a.rule.as_str(), a.vendor.as_str()), ("cookiebot", "Cookiebot"));
    assert_eq!(dom.clicks, ["#CybotCookiebotDialogBodyButtonDecline"]);
    assert_eq!(dom.cookies.get("CookieConsent").map(String::as_str), Some("necessary"));
    assert!(!dom.is_visible(DIALOG) && !dom.exists(&["#scroll-lock"]));
    assert!(a.choices.is_empty());

    let (dom, a) = answer("cookiebot", Who::AcceptsAll);
    assert_answered(&a, Path::AcceptAll, "everything accepted", 4);
    assert_eq!(dom.clicks, ["#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll"]);
    assert_eq!(dom.cookies.get("CookieConsent").map(String::as_str), Some("all"));

    let (dom, a) = answer("cookiebot", Who::Mixed);
    assert_answered(&a, Path::Custom, MIXED, 8);
    assert_eq!(
        dom.clicks,
        [
            "#CybotCookiebotDialogBodyButtonDetails",
            "#CybotCookiebotDialogBodyLevelButtonStatistics",
            "#CybotCookiebotDialogBodyLevelButtonMarketing",
            "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection",
        ]
    );
    assert_eq!(choices(&a), ["category preferences=off:already", "category statistics=on:set", "category marketing=off:set"]);
    assert!(!dom.checked(&["#CybotCookiebotDialogBodyLevelButtonPreferences"]));
    assert!(dom.checked(&["#CybotCookiebotDialogBodyLevelButtonStatistics"]));
    assert!(!dom.checked(&["#CybotCookiebotDialogBodyLevelButtonMarketing"]));
    assert_eq!(dom.cookies.get("CookieConsent").map(String::as_str), Some("selection"));
    assert!(!dom.is_visible(DIALOG) && !dom.exists(&["#scroll-lock"]));
}

#[test]
fn a_banner_without_reject_is_refused_through_its_settings() {
    let (dom, a) = answer("no-reject", Who::RefusesAll);
    assert_answered(&a, Path::Custom, "everything optional refused; this dialog has no \"Reject all\": answered switch by switch", 8);
    assert_eq!(dom.clicks, ["#open-settings", "label[for=c-functional]", "#c-functional", "label[for=c-ads]", "#c-ads", "#save-settings"]);
    assert_eq!(choices(&a), ["category preferences=off:set", "category statistics=off:already", "category marketing=off:set"]);
    assert!(!dom.checked(&["#c-functional"]) && !dom.checked(&["#c-analytics"]) && !dom.checked(&["#c-ads"]));
    assert_eq!(dom.cookies.get("consent").map(String::as_str), Some("custom"));

    let (dom, a) = answer("no-reject", Who::AcceptsAll);
    assert_answered(&a, Path::AcceptAll, "everything accepted", 3);
    assert_eq!(dom.clicks, ["#accept-all"]);
    assert!(dom.checked(&["#c-functional"]) && !dom.checked(&["#c-analytics"]), "the settings were never touched");

    let (dom, a) = answer("no-reject", Who::Mixed);
    assert_answered(&a, Path::Custom, MIXED, 8);
    assert_eq!(choices(&a), ["category preferences=off:set", "category statistics=on:set", "category marketing=off:set"]);
    assert!(!dom.checked(&["#c-functional"]) && dom.checked(&["#c-analytics"]) && !dom.checked(&["#c-ads"]));
    assert!(!dom.is_visible(&["#consent-banner"]));
}

#[test]
fn usercentrics_in_a_closed_shadow_root() {
    let (dom, a) = answer("usercentrics", Who::RefusesAll);
    assert_answered(&a, Path::RefuseAll, "everything optional refused", 4);
    assert_eq!(dom.clicks, ["[data-testid=uc-deny-all-button]"]);
    assert_eq!(dom.cookies.get("uc_consent").map(String::as_str), Some("denied"));
    assert!(!dom.is_visible(&["#usercentrics-root", "[data-testid=uc-banner]"]), "hidden with its host");

    let (dom, a) = answer("usercentrics", Who::AcceptsAll);
    assert_answered(&a, Path::AcceptAll, "everything accepted", 3);
    assert_eq!(dom.clicks, ["[data-testid=uc-accept-all-button]"]);

    let (dom, a) = answer("usercentrics", Who::Mixed);
    assert_answered(&a, Path::Custom, MIXED, 9);
    assert_eq!(
        dom.clicks,
        ["[data-testid=uc-more-button]", "#uc-functional", "#uc-statistics", "#uc-marketing", "[data-testid=uc-save-button]"]
    );
    assert_eq!(
        choices(&a),
        ["category preferences=off:set", "category statistics=on:set", "category marketing=off:set", "category socialMedia=off:absent"]
    );
    assert!(!dom.has_class_at(&["#usercentrics-root", "#uc-functional"], "is-on"));
    assert!(dom.has_class_at(&["#usercentrics-root", "#uc-functional"], "uc-toggle"));
    assert_eq!(dom.attr(&["#usercentrics-root", "#uc-statistics"], "aria-checked").as_deref(), Some("true"));
    assert_eq!(dom.attr(&["#usercentrics-root", "#uc-marketing"], "aria-checked").as_deref(), Some("false"));
    assert!(!dom.exists(&["#uc-statistics"]), "a document query does not enter the shadow root");
}

#[test]
fn a_pay_or_consent_wall_is_reported_and_left_alone() {
    for who in [Who::RefusesAll, Who::AcceptsAll, Who::Mixed] {
        let (dom, a) = answer("pay-or-consent", who);
        assert_eq!((a.outcome, a.path, a.commands), (Outcome::PayOrConsent, None, 1), "{who:?}");
        assert_eq!(a.reason, "a pay-or-consent wall: reported, not answered");
        assert!(dom.clicks.is_empty() && dom.cookies.is_empty(), "{who:?}");
        assert!(dom.is_visible(&["#cmp-wall"]));
    }
}

#[test]
fn markup_present_but_hidden_is_not_showing() {
    for who in [Who::RefusesAll, Who::AcceptsAll, Who::Mixed] {
        let (dom, a) = answer("hidden", who);
        assert_eq!((a.outcome, a.path, a.failure.as_deref(), a.commands), (Outcome::NotShowing, None, None, 1), "{who:?}");
        assert!(dom.clicks.is_empty(), "{who:?}");
        assert_eq!(dom.log[0]["probes"].as_array().map(Vec::len), Some(2), "both showing selectors are probed");
    }
}

#[test]
fn a_tcf_dialog_in_a_frame_is_answered_purpose_by_purpose() {
    let frame = |s: &'static str| ["#sp-frame", s];
    let (dom, a) = answer("tcf-frame", Who::RefusesAll);
    let why = "everything optional refused; this dialog's \"Reject all\" keeps legitimate interest, which the terms object to";
    assert_answered(&a, Path::Custom, &format!("{why}: answered switch by switch"), 29);
    assert_eq!(dom.clicks, ["button.sp-options", "#li-all-no", "#li-2", "#li-7", "#li-8", "button.sp-save"]);
    let answered: Vec<String> = choices(&a).into_iter().filter(|c| !c.ends_with(":absent")).collect();
    assert_eq!(
        answered,
        [
            "legitimate interest=off:set",
            "tcf purpose 1 consent=off:already",
            "tcf purpose 2 consent=off:already",
            "tcf purpose 3 consent=off:already",
            "tcf purpose 7 consent=off:already",
            "tcf purpose 8 consent=off:already",
            "tcf purpose 9 consent=off:already",
            "tcf purpose 10 consent=off:already",
            "legitimate interest for tcf purpose 2=off:set",
            "legitimate interest for tcf purpose 7=off:set",
            "legitimate interest for tcf purpose 8=off:set",
            "tcf special feature 1=off:already",
        ]
    );
    assert_eq!(a.choices.iter().filter(|c| c.result == ChoiceResult::Absent).count(), 25 - 12);
    assert!(dom.checked(&frame("#li-all-no")) && !dom.checked(&frame("#li-all-yes")));
    assert!(!dom.checked(&frame("#li-2")) && !dom.checked(&frame("#li-8")));
    assert_eq!(dom.cookies.get("euconsent").map(String::as_str), Some("custom"));

    let (dom, a) = answer("tcf-frame", Who::AcceptsAll);
    assert_answered(&a, Path::AcceptAll, "everything accepted", 3);
    assert_eq!(dom.clicks, ["button.sp-accept"]);

    let (dom, a) = answer("tcf-frame", Who::Mixed);
    assert_answered(&a, Path::Custom, MIXED, 29);
    assert_eq!(dom.clicks, ["button.sp-options", "#consent-8", "#consent-9", "#consent-10", "button.sp-save"]);
    let on: Vec<String> = choices(&a).into_iter().filter(|c| c.contains("=on:")).collect();
    assert_eq!(
        on,
        [
            "legitimate interest=on:already",
            "tcf purpose 8 consent=on:set",
            "tcf purpose 9 consent=on:set",
            "tcf purpose 10 consent=on:set",
            "legitimate interest for tcf purpose 2=on:already",
            "legitimate interest for tcf purpose 7=on:already",
            "legitimate interest for tcf purpose 8=on:already",
            "legitimate interest for tcf purpose 9=on:absent",
            "legitimate interest for tcf purpose 10=on:absent",
            "legitimate interest for tcf purpose 11=on:absent",
        ]
    );
    assert!(dom.checked(&frame("#consent-8")) && !dom.checked(&frame("#consent-7")) && dom.checked(&frame("#li-all-yes")));
}

/// The in-memory DOM itself: what the fixtures above rely on.
#[test]
fn memdom_follows_the_executor_rules() {
    let html = r##"<body>
        <a id="leave" href="https://elsewhere.example/">Leave</a>
        <a id="stay" href="#more" data-memdom-click="set-cookie:seen=1">More</a>
        <details><summary id="sum">Open me</summary><p id="inside">Hidden</p></details>
        <div style="visibility: hidden"><span id="invisible">x</span></div>
        <div id="host"><template shadowrootmode="open"><p class="deep">deep</p></template></div>
        <iframe id="frame" srcdoc="<p class='deep'>in the frame</p>"></iframe>
        <template><p class="deep">inert</p></template>
    </body>"##;
    let mut dom = MemDom::parse(html);
    assert_eq!(
        dom.execute(&json!({ "op": "click", "target": ["#leave"], "all": false })),
        json!({ "clicked": 0 }),
        "links leaving the page are not clicked"
    );
    assert_eq!(dom.execute(&json!({ "op": "click", "target": ["#stay"], "all": false })), json!({ "clicked": 1 }));
    assert_eq!(dom.cookies.get("seen").map(String::as_str), Some("1"));
    assert!(dom.is_visible(&["#sum"]) && !dom.is_visible(&["#inside"]) && !dom.is_visible(&["#invisible"]));
    assert!(!dom.exists(&[".deep"]), "no search enters a shadow root, a frame or a template by itself");
    assert!(dom.is_visible(&["#host", ".deep"]) && dom.is_visible(&["#frame", ".deep"]));
    let probe =
        json!({ "op": "probe", "probes": [{ "visible": ["#host", ".deep"], "check": "all" }, { "state": ["#host"], "kind": "aria" }] });
    assert_eq!(dom.execute(&probe), json!({ "results": [true, null] }));
    assert_eq!(dom.execute(&json!({ "op": "hide", "target": ["#host"] })), json!({ "hidden": 1 }));
    assert!(!dom.is_visible(&["#host", ".deep"]), "hidden with its host");
    let wait = json!({ "op": "wait", "until": { "visible": ["#host", ".deep"], "check": "none" }, "want": true, "timeoutMs": 100 });
    assert_eq!(dom.execute(&wait), json!({ "met": true }));
    assert_eq!(dom.execute(&json!({ "op": "sleep", "ms": 5 })), json!({}));
}
