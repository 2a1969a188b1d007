//! Unit tests of the rule reader: the documented example, one test per validation error (each
//! asserting the path it names), the rule set's all-or-nothing and replace semantics, frame
//! filtering, and a property: no input makes `RuleSet::load` panic.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

/// The example of `docs/consent-rules.md`.
const COOKIEBOT: &str = r##"{
  "name": "cookiebot",
  "vendor": "Cookiebot",
  "cmpIds": [134],
  "runs": { "frame": "top" },
  "detect": {
    "present": ["#CybotCookiebotDialog"],
    "showing": ["#CybotCookiebotDialog"]
  },
  "prehide": ["#CybotCookiebotDialog", "#CybotCookiebotDialogBodyUnderlay"],
  "payOrConsent": [],
  "refuseAll": [{ "click": "#CybotCookiebotDialogBodyButtonDecline" }],
  "acceptAll": [{ "click": "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" }],
  "custom": {
    "open": [{ "click": "#CybotCookiebotDialogBodyButtonDetails", "optional": true }],
    "toggles": [
      { "control": "#CybotCookiebotDialogBodyLevelButtonPreferences", "category": "preferences" },
      { "control": "#CybotCookiebotDialogBodyLevelButtonStatistics", "category": "statistics" },
      { "control": "#CybotCookiebotDialogBodyLevelButtonMarketing", "category": "marketing" }
    ],
    "save": [{ "click": "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection" }]
  },
  "done": [{ "waitForGone": "#CybotCookiebotDialog" }],
  "unlock": ["body.CybotCookiebotDialogActive"]
}"##;

fn sel(s: &str) -> Selector {
    Selector::new([s]).expect("a selector")
}

/// A small valid rule named `cmp`, with a settings layer of three toggles.
fn base() -> Value {
    json!({
        "name": "cmp",
        "vendor": "A CMP",
        "detect": { "present": ["#cmp"] },
        "refuseAll": [{ "click": "#reject" }],
        "custom": {
            "toggles": [
                { "control": "#stats", "category": "statistics" },
                { "control": "#ads", "tcf": [2, 7] },
                { "control": "#li", "legitimateInterest": true }
            ]
        }
    })
}

fn load(json: &str) -> Result<usize, RuleError> {
    RuleSet::default().load("cmp.json", json)
}

/// `edit` applied to [`base`] is refused at `path` with a message containing `message`.
fn refused(edit: impl FnOnce(&mut Value), path: &str, message: &str) {
    let mut rule = base();
    edit(&mut rule);
    let e = load(&rule.to_string()).expect_err("refused");
    assert_eq!((e.file.as_str(), e.path.as_str()), ("cmp.json", path), "{e}");
    assert!(e.message.contains(message), "{e}");
    assert!(e.to_string().starts_with(&format!("cmp.json: {path}")), "{e}");
}

/// Sets the value at a `/`-separated JSON pointer (creating the last key).
fn put(rule: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    let target = rule.pointer_mut(parent).expect("the parent exists");
    match target {
        Value::Object(map) => {
            map.insert(key.to_owned(), value);
        }
        Value::Array(items) => items[key.parse::<usize>().expect("an index")] = value,
        _ => panic!("{pointer}"),
    }
}

fn drop_key(rule: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("a pointer");
    rule.pointer_mut(parent).and_then(Value::as_object_mut).expect("an object").remove(key);
}

macro_rules! refused {
    ($($test:ident: $pointer:literal = $value:expr => $path:literal, $message:literal;)+) => {
        $(
            #[test]
            fn $test() {
                refused(|r| put(r, $pointer, $value), $path, $message);
            }
        )+
    };
}

