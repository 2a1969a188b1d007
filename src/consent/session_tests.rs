//! Unit tests of the session: each flow against a scripted fake executor ([`Page`]), the exact
//! JSON of commands and replies, protocol errors, and a property: whatever the replies, a session
//! never panics and ends within [`MAX_COMMANDS`].

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;
use crate::policy::{Decision as Verdict, LegitimateInterest, Preset, Purpose, Terms};

fn rule(v: Value) -> Rule {
    Rule::from_json(&v.to_string()).expect("a valid rule").remove(0)
}

fn refuse_all() -> Effective {
    Preset::RefuseAll.terms().for_site("news.example", 0)
}

fn accept_all() -> Effective {
    Preset::AcceptAll.terms().for_site("news.example", 0)
}

/// Statistics accepted, marketing refused, no objection to legitimate interest.
fn mixed() -> Effective {
    let mut t = Terms::default();
    for p in [Purpose::ContentMeasurement, Purpose::AudienceResearch, Purpose::ProductDevelopment] {
        t.purposes.insert(p, Verdict::Accept);
    }
    t.legitimate_interest = LegitimateInterest { object: false };
    t.for_site("news.example", 0)
}

/// A rule with a wall check, all three paths, `done` and `unlock`; `edit` adjusts it.
fn cmp(edit: impl FnOnce(&mut Value)) -> Rule {
    let mut v = json!({
        "name": "cmp",
        "vendor": "A CMP",
        "detect": { "present": ["#cmp"] },
        "payOrConsent": ["#wall"],
        "refuseAll": [{ "click": "#reject" }],
        "acceptAll": [{ "click": "#accept" }],
        "custom": {
            "open": [{ "click": "#settings" }],
            "toggles": [
                { "control": "#stats", "category": "statistics" },
                { "control": "#ads", "category": "marketing" },
                { "control": "#social", "category": "socialMedia" }
            ],
            "save": [{ "click": "#save" }]
        },
        "done": [{ "waitForGone": "#cmp", "timeout": 1000 }],
        "unlock": ["body.locked"]
    });
    edit(&mut v);
    rule(v)
}

fn key(s: &Selector) -> String {
    s.chain().join(" >> ")
}

/// A fake executor: which selectors match (visible or not), switch states, what clicks remove.
#[derive(Default)]
struct Page {
    visible: BTreeSet<String>,
    hidden: BTreeSet<String>,
    switches: BTreeMap<String, bool>,
    /// Switches that do not change when clicked.
    stuck: BTreeSet<String>,
    /// A click on the key removes these selectors from the page.
    removes: BTreeMap<String, Vec<String>>,
    clicks: Vec<String>,
}

impl Page {
    /// The dialog `#cmp` shown with its buttons and the scroll lock; clicking reject, accept or
    /// save closes it and unlocks the page.
    fn dialog() -> Page {
        let mut page = Page::default();
        for s in ["#cmp", "#reject", "#accept", "#settings", "#save"] {
            page.visible.insert(s.into());
        }
        page.visible.insert("body.locked".into());
        for button in ["#reject", "#accept", "#save"] {
            page.removes.insert(button.into(), vec!["#cmp".into(), "body.locked".into()]);
        }
        page
    }

    fn exists(&self, k: &str) -> bool {
        self.visible.contains(k) || self.hidden.contains(k) || self.switches.contains_key(k)
    }

    fn probe(&self, p: &Probe) -> Option<bool> {
        match p {
            Probe::Exists { exists } => Some(self.exists(&key(exists))),
            Probe::Visible { visible, check: Check::None } => Some(!self.visible.contains(&key(visible))),
            Probe::Visible { visible, .. } => Some(self.visible.contains(&key(visible))),
            Probe::State { state, .. } => self.switches.get(&key(state)).copied(),
        }
    }

    fn click(&mut self, k: &str) {
        self.clicks.push(k.to_owned());
        for gone in self.removes.get(k).cloned().unwrap_or_default() {
            self.visible.remove(&gone);
            self.hidden.remove(&gone);
        }
    }