refused! {
    name_must_match_the_pattern: "/name" = json!("Cookie Bot") => "name", "is not a rule name";
    name_must_not_start_with_a_dash: "/name" = json!("-cmp") => "name", "is not a rule name";
    name_must_be_a_string: "/name" = json!(7) => "name", "expected a string";
    unknown_fields_are_refused: "/colour" = json!("red") => "cmp.colour", "unknown field in a rule";
    vendor_must_not_be_empty: "/vendor" = json!(" ") => "cmp.vendor", "empty vendor name";
    cmp_ids_are_in_range: "/cmpIds" = json!([134, 0]) => "cmp.cmpIds[1]", "a CMP id (1–4095)";
    frame_is_top_child_or_any: "/runs" = json!({ "frame": "parent" }) => "cmp.runs.frame", "top, child or any";
    urls_must_compile: "/runs" = json!({ "urls": "^https://(" }) => "cmp.runs.urls", "not a regular expression";
    runs_has_no_other_field: "/runs" = json!({ "url": "x" }) => "cmp.runs.url", "unknown field in runs";
    present_is_needed: "/detect" = json!({ "showing": ["#cmp"] }) => "cmp.detect.present", "missing";
    present_is_not_empty: "/detect/present" = json!([]) => "cmp.detect.present", "at least one selector";
    present_is_a_list: "/detect/present" = json!("#cmp") => "cmp.detect.present", "a list of selectors";
    selectors_are_not_empty: "/detect/present" = json!(["#cmp", "  "]) => "cmp.detect.present[1]", "empty selector";
    chains_are_not_empty: "/detect/present" = json!([[]]) => "cmp.detect.present[0]", "empty selector chain";
    chain_elements_are_not_empty: "/detect/showing" = json!([["#host", ""]]) => "cmp.detect.showing[0][1]", "empty selector";
    chain_elements_are_strings: "/detect/showing" = json!([["#host", 3]]) => "cmp.detect.showing[0][1]", "expected a string";
    selectors_are_strings_or_chains: "/payOrConsent" = json!([{ "css": "#wall" }]) => "cmp.payOrConsent[0]", "a selector";
    prehide_takes_no_chains: "/prehide" = json!(["#cmp", ["#host", "#x"]]) => "cmp.prehide[1]", "plain CSS selectors only";
    prehide_takes_no_xpath: "/prehide" = json!(["xpath///div"]) => "cmp.prehide[0]", "an XPath";
    refuse_all_is_not_empty: "/refuseAll" = json!([]) => "cmp.refuseAll", "no steps";
    steps_are_objects: "/refuseAll" = json!(["#reject"]) => "cmp.refuseAll[0]", "a step (an object)";
    unknown_steps_are_named: "/refuseAll/0" = json!({ "clik": "#reject" }) => "cmp.refuseAll[0].clik", "unknown step";
    a_step_has_an_action: "/refuseAll/0" = json!({ "optional": true }) => "cmp.refuseAll[0]", "no action";
    a_step_has_one_action: "/refuseAll/0" = json!({ "click": "#a", "hide": "#b" }) => "cmp.refuseAll[0]", "two actions, click and hide";
    step_options_are_checked: "/refuseAll/0" = json!({ "click": "#a", "timeout": 5 }) => "cmp.refuseAll[0].timeout", "unknown field in a click step";
    step_flags_are_booleans: "/refuseAll/0" = json!({ "click": "#a", "all": "yes" }) => "cmp.refuseAll[0].all", "true or false";
    click_needs_a_selector: "/refuseAll/0" = json!({ "click": "" }) => "cmp.refuseAll[0].click", "empty selector";
    timeouts_are_capped: "/refuseAll/0" = json!({ "waitFor": "#a", "timeout": 20000 }) => "cmp.refuseAll[0].timeout", "20000 ms is over the limit of 10000 ms";
    timeouts_are_numbers: "/refuseAll/0" = json!({ "waitForGone": "#a", "timeout": "2s" }) => "cmp.refuseAll[0].timeout", "a number of milliseconds";
    waits_are_capped: "/refuseAll/0" = json!({ "wait": 2500 }) => "cmp.refuseAll[0].wait", "2500 ms is over the limit of 2000 ms";
    conditions_have_one_test: "/refuseAll/0" = json!({ "if": { "exists": "#a", "visible": "#b" } }) => "cmp.refuseAll[0].if", "one of exists, visible, not";
    conditions_are_not_empty: "/refuseAll/0" = json!({ "if": {} }) => "cmp.refuseAll[0].if", "empty condition";
    nested_conditions_are_checked: "/refuseAll/0" = json!({ "if": { "not": { "exist": "#a" } } }) => "cmp.refuseAll[0].if.not.exist", "unknown field in a condition";
    branches_are_checked: "/refuseAll/0" = json!({ "if": { "exists": "#a" }, "then": [{ "click": "#a" }, { "wait": -1 }] }) => "cmp.refuseAll[0].then[1].wait", "a number of milliseconds";
    any_needs_steps: "/refuseAll/0" = json!({ "any": [] }) => "cmp.refuseAll[0].any", "no steps";
    set_needs_on: "/refuseAll/0" = json!({ "set": "#a" }) => "cmp.refuseAll[0].on", "missing";
    set_radio_needs_off: "/refuseAll/0" = json!({ "set": "#yes", "on": false, "kind": "radio" }) => "cmp.refuseAll[0].kind", "radio needs off";
    done_steps_are_checked: "/done" = json!([{ "waitForGone": "#cmp", "visible": true }]) => "cmp.done[0].visible", "unknown field in a waitForGone step";
    reopen_is_call_or_click: "/reopen" = json!({ "args": [] }) => "cmp.reopen", "either call or click";
    reopen_is_not_both: "/reopen" = json!({ "call": "A.b", "click": "#a" }) => "cmp.reopen", "either call or click";
    reopen_calls_a_path_of_names: "/reopen" = json!({ "call": "window['x']()" }) => "cmp.reopen.call", "is not a function's path";
    reopen_paths_are_short: "/reopen" = json!({ "call": "a.b.c.d.e" }) => "cmp.reopen.call", "up to 4 names";
    reopen_args_are_literals: "/reopen" = json!({ "call": "__cmp", "args": [{ "f": 1 }] }) => "cmp.reopen.args[0]", "a string, number or boolean";
    reopen_args_are_few: "/reopen" = json!({ "call": "__cmp", "args": [1, 2, 3, 4, 5] }) => "cmp.reopen.args", "more than 4 arguments";
    reopen_click_takes_no_args: "/reopen" = json!({ "click": "#a", "args": [] }) => "cmp.reopen.args", "only with call";
    reopen_click_is_css: "/reopen" = json!({ "click": "xpath///a" }) => "cmp.reopen.click", "a plain CSS selector";
    toggle_controls_are_not_empty: "/custom/toggles/2/control" = json!("") => "cmp.custom.toggles[2].control", "empty selector";
    toggles_need_a_mapping: "/custom/toggles/0" = json!({ "control": "#x" }) => "cmp.custom.toggles[0]", "no mapping";
    toggles_have_one_mapping: "/custom/toggles/0" = json!({ "control": "#x", "tcf": [1], "category": "marketing" }) => "cmp.custom.toggles[0]", "two mappings, tcf and category";
    toggles_with_false_li_need_a_mapping: "/custom/toggles/2/legitimateInterest" = json!(false) => "cmp.custom.toggles[2]", "no mapping";
    tcf_ids_are_1_to_11: "/custom/toggles/1/tcf" = json!([2, 12]) => "cmp.custom.toggles[1].tcf[1]", "a TCF purpose id (1–11)";
    tcf_ids_are_not_repeated: "/custom/toggles/1/tcf" = json!([7, 7]) => "cmp.custom.toggles[1].tcf[1]", "TCF purpose 7 twice";
    tcf_lists_are_not_empty: "/custom/toggles/1/tcf" = json!([]) => "cmp.custom.toggles[1].tcf", "empty list";
    special_features_are_1_to_2: "/custom/toggles/1" = json!({ "control": "#geo", "specialFeatures": [3] }) => "cmp.custom.toggles[1].specialFeatures[0]", "a special feature id (1–2)";
    categories_exist: "/custom/toggles/0/category" = json!("analytics") => "cmp.custom.toggles[0].category", "unknown category \"analytics\"";
    purpose_keys_exist: "/custom/toggles/0" = json!({ "control": "#x", "purposes": ["adMeasurement", "cookies"] }) => "cmp.custom.toggles[0].purposes[1]", "unknown purpose \"cookies\"";
    special_features_have_no_li: "/custom/toggles/0" = json!({ "control": "#x", "specialFeatures": [1], "legitimateInterest": true }) => "cmp.custom.toggles[0].legitimateInterest", "no legitimate interest";
    kinds_are_known: "/custom/toggles/0/kind" = json!("switch") => "cmp.custom.toggles[0].kind", "unknown kind \"switch\"";
    class_kinds_name_a_class: "/custom/toggles/0/kind" = json!("class:") => "cmp.custom.toggles[0].kind", "class:NAME takes one class name";
    radio_needs_off: "/custom/toggles/0/kind" = json!("radio") => "cmp.custom.toggles[0].kind", "radio needs off";
    off_is_for_radios_only: "/custom/toggles/0/off" = json!("#no") => "cmp.custom.toggles[0].off", "off applies to kind radio only";
    toggles_have_no_other_field: "/custom/toggles/0/label" = json!("Stats") => "cmp.custom.toggles[0].label", "unknown field in a toggle";
    custom_has_no_other_field: "/custom/close" = json!([]) => "cmp.custom.close", "unknown field in custom";
    custom_needs_switches: "/custom" = json!({ "save": [{ "click": "#save" }] }) => "cmp.custom", "no switches";
    templates_need_an_id: "/custom/tcfPurposes" = json!({ "consent": ".purpose" }) => "cmp.custom.tcfPurposes.consent", "no {id} in the template";
    templates_are_given: "/custom/tcfPurposes" = json!({ "kind": "aria" }) => "cmp.custom.tcfPurposes", "no template";
    templates_are_not_radios: "/custom/tcfPurposes" = json!({ "consent": "#p{id}", "kind": "radio" }) => "cmp.custom.tcfPurposes.kind", "radio cannot be templated";
    keeps_li_is_a_boolean: "/refuseAllKeepsLegitimateInterest" = json!(1) => "cmp.refuseAllKeepsLegitimateInterest", "true or false";
}

#[test]
fn names_are_needed() {
    refused(|r| drop_key(r, "/name"), "name", "missing");
}

#[test]
fn vendors_are_needed() {
    refused(|r| drop_key(r, "/vendor"), "cmp.vendor", "missing");
}

#[test]
fn detect_is_needed() {
    refused(|r| drop_key(r, "/detect"), "cmp.detect", "missing");
}

#[test]
fn a_rule_needs_a_way_to_answer() {
    refused(
        |r| {
            drop_key(r, "/refuseAll");
            drop_key(r, "/custom");
        },
        "cmp",
        "no answer: a rule needs refuseAll, acceptAll or custom",
    );
}

#[test]
fn whole_files_are_checked() {
    let e = load("{\"name\": ").expect_err("refused");
    assert_eq!(e.path, "");
    assert!(e.to_string().starts_with("cmp.json: not JSON: EOF while parsing"), "{e}");
    let e = load("\"cmp\"").expect_err("refused");
    assert_eq!(e.to_string(), "cmp.json: expected a rule (an object) or an array of rules, found \"cmp\"");
    let e = load(&json!([base(), { "vendor": "nameless" }]).to_string()).expect_err("refused");
    assert_eq!(e.to_string(), "cmp.json: [1].name: missing");
    let e = load(&json!([base(), 3]).to_string()).expect_err("refused");
    assert_eq!(e.path, "[1]");
    let e = load(&json!([base(), base()]).to_string()).expect_err("refused");
    assert_eq!(e.to_string(), "cmp.json: cmp: a second rule of this name in the same file");
    assert_eq!(load("[]"), Ok(0));
}