    fn reply(&mut self, command: &Command) -> Reply {
        match command {
            Command::Probe { probes } => Reply::Probed { results: probes.iter().map(|p| self.probe(p)).collect() },
            Command::Click { target, .. } if self.exists(&key(target)) => {
                self.click(&key(target));
                Reply::Clicked { clicked: 1 }
            }
            Command::Click { .. } => Reply::Clicked { clicked: 0 },
            Command::Set { target, on, .. } => {
                let k = key(target);
                let was = self.switches.get(&k).copied();
                if was.is_some_and(|w| w != *on) {
                    self.click(&k);
                    if !self.stuck.contains(&k) {
                        self.switches.insert(k.clone(), *on);
                    }
                }
                Reply::Set { was, now: self.switches.get(&k).copied() }
            }
            Command::Wait { until, want, .. } => Reply::Waited { met: self.probe(until) == Some(*want) },
            Command::Sleep { .. } => Reply::Slept {},
            Command::Hide { target } => Reply::Hidden { hidden: u32::from(self.exists(&key(target))) },
            Command::Done { .. } => panic!("done has no reply"),
        }
    }
}

/// Runs a session to its end, each command answered by `executor`.
fn drive(rule: &Rule, terms: &Effective, mut executor: impl FnMut(&Command) -> Reply) -> (Vec<Command>, Answer) {
    let mut session = Session::start(rule, terms);
    let mut reply = None;
    let mut log = Vec::new();
    for _ in 0..=MAX_COMMANDS {
        match session.next(reply.take()) {
            Command::Done { answer } => {
                assert_eq!(session.answer(), Some(&answer));
                assert_eq!(answer.commands as usize, log.len());
                return (log, answer);
            }
            command => {
                reply = Some(executor(&command));
                log.push(command);
            }
        }
    }
    panic!("no done within {MAX_COMMANDS} commands");
}

fn run(rule: &Rule, terms: &Effective, page: &mut Page) -> Answer {
    drive(rule, terms, |c| page.reply(c)).1
}

fn failure(answer: &Answer) -> &str {
    assert_eq!(answer.outcome, Outcome::Failed, "{answer:?}");
    answer.failure.as_deref().unwrap_or_default()
}

#[test]
fn refusing_everything_clicks_reject_and_checks_the_page() {
    let mut page = Page::dialog();
    let (log, answer) = drive(&cmp(|_| {}), &refuse_all(), |c| page.reply(c));
    let json: Vec<Value> = log.iter().map(|c| serde_json::to_value(c).expect("serialises")).collect();
    assert_eq!(
        json,
        [
            json!({ "op": "probe", "probes": [{ "visible": ["#wall"], "check": "any" }] }),
            json!({ "op": "probe", "probes": [{ "visible": ["#cmp"], "check": "any" }] }),
            json!({ "op": "click", "target": ["#reject"], "all": false }),
            json!({ "op": "wait", "until": { "visible": ["#cmp"], "check": "any" }, "want": false, "timeoutMs": 1000 }),
            json!({ "op": "probe", "probes": [{ "visible": ["body.locked"], "check": "any" }] }),
        ]
    );
    assert_eq!(page.clicks, ["#reject"]);
    assert_eq!(
        serde_json::to_value(&answer).expect("serialises"),
        json!({
            "rule": "cmp", "vendor": "A CMP", "outcome": "answered", "path": "refuseAll", "reason": "everything optional refused",
            "choices": [], "failure": null, "commands": 5
        })
    );
}

#[test]
fn accepting_everything_clicks_accept() {
    let mut page = Page::dialog();
    let answer = run(&cmp(|_| {}), &accept_all(), &mut page);
    assert_eq!((answer.outcome, answer.path), (Outcome::Answered, Some(Path::AcceptAll)));
    assert_eq!(page.clicks, ["#accept"]);
}