#[test]
fn the_documented_example_loads() {
    let mut set = RuleSet::default();
    assert_eq!(set.load("cookiebot.json", COOKIEBOT), Ok(1));
    let r = set.get("cookiebot").expect("loaded");
    assert_eq!((r.vendor.as_str(), r.cmp_ids.as_slice(), r.runs.frame), ("Cookiebot", &[134u16][..], FrameScope::Top));
    assert_eq!(r.detect.showing, [sel("#CybotCookiebotDialog")]);
    assert_eq!(r.prehide, ["#CybotCookiebotDialog", "#CybotCookiebotDialogBodyUnderlay"]);
    assert!(r.pay_or_consent.is_empty() && !r.refuse_all_keeps_legitimate_interest);
    let refuse = r.refuse_all.as_deref().expect("refuseAll");
    assert_eq!(
        refuse,
        [Step { action: Action::Click { target: sel("#CybotCookiebotDialogBodyButtonDecline"), all: false }, optional: false }]
    );
    let custom = r.custom.as_ref().expect("custom");
    assert!(custom.open[0].optional);
    assert_eq!(custom.toggles.len(), 3);
    assert_eq!(custom.toggles[1].mapping, Some(Mapping::Category(CmpCategory::Statistics)));
    assert_eq!(custom.toggles[1].kind, Kind::Checkbox);
    assert_eq!(r.done, [Step { action: Action::WaitForGone { target: sel("#CybotCookiebotDialog"), timeout_ms: 2000 }, optional: false }]);
    assert_eq!(r.unlock, [sel("body.CybotCookiebotDialogActive")]);
    assert_eq!(Rule::from_json(COOKIEBOT).expect("valid")[0].name, "cookiebot");
}

#[test]
fn every_step_and_option_reads() {
    let rule = json!({
        "name": "all-steps",
        "vendor": "Everything",
        "runs": { "frame": "any", "urls": "^https://cmp\\.example/" },
        "detect": { "present": [["#host", "#dialog"]] },
        "acceptAll": [
            { "click": "#a", "all": true, "optional": true },
            { "waitFor": "#b", "visible": true, "timeout": 10000 },
            { "waitForGone": "#c", "timeout": 0 },
            { "waitForThenClick": ["#host", "#d"], "all": true },
            { "wait": 2000 },
            { "hide": "#e" },
            { "if": { "not": { "visible": "#f" } }, "else": [{ "click": "#g" }] },
            { "any": [{ "click": "#h" }, { "set": "#i", "on": true, "kind": "class:is-on" }] },
            { "set": ["#host", "#yes"], "on": false, "kind": "radio", "off": "#no" }
        ],
        "custom": {
            "toggles": [
                { "control": "#p", "purposes": ["adMeasurement", "contentMeasurement"], "kind": "aria" },
                { "control": "#geo", "specialFeatures": [2, 1] },
                { "control": "#li7", "tcf": [7], "legitimateInterest": true }
            ],
            "tcfPurposes": { "consent": ["#host", "[data-id='{id}']"], "specialFeatures": "#sf{id}", "kind": "aria" }
        }
    });
    let rules = Rule::from_json(&rule.to_string()).expect("valid");
    let r = &rules[0];
    assert!(r.runs_in("https://cmp.example/x", true) && r.runs_in("https://cmp.example/x", false));
    assert!(!r.runs_in("https://other.example/", true));
    let steps = r.accept_all.as_deref().expect("acceptAll");
    let actions: Vec<&Action> = steps.iter().map(|s| &s.action).collect();
    assert_eq!(actions[0], &Action::Click { target: sel("#a"), all: true });
    assert!(steps[0].optional && !steps[1].optional);
    assert_eq!(actions[1], &Action::WaitFor { target: sel("#b"), visible: true, timeout_ms: 10_000 });
    assert_eq!(actions[2], &Action::WaitForGone { target: sel("#c"), timeout_ms: 0 });
    let chain = Selector::new(["#host", "#d"]).expect("a chain");
    assert_eq!(actions[3], &Action::WaitForThenClick { target: chain, visible: false, timeout_ms: 2000, all: true });
    assert_eq!(actions[4], &Action::Wait { ms: 2000 });
    assert_eq!(actions[5], &Action::Hide { target: sel("#e") });
    let Action::If { condition, then, otherwise } = actions[6] else { panic!("{:?}", actions[6]) };
    assert_eq!(condition, &Condition::Not(Box::new(Condition::Visible(sel("#f")))));
    assert!(then.is_empty() && otherwise.len() == 1);
    let Action::Any { steps: choices } = actions[7] else { panic!("{:?}", actions[7]) };
    assert_eq!(choices[1].action, Action::Set { target: sel("#i"), on: true, kind: Kind::Class("is-on".into()), off: None });
    let Action::Set { target, off: Some(off), .. } = actions[8] else { panic!("{:?}", actions[8]) };
    assert_eq!(target.sibling(off), Selector::new(["#host", "#no"]).expect("a chain"));
    let custom = r.custom.as_ref().expect("custom");
    assert_eq!(custom.toggles[0].mapping, Some(Mapping::Purposes(vec![Purpose::AdMeasurement, Purpose::ContentMeasurement])));
    assert_eq!(custom.toggles[1].mapping, Some(Mapping::SpecialFeatures(vec![1, 2])), "sorted");
    assert!(custom.toggles[2].legitimate_interest);
    let tcf = custom.tcf_purposes.as_ref().expect("tcfPurposes");
    assert_eq!(tcf.consent.as_ref().map(|t| t.with_id(7)), Selector::new(["#host", "[data-id='7']"]));
    assert!(tcf.legitimate_interest.is_none());
    assert_eq!(tcf.kind, Kind::Aria);
}