#[test]
fn a_mixed_person_sets_each_switch_then_saves() {
    let mut page = Page::dialog();
    page.switches.extend([("#stats".to_owned(), false), ("#ads".to_owned(), true)]);
    let (log, answer) = drive(&cmp(|_| {}), &mixed(), |c| page.reply(c));
    assert_eq!(
        serde_json::to_value(&log[3]).expect("serialises"),
        json!({ "op": "set", "target": ["#stats"], "kind": "checkbox", "on": true, "off": null })
    );
    assert_eq!(page.clicks, ["#settings", "#stats", "#ads", "#save"]);
    assert_eq!((answer.outcome, answer.path), (Outcome::Answered, Some(Path::Custom)));
    assert_eq!(
        serde_json::to_value(&answer.choices).expect("serialises"),
        json!([
            { "what": "category statistics", "wanted": true, "result": "set" },
            { "what": "category marketing", "wanted": false, "result": "set" },
            { "what": "category socialMedia", "wanted": false, "result": "absent" }
        ])
    );
}

#[test]
fn switches_already_right_are_left_alone() {
    let mut page = Page::dialog();
    page.switches.extend([("#stats".to_owned(), true), ("#ads".to_owned(), false), ("#social".to_owned(), false)]);
    let answer = run(&cmp(|_| {}), &mixed(), &mut page);
    assert_eq!(page.clicks, ["#settings", "#save"]);
    assert!(answer.choices.iter().all(|c| c.result == ChoiceResult::Already), "{:?}", answer.choices);
}

#[test]
fn a_settings_layer_without_any_switch_fails() {
    let mut page = Page::dialog();
    let answer = run(&cmp(|_| {}), &mixed(), &mut page);
    assert_eq!(failure(&answer), "custom: none of its 3 switches is on the page");
    assert_eq!(answer.path, Some(Path::Custom));
    assert_eq!(page.clicks, ["#settings"], "nothing saved");
}

#[test]
fn a_switch_stuck_on_is_never_saved() {
    let mut page = Page::dialog();
    page.switches.extend([("#stats".to_owned(), false), ("#ads".to_owned(), true)]);
    page.stuck.insert("#ads".into());
    let answer = run(&cmp(|_| {}), &mixed(), &mut page);
    assert_eq!(failure(&answer), "custom switch 2 (category marketing, \"#ads\"): wanted off, still on");
    assert_eq!(answer.choices.last().map(|c| c.result), Some(ChoiceResult::Mismatch));
    assert!(!page.clicks.contains(&"#save".to_owned()));
}

#[test]
fn a_switch_stuck_off_is_recorded_and_the_answer_goes_on() {
    let mut page = Page::dialog();
    page.switches.extend([("#stats".to_owned(), false), ("#ads".to_owned(), false)]);
    page.stuck.insert("#stats".into());
    let answer = run(&cmp(|_| {}), &mixed(), &mut page);
    assert_eq!(answer.outcome, Outcome::Answered);
    assert_eq!(answer.choices[0].result, ChoiceResult::Mismatch);
    assert_eq!(page.clicks.last().map(String::as_str), Some("#save"));
}

#[test]
fn a_switch_readable_only_after_its_click_counts_as_set() {
    // A radio pair with neither button chosen: the executor clicks the wished one.
    let mut page = Page::dialog();
    let (_, answer) = drive(&cmp(|_| {}), &mixed(), |c| match c {
        Command::Set { on, .. } => Reply::Set { was: None, now: Some(*on) },
        other => page.reply(other),
    });
    assert_eq!(answer.outcome, Outcome::Answered);
    assert!(answer.choices.iter().all(|c| c.result == ChoiceResult::Set), "{:?}", answer.choices);
}

#[test]
fn a_pay_or_consent_wall_is_reported_not_answered() {
    let mut page = Page::dialog();
    page.visible.insert("#wall".into());
    let (log, answer) = drive(&cmp(|_| {}), &refuse_all(), |c| page.reply(c));
    assert_eq!((answer.outcome, answer.path, log.len()), (Outcome::PayOrConsent, None, 1));
    assert!(page.clicks.is_empty());
}