#[test]
fn reopen_reads_as_a_call_or_a_click() {
    let mut set = RuleSet::default();
    let mut rule = base();
    put(&mut rule, "/reopen", json!({ "call": "Osano.cm.showDrawer", "args": ["osano-cm-dom-info-dialog-open", 2, true] }));
    set.load("cmp.json", &rule.to_string()).expect("loads");
    let reopen = set.get("cmp").and_then(|r| r.reopen.clone());
    assert_eq!(
        reopen,
        Some(Reopen::Call {
            path: vec!["Osano".into(), "cm".into(), "showDrawer".into()],
            args: vec![json!("osano-cm-dom-info-dialog-open"), json!(2), json!(true)]
        })
    );
    assert_eq!(serde_json::to_value(&reopen).expect("serialises")["kind"], "call");
    put(&mut rule, "/reopen", json!({ "click": "#cmplz-manage-consent .cmplz-manage-consent" }));
    set.load("cmp.json", &rule.to_string()).expect("loads");
    assert_eq!(
        set.get("cmp").and_then(|r| r.reopen.clone()),
        Some(Reopen::Click { selector: "#cmplz-manage-consent .cmplz-manage-consent".into() })
    );
}

#[test]
fn a_bad_file_changes_nothing() {
    let mut set = RuleSet::default();
    assert_eq!(set.load("cookiebot.json", COOKIEBOT), Ok(1));
    let mut other = base();
    other["name"] = json!("other");
    let mut bad = base();
    bad["custom"]["toggles"][2]["control"] = json!("");
    let e = set.load("mixed.json", &json!([other, bad]).to_string()).expect_err("refused");
    assert_eq!(e.to_string(), "mixed.json: cmp.custom.toggles[2].control: empty selector");
    assert_eq!(set.len(), 1);
    assert!(set.get("other").is_none() && set.get("cmp").is_none());
    assert_eq!(set.load("more.json", &json!([other, base()]).to_string()), Ok(2), "the next file still loads");
    assert_eq!(set.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["cookiebot", "other", "cmp"]);
}

#[test]
fn a_later_rule_replaces_one_of_the_same_name_in_its_place() {
    let mut set = RuleSet::default();
    let mut first = base();
    first["name"] = json!("first");
    set.load("a.json", &json!([first, base()]).to_string()).expect("valid");
    let mut replacement = base();
    replacement["name"] = json!("first");
    replacement["vendor"] = json!("Replaced");
    assert_eq!(set.load("b.json", &replacement.to_string()), Ok(1));
    assert_eq!(set.len(), 2);
    assert!(!set.is_empty());
    assert_eq!(set.get("first").map(|r| r.vendor.as_str()), Some("Replaced"));
    assert_eq!(set.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["first", "cmp"]);
}