#[test]
fn a_dialog_present_but_hidden_is_not_showing() {
    let mut page = Page::dialog();
    page.visible.remove("#cmp");
    page.hidden.insert("#cmp".into());
    let answer = run(&cmp(|_| {}), &refuse_all(), &mut page);
    assert_eq!((answer.outcome, answer.path, answer.failure), (Outcome::NotShowing, None, None));
    assert!(page.clicks.is_empty());
}

#[test]
fn a_page_left_locked_fails_the_answer() {
    let mut page = Page::dialog();
    page.removes.insert("#reject".into(), vec!["#cmp".into()]);
    let answer = run(&cmp(|_| {}), &refuse_all(), &mut page);
    assert_eq!(failure(&answer), "left the page locked: \"body.locked\" still shown");
    assert_eq!(answer.path, Some(Path::RefuseAll));
}

#[test]
fn a_click_on_nothing_fails_unless_optional() {
    let mut page = Page::dialog();
    page.visible.remove("#reject");
    let r = cmp(|v| v["refuseAll"] = json!([{ "click": "#close", "optional": true }, { "click": "#reject" }]));
    let answer = run(&r, &refuse_all(), &mut page);
    assert_eq!(failure(&answer), "refuseAll step 2 (click \"#reject\"): nothing matched");
    assert_eq!(answer.commands, 4, "done and unlock are not run after a failure");
}

#[test]
fn timeouts_fail_wait_steps() {
    let mut page = Page::dialog();
    let r = cmp(|v| v["refuseAll"] = json!([{ "waitForThenClick": "#late", "timeout": 500 }]));
    let (log, answer) = drive(&r, &refuse_all(), |c| page.reply(c));
    assert_eq!(
        log[2],
        Command::Wait { until: Probe::Exists { exists: Selector::new(["#late"]).expect("a selector") }, want: true, timeout_ms: 500 }
    );
    assert_eq!(failure(&answer), "refuseAll step 1 (waitForThenClick \"#late\"): not there after 500 ms");

    let mut page = Page::dialog();
    page.removes.remove("#reject");
    let answer = run(&cmp(|_| {}), &refuse_all(), &mut page);
    assert_eq!(failure(&answer), "done step 1 (waitForGone \"#cmp\"): still shown after 1000 ms");
}

#[test]
fn any_takes_the_first_step_that_succeeds() {
    let any = json!([{ "any": [{ "click": "#gone" }, { "waitFor": "#reject", "visible": true, "timeout": 0 }, { "click": "#never" }] }, { "click": "#reject" }]);
    let mut page = Page::dialog();
    let answer = run(&cmp(|v| v["refuseAll"] = any), &refuse_all(), &mut page);
    assert_eq!(answer.outcome, Outcome::Answered, "a failing option does not fail the answer");
    assert_eq!(page.clicks, ["#reject"], "#never is not tried");

    let mut page = Page::dialog();
    let answer = run(
        &cmp(|v| v["refuseAll"] = json!([{ "any": [{ "click": "#a" }, { "wait": 10 }, { "click": "#b" }] }])),
        &refuse_all(),
        &mut page,
    );
    assert_eq!(answer.outcome, Outcome::Failed, "a wait succeeds, but no dialog was closed: {answer:?}");
    assert_eq!(failure(&answer), "done step 1 (waitForGone \"#cmp\"): still shown after 1000 ms");

    let mut page = Page::dialog();
    let answer =
        run(&cmp(|v| v["refuseAll"] = json!([{ "any": [{ "click": "#a" }, { "click": ["#host", "#b"] }] }])), &refuse_all(), &mut page);
    assert_eq!(
        failure(&answer),
        "refuseAll step 1 (any of 2 steps): no step succeeded: 1 (click \"#a\"): nothing matched; 2 (click [\"#host\", \"#b\"]): nothing matched"
    );
}