#[test]
fn frames_get_the_rules_that_run_there() {
    let rule = |name: &str, runs: Value, prehide: Value| {
        let mut r = base();
        r["name"] = json!(name);
        r["runs"] = runs;
        r["prehide"] = prehide;
        r["detect"] = json!({ "present": [format!("#{name}")], "showing": [["#host", format!("#{name}")]] });
        r
    };
    let rules = json!([
        rule("top-only", json!({}), json!(["#banner", ".overlay"])),
        rule("child-only", json!({ "frame": "child" }), json!(["#frame-banner"])),
        rule("anywhere", json!({ "frame": "any", "urls": "^https://(www\\.)?news\\.example/" }), json!([".overlay"])),
    ]);
    let mut set = RuleSet::default();
    set.load("frames.json", &rules.to_string()).expect("valid");
    let names = |plan: &FramePlan| plan.rules.iter().map(|r| r.name.clone()).collect::<Vec<_>>();

    let top = set.for_frame("https://news.example/a", true);
    assert_eq!(names(&top), ["top-only", "anywhere"]);
    assert_eq!(top.prehide, ["#banner", ".overlay"], "without repeats");
    assert_eq!(names(&set.for_frame("https://other.example/", true)), ["top-only"]);
    assert_eq!(names(&set.for_frame("https://www.news.example/", false)), ["child-only", "anywhere"]);
    assert_eq!(names(&set.for_frame("https://cdn.example/", false)), ["child-only"]);
    assert_eq!(
        serde_json::to_value(set.for_frame("https://cdn.example/", false)).expect("serialises"),
        json!({
            "rules": [{ "name": "child-only", "vendor": "A CMP", "present": [["#child-only"]], "showing": [["#host", "#child-only"]] }],
            "prehide": ["#frame-banner"]
        })
    );
}

#[test]
fn selectors_print_as_the_format_writes_them() {
    assert_eq!(sel("#a[x=\"1\"]").to_string(), r##""#a[x=\"1\"]""##);
    let chain = Selector::new(["#host", "#b"]).expect("a chain");
    assert_eq!(chain.to_string(), r##"["#host", "#b"]"##);
    assert_eq!(serde_json::to_value(&chain).expect("serialises"), json!(["#host", "#b"]));
    assert_eq!(serde_json::to_value(sel("#a")).expect("serialises"), json!(["#a"]));
    assert!(Selector::new(Vec::<String>::new()).is_none() && Selector::new(["#a", " "]).is_none());
    assert_eq!(sel("#p{id}-{id}").with_id(11), sel("#p11-11"));
    assert_eq!(sel("#yes").sibling(&sel("#no")), sel("#no"));
    assert_eq!(serde_json::to_value(Kind::Class("on".into())).expect("serialises"), json!({ "class": "on" }));
    assert_eq!(serde_json::to_value(Kind::Radio).expect("serialises"), json!("radio"));
    assert_eq!(Kind::Class("on".into()).to_string(), "class:on");
}

/// JSON built from the format's own vocabulary, so that arbitrary input reaches deep paths.
fn json_ish() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "name",
        "vendor",
        "cmpIds",
        "runs",
        "frame",
        "urls",
        "detect",
        "present",
        "showing",
        "prehide",
        "payOrConsent",
        "refuseAll",
        "acceptAll",
        "custom",
        "open",
        "toggles",
        "tcfPurposes",
        "save",
        "done",
        "unlock",
        "control",
        "tcf",
        "specialFeatures",
        "category",
        "purposes",
        "legitimateInterest",
        "kind",
        "off",
        "click",
        "all",
        "optional",
        "waitFor",
        "visible",
        "timeout",
        "waitForGone",
        "waitForThenClick",
        "wait",
        "hide",
        "if",
        "then",
        "else",
        "any",
        "set",
        "on",
        "exists",
        "not",
        "consent",
        "refuseAllKeepsLegitimateInterest",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-5i64..20_000).prop_map(Value::from),
        prop::sample::select(vec!["cmp", "#a", "", "top", "child", "radio", "class:x", "statistics", "adMeasurement", "(", "{id}"])
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(6, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn load_never_panics_on_any_string(s in ".{0,200}") {
        let _ = load(&s);
    }

    #[test]
    fn load_never_panics_on_json_ish_input(v in json_ish()) {
        let _ = load(&v.to_string());
    }

    #[test]
    fn load_never_panics_on_a_rule_with_one_value_replaced(pointer in prop::sample::select(vec![
        "/name", "/detect/present", "/refuseAll/0", "/custom/toggles/0", "/custom/toggles/1/tcf", "/custom/toggles/2",
        "/custom/tcfPurposes", "/runs", "/done",
    ]), value in json_ish()) {
        let mut rule = base();
        put(&mut rule, pointer, value);
        let mut set = RuleSet::default();
        if set.load("cmp.json", &rule.to_string()).is_err() {
            prop_assert!(set.is_empty());
        }
    }
}