#[test]
fn if_runs_the_branch_its_condition_picks() {
    let steps = json!([{ "if": { "not": { "exists": "#more" } }, "then": [{ "click": "#reject" }], "else": [{ "click": "#more" }, { "click": "#reject-2" }] }]);
    let mut page = Page::dialog();
    let answer = run(&cmp(|v| v["refuseAll"] = steps.clone()), &refuse_all(), &mut page);
    assert_eq!((answer.outcome, page.clicks.as_slice()), (Outcome::Answered, &["#reject".to_owned()][..]));

    let mut page = Page::dialog();
    page.visible.insert("#more".into());
    let answer = run(&cmp(|v| v["refuseAll"] = steps), &refuse_all(), &mut page);
    assert_eq!(failure(&answer), "refuseAll step 1 (if not exists \"#more\"): else step 2 (click \"#reject-2\"): nothing matched");
    assert_eq!(page.clicks, ["#more"]);
}

#[test]
fn set_steps_fail_when_the_switch_does_not_follow() {
    let steps = json!([{ "set": "#legit", "on": false, "kind": "aria" }, { "hide": "#cmp" }, { "wait": 100 }, { "click": "#reject" }]);
    let mut page = Page::dialog();
    page.switches.insert("#legit".into(), true);
    let (log, answer) = drive(&cmp(|v| v["refuseAll"] = steps.clone()), &refuse_all(), |c| page.reply(c));
    assert_eq!(answer.outcome, Outcome::Answered);
    assert_eq!(serde_json::to_value(&log[3]).expect("serialises"), json!({ "op": "hide", "target": ["#cmp"] }));
    assert_eq!(serde_json::to_value(&log[4]).expect("serialises"), json!({ "op": "sleep", "ms": 100 }));

    let mut page = Page::dialog();
    page.switches.insert("#legit".into(), true);
    page.stuck.insert("#legit".into());
    let answer = run(&cmp(|v| v["refuseAll"] = steps.clone()), &refuse_all(), &mut page);
    assert_eq!(failure(&answer), "refuseAll step 1 (set \"#legit\" off): still on");

    let answer = run(&cmp(|v| v["refuseAll"] = steps), &refuse_all(), &mut Page::dialog());
    assert_eq!(failure(&answer), "refuseAll step 1 (set \"#legit\" off): not found");
}

#[test]
fn a_dialog_that_can_only_be_accepted_is_left_to_the_person() {
    let r = cmp(|v| {
        let map = v.as_object_mut().expect("an object");
        map.remove("refuseAll");
        map.remove("custom");
    });
    let mut page = Page::dialog();
    let answer = run(&r, &refuse_all(), &mut page);
    assert_eq!(answer.path, None);
    assert!(failure(&answer).starts_with("no answer: everything optional refused, but this dialog can only be accepted"));
    assert!(page.clicks.is_empty());
}

#[test]
fn sessions_give_up_past_the_command_cap() {
    let many: Vec<Value> = (0..250).map(|_| json!({ "hide": "#cmp" })).collect();
    let mut page = Page::dialog();
    let (log, answer) = drive(&cmp(|v| v["refuseAll"] = Value::Array(many)), &refuse_all(), |c| page.reply(c));
    assert_eq!(log.len(), MAX_COMMANDS as usize);
    assert_eq!(failure(&answer), format!("gave up after {MAX_COMMANDS} commands"));
    assert_eq!(answer.commands, MAX_COMMANDS);
}

#[test]
fn a_reply_of_the_wrong_shape_ends_the_session() {
    let r = cmp(|_| {});
    let mut s = Session::start(&r, &refuse_all());
    assert_eq!(s.next(None).op(), "probe");
    let Command::Done { answer } = s.next(Some(Reply::Clicked { clicked: 1 })) else { panic!("not done") };
    assert_eq!(
        failure(&answer),
        "the executor's reply to probe has the wrong shape: {\"clicked\":1} (expected {\"results\": [one true|false per probe, null only for state]})"
    );
    assert_eq!(s.next(Some(Reply::Slept {})), Command::Done { answer: answer.clone() }, "over is over");
    assert_eq!(s.abort("late").op(), "done");
    assert_eq!(s.answer(), Some(&answer));

    for bad in [Reply::Probed { results: vec![] }, Reply::Probed { results: vec![None] }, Reply::Probed { results: vec![Some(false); 2] }] {
        let mut s = Session::start(&r, &refuse_all());
        s.next(None);
        let Command::Done { answer } = s.next(Some(bad.clone())) else { panic!("not done after {bad:?}") };
        assert!(failure(&answer).contains("wrong shape"), "{bad:?}");
    }

    let mut s = Session::start(&r, &refuse_all());
    let Command::Done { answer } = s.next(Some(Reply::Slept {})) else { panic!("not done") };
    assert_eq!(failure(&answer), "the executor replied before any command");
    let mut s = Session::start(&r, &refuse_all());
    s.next(None);
    let Command::Done { answer } = s.next(None) else { panic!("not done") };
    assert_eq!((failure(&answer), answer.commands), ("the executor did not reply to the last command", 1));
}

#[test]
fn abort_keeps_what_was_done() {
    let mut page = Page::dialog();
    page.switches.extend([("#stats".to_owned(), false), ("#ads".to_owned(), true)]);
    let mut s = Session::start(&cmp(|_| {}), &mixed());
    let mut command = s.next(None);
    for _ in 0..4 {
        command = s.next(Some(page.reply(&command)));
    }
    let Command::Done { answer } = s.abort("the frame went away") else { panic!("not done") };
    assert_eq!((failure(&answer), answer.path, answer.commands), ("the frame went away", Some(Path::Custom), 5));
    assert_eq!(answer.choices.len(), 1, "the first switch was set");
}

#[test]
fn replies_are_read_strictly() {
    let read = |s: &str| serde_json::from_str::<Reply>(s).map_err(|e| e.to_string());
    assert_eq!(read(r#"{"results":[true,false,null]}"#), Ok(Reply::Probed { results: vec![Some(true), Some(false), None] }));
    assert_eq!(read(r#"{"clicked":2}"#), Ok(Reply::Clicked { clicked: 2 }));
    assert_eq!(read(r#"{"now":true,"was":null}"#), Ok(Reply::Set { was: None, now: Some(true) }));
    assert_eq!(read(r#"{"met":false}"#), Ok(Reply::Waited { met: false }));
    assert_eq!(read(r#"{"hidden":0}"#), Ok(Reply::Hidden { hidden: 0 }));
    assert_eq!(read("{}"), Ok(Reply::Slept {}));
    for bad in
        [r#"{"clicked":-1}"#, r#"{"clicked":1,"extra":0}"#, r#"{"was":true}"#, r#"{"results":[1]}"#, r#"{"met":"yes"}"#, "[]", "null"]
    {
        assert!(read(bad).is_err_and(|e| e.starts_with("not a reply: ")), "{bad}");
    }
    for reply in [Reply::Probed { results: vec![Some(true), None] }, Reply::Set { was: Some(false), now: None }, Reply::Slept {}] {
        let json = serde_json::to_string(&reply).expect("serialises");
        assert_eq!(read(&json), Ok(reply));
    }
}

#[test]
fn probes_serialise_as_the_executor_reads_them() {
    let s = Selector::new(["#host", "#x"]).expect("a chain");
    let cases = [
        (Probe::Exists { exists: s.clone() }, json!({ "exists": ["#host", "#x"] })),
        (Probe::Visible { visible: s.clone(), check: Check::All }, json!({ "visible": ["#host", "#x"], "check": "all" })),
        (Probe::Visible { visible: s.clone(), check: Check::None }, json!({ "visible": ["#host", "#x"], "check": "none" })),
        (Probe::State { state: s.clone(), kind: Kind::Class("on".into()) }, json!({ "state": ["#host", "#x"], "kind": { "class": "on" } })),
    ];
    for (probe, expected) in cases {
        assert_eq!(serde_json::to_value(&probe).expect("serialises"), expected);
    }
    let set = Command::Set { target: s.clone(), kind: Kind::Radio, on: false, off: Selector::new(["#host", "#no"]) };
    assert_eq!(
        serde_json::to_value(&set).expect("serialises"),
        json!({ "op": "set", "target": ["#host", "#x"], "kind": "radio", "on": false, "off": ["#host", "#no"] })
    );
    assert_eq!(serde_json::to_value(Command::Click { target: s, all: true }).expect("serialises")["all"], json!(true));
}

/// Replies of every shape, plausible ones more often.
fn any_reply() -> impl Strategy<Value = Reply> {
    let maybe = prop_oneof![Just(None), any::<bool>().prop_map(Some)];
    prop_oneof![
        prop::collection::vec(maybe.clone(), 0..3).prop_map(|results| Reply::Probed { results }),
        prop::collection::vec(any::<bool>().prop_map(Some), 1..2).prop_map(|results| Reply::Probed { results }),
        (0u32..3).prop_map(|clicked| Reply::Clicked { clicked }),
        (maybe.clone(), maybe).prop_map(|(was, now)| Reply::Set { was, now }),
        any::<bool>().prop_map(|met| Reply::Waited { met }),
        (0u32..3).prop_map(|hidden| Reply::Hidden { hidden }),
        Just(Reply::Slept {}),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_replies_end_the_session_within_the_cap(replies in prop::collection::vec(any_reply(), 0..40), terms in 0..3u8) {
        let terms = [refuse_all(), accept_all(), mixed()][usize::from(terms)].clone();
        let steps = json!([
            { "any": [{ "click": "#a" }, { "waitForThenClick": "#b", "visible": true }, { "set": "#c", "on": true, "kind": "aria" }] },
            { "if": { "visible": "#d" }, "then": [{ "hide": "#d" }, { "wait": 5 }], "else": [{ "click": "#e", "all": true, "optional": true }] },
            { "waitFor": "#f" }
        ]);
        let r = cmp(|v| {
            v["refuseAll"] = steps.clone();
            v["acceptAll"] = steps.clone();
            v["custom"]["open"] = steps;
        });
        let mut s = Session::start(&r, &terms);
        let mut replies = replies.into_iter();
        let mut reply = None;
        let mut calls = 0;
        loop {
            calls += 1;
            prop_assert!(calls <= MAX_COMMANDS + 1);
            match s.next(reply.take()) {
                Command::Done { answer } => {
                    prop_assert_eq!(s.answer(), Some(&answer));
                    break;
                }
                _ => reply = Some(replies.next().unwrap_or(Reply::Slept {})),
            }
        }
    }
}

#[test]
fn a_page_that_goes_away_after_the_answer_counts_as_answered_and_before_it_as_failed() {
    // Gone once the refusal was clicked (the site reloads at once): answered.
    let mut page = Page::dialog();
    let rule = cmp(|_| {});
    let mut session = Session::start(&rule, &refuse_all());
    let mut command = session.next(None);
    while !matches!(command, Command::Click { .. }) {
        let reply = page.reply(&command);
        command = session.next(Some(reply));
    }
    let reply = page.reply(&command);
    session.next(Some(reply)); // the click's reply; `done` and `unlock` would follow
    let Command::Done { answer } = session.page_gone() else { panic!("page_gone ends the session") };
    assert_eq!((answer.outcome, answer.path), (Outcome::Answered, Some(Path::RefuseAll)));

    // Gone before anything was clicked: failed, and it says why.
    let mut session = Session::start(&rule, &refuse_all());
    session.next(None);
    let Command::Done { answer } = session.page_gone() else { panic!("page_gone ends the session") };
    assert_eq!(failure(&answer), "the page went away before the answer was complete");
}
