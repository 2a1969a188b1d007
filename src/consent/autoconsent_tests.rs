//! Unit tests of the autoconsent converter: each mapping on small hand-written autoconsent rules,
//! every reason to skip a rule, the input forms, and a property: no input shaped like rules
//! panics the converter, and whatever it converts passes our loader.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::consent::rules::RuleSet;

/// A minimal autoconsent rule, with `extra`'s fields set over it.
fn rule(extra: Value) -> Value {
    let mut r = json!({
        "name": "example",
        "detectCmp": [{ "exists": "#cmp" }],
        "detectPopup": [{ "visible": "#cmp" }],
        "optIn": [],
        "optOut": [{ "click": "#reject" }],
    });
    if let (Value::Object(r), Value::Object(extra)) = (&mut r, extra) {
        r.extend(extra);
    }
    r
}

/// The rule converted, or why it was skipped.
fn one(r: Value) -> Result<Value, String> {
    let c = convert_value(&json!({ "autoconsent": [r] })).expect("autoconsent JSON");
    match (c.rules.as_slice(), c.skipped.as_slice()) {
        ([r], []) => Ok(r.clone()),
        ([], [s]) => Err(s.reason.clone()),
        _ => panic!("one rule in, {c:?} out"),
    }
}

fn opt_out(steps: Value) -> Result<Value, String> {
    one(rule(json!({ "optOut": steps }))).map(|r| r["refuseAll"].clone())
}

fn detect(cmp: Value, popup: Value) -> Result<Value, String> {
    one(rule(json!({ "detectCmp": cmp, "detectPopup": popup }))).map(|r| r["detect"].clone())
}

#[test]
fn a_minimal_rule_converts_whole() {
    let r = one(rule(json!({ "prehideSelectors": ["#cmp"], "optIn": [{ "click": "#accept" }], "test": [{ "eval": "EVAL_X" }] })));
    assert_eq!(
        r,
        Ok(json!({
            "name": "autoconsent-example",
            "vendor": "example",
            "runs": { "frame": "top" },
            "detect": { "present": ["#cmp"], "showing": ["#cmp"] },
            "prehide": ["#cmp"],
            "refuseAll": [{ "click": "#reject" }],
            "acceptAll": [{ "click": "#accept" }],
        }))
    );
    let mut set = RuleSet::default();
    assert_eq!(set.load("example.json", &r.unwrap_or_default().to_string()), Ok(1));
}

#[test]
fn names_are_ours_and_unique_and_vendors_readable() {
    let names = json!([
        rule(json!({ "name": "Complianz banner" })),
        rule(json!({ "name": "complianz-banner" })),
        rule(json!({ "name": "WP DSGVO Tools" })),
        rule(json!({ "name": "onetrust" })),
        rule(json!({ "name": "Über__Cookie!" })),
        rule(json!({ "name": "ü" })),
        rule(json!({ "name": "auto_CH_fhgr.ch_9nr", "_metadata": { "vendorUrl": "http://www.fhgr.ch/" } })),
        rule(json!({ "name": "auto_AU_acetool.com_n0w_+1" })),
        rule(json!({ "name": "auto_US_x_0", "vendorUrl": "https://unknown" })),
        rule(json!({ "name": "tarteaucitron.js", "vendorUrl": "https://tarteaucitron.io/", "comment": "ignored" })),
    ]);
    let c = convert_value(&names).expect("rules");
    let got: Vec<(&str, &str)> = c.rules.iter().map(|r| (r["name"].as_str().unwrap_or(""), r["vendor"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        got,
        [
            ("autoconsent-complianz-banner", "Complianz banner"),
            ("autoconsent-complianz-banner-2", "complianz-banner"),
            ("autoconsent-wp-dsgvo-tools", "WP DSGVO Tools"),
            ("autoconsent-onetrust", "onetrust"),
            ("autoconsent-ber-cookie", "Über__Cookie!"),
            ("autoconsent", "ü"),
            ("autoconsent-auto-ch-fhgr-ch-9nr", "fhgr.ch"),
            ("autoconsent-auto-au-acetool-com-n0w-1", "acetool.com"),
            ("autoconsent-auto-us-x-0", "auto_US_x_0"),
            ("autoconsent-tarteaucitron-js", "tarteaucitron.js"),
        ]
    );
}

#[test]
fn run_context_becomes_runs() {
    let runs = |ctx: Value| one(rule(json!({ "runContext": ctx }))).map(|r| r["runs"].clone());
    assert_eq!(runs(json!({ "main": true, "frame": false })), Ok(json!({ "frame": "top" })));
    assert_eq!(runs(json!({ "main": false, "frame": true })), Ok(json!({ "frame": "child" })));
    assert_eq!(runs(json!({ "frame": true })), Ok(json!({ "frame": "any" })));
    assert_eq!(runs(json!({ "urlPattern": "" })), Ok(json!({ "frame": "top" })));
    assert_eq!(
        runs(json!({ "urlPattern": "^https://(www\\.)?example\\.com/" })),
        Ok(json!({ "frame": "top", "urls": "^https://(www\\.)?example\\.com/" }))
    );
    let lookahead = runs(json!({ "urlPattern": "^https://(?!www)" })).expect_err("lookahead");
    assert!(lookahead.starts_with("runContext.urlPattern: not a regular expression the regex crate reads: "), "{lookahead}");
    assert_eq!(runs(json!({ "main": false })), Err("runContext: main and frame both false (the rule runs nowhere)".into()));
    assert_eq!(runs(json!("top")), Err("runContext: not an object".into()));
}

#[test]
fn detection_becomes_present_and_showing() {
    // One step each; visible in detectCmp is presence; exists in detectPopup is showing.
    assert_eq!(detect(json!([{ "visible": "#a" }]), json!([{ "exists": "#b" }])), Ok(json!({ "present": ["#a"], "showing": ["#b"] })));
    // any: alternatives; chains and XPath stay as they are.
    assert_eq!(
        detect(
            json!([{ "any": [{ "exists": "#a" }, { "exists": ["#host", "#in-shadow"] }] }]),
            json!([{ "waitForVisible": "xpath///div" }])
        ),
        Ok(json!({ "present": ["#a", ["#host", "#in-shadow"]], "showing": ["xpath///div"] }))
    );
    // Steps that imply one another come down to the most specific; repeats and waits go.
    assert_eq!(
        detect(
            json!([{ "exists": "#a" }, { "exists": "#a > .b" }, { "visible": "#a > .b" }, { "wait": 100 }]),
            json!([{ "visible": "#a", "check": "any" }, { "visible": ["#a", "x"] }, { "exists": "#z", "optional": true }])
        ),
        Ok(json!({ "present": ["#a > .b"], "showing": [["#a", "x"]] }))
    );
    // An option of any that cannot be expressed is left out, unless it was the only one.
    assert_eq!(
        detect(json!([{ "any": [{ "eval": "EVAL_X" }, { "exists": "#a" }] }]), json!([{ "visible": "#a" }])),
        Ok(json!({ "present": ["#a"], "showing": ["#a"] }))
    );
    // An option that checks nothing always holds: so does the any.
    assert_eq!(
        detect(json!([{ "exists": "#a" }, { "any": [{ "wait": 10 }, { "exists": "#b" }] }]), json!([{ "visible": "#a" }])),
        Ok(json!({ "present": ["#a"], "showing": ["#a"] }))
    );
    // detectPopup: [] always holds in autoconsent; ours then checks detect.present.
    assert_eq!(detect(json!([{ "exists": "#a" }]), json!([])), Ok(json!({ "present": ["#a"] })));
}

#[test]
fn detection_that_cannot_be_expressed_skips_the_rule() {
    let pop = json!([{ "visible": "#a" }]);
    let cases = [
        (
            json!([{ "exists": "#a" }, { "exists": "#b" }]),
            pop.clone(),
            "detectCmp: 2 checks must all hold; detect.present holds when any one does",
        ),
        (
            json!([{ "exists": "#a" }]),
            json!([{ "visible": "#a" }, { "visible": "#a.b" }]),
            "detectPopup: 2 checks must all hold; detect.showing holds when any one does",
        ),
        (
            json!([{ "exists": "#a" }, { "eval": "EVAL_X" }]),
            pop.clone(),
            "detectCmp step 2: eval snippet EVAL_X cannot run (Trust Ledger runs no page code)",
        ),
        (
            json!([{ "exists": "#a" }]),
            json!([{ "exists": "#a", "negated": true }]),
            "detectPopup step 1: negated check (detect.showing lists what is there, not what is not)",
        ),
        (
            json!([{ "exists": "#a" }]),
            json!([{ "visible": "#a", "check": "none" }]),
            "detectPopup step 1: visible with check none (nothing visible) cannot be expressed",
        ),
        (json!([{ "if": { "exists": "#a" }, "then": [] }]), pop.clone(), "detectCmp step 1: if cannot be part of detect.present"),
        (json!([{ "any": [] }]), pop.clone(), "detectCmp step 1: any with no options never holds"),
        (
            json!([{ "any": [{ "exists": "#a", "visible": "#b" }] }]),
            pop.clone(),
            "detectCmp step 1, any option 1: several checks in one option of any",
        ),
        (json!([{ "exists": [] }]), pop.clone(), "detectCmp step 1: exists: not a selector (a non-empty string or chain)"),
        (json!([{ "optional": true }]), pop.clone(), "detectCmp: no selector to detect it by"),
        (json!([{ "comment": "?" }]), pop.clone(), "detectCmp step 1: no check autoconsent knows"),
        (json!([]), pop.clone(), "detectCmp: no checks (autoconsent would detect it everywhere)"),
        (json!({}), pop.clone(), "detectCmp: not a list of steps"),
        (json!([{ "exists": "#a" }]), json!(null), "detectPopup: missing (autoconsent never finds it showing)"),
    ];
    for (cmp, popup, reason) in cases {
        assert_eq!(detect(cmp.clone(), popup.clone()), Err(reason.to_owned()), "{cmp} {popup}");
    }
    assert_eq!(one(json!({ "name": "x", "optOut": [{ "click": "#r" }] })), Err("detectCmp: missing (autoconsent never detects it)".into()));
}

#[test]
fn prehide_keeps_css_strings_only() {
    let r = one(rule(json!({ "prehideSelectors": ["#a, .b", "", "  ", "xpath///div", 5, ["#c"]] })));
    assert_eq!(r.map(|r| r["prehide"].clone()), Ok(json!(["#a, .b"])));
    let r = one(rule(json!({ "prehideSelectors": [""] })));
    assert_eq!(r.map(|r| r.get("prehide").cloned()), Ok(None));
}

#[test]
fn steps_map_one_to_one() {
    let steps = json!([
        { "click": "#a", "all": true },
        { "click": ["#usercentrics-root", "[data-testid=uc-deny-all-button]"], "all": false, "comment": "in the shadow root" },
        { "waitForThenClick": "xpath///button[1]", "timeout": 30000, "all": true, "text": "Reject" },
        { "waitFor": "#c", "timeout": 1500.4 },
        { "waitForVisible": "#d", "check": "any" },
        { "waitForVisible": "#e", "check": "none", "timeout": 500 },
        { "wait": 5000 },
        { "wait": 250 },
        { "hide": "#cmp", "method": "opacity" },
        { "waitForThenClick": "#f", "hide": "#g" },
        { "any": [{ "waitForThenClick": "#h" }, { "click": "#i", "optional": true }], "optional": true },
    ]);
    assert_eq!(
        opt_out(steps),
        Ok(json!([
            { "click": "#a", "all": true },
            { "click": ["#usercentrics-root", "[data-testid=uc-deny-all-button]"] },
            { "waitForThenClick": "xpath///button[1]", "timeout": 10000, "all": true },
            { "waitFor": "#c", "timeout": 1500 },
            { "waitFor": "#d", "visible": true },
            { "waitForGone": "#e", "timeout": 500 },
            { "wait": 2000 },
            { "wait": 250 },
            { "hide": "#cmp" },
            { "waitForThenClick": "#f" },
            { "hide": "#g" },
            { "any": [{ "waitForThenClick": "#h" }, { "click": "#i" }], "optional": true },
        ]))
    );
}

#[test]
fn conditions_become_ifs() {
    let steps = json!([
        { "if": { "exists": "#a" }, "then": [{ "click": "#a" }], "else": [{ "click": "#b" }] },
        { "if": { "visible": "#c", "negated": true }, "then": [{ "click": "#c" }], "optional": true },
        { "if": { "visible": "#d", "check": "none" }, "then": [], "else": [{ "click": "#d" }] },
        { "if": { "exists": ["#host", "#e"] }, "then": [{ "eval": "EVAL_X", "optional": true }] },
    ]);
    assert_eq!(
        opt_out(steps),
        Ok(json!([
            { "if": { "exists": "#a" }, "then": [{ "click": "#a" }], "else": [{ "click": "#b" }] },
            { "if": { "not": { "visible": "#c" } }, "then": [{ "click": "#c" }], "optional": true },
            { "if": { "not": { "visible": "#d" } }, "else": [{ "click": "#d" }] },
            { "if": { "exists": ["#host", "#e"] } },
        ]))
    );
}

#[test]
fn optional_steps_we_cannot_express_are_dropped() {
    let steps = json!([
        { "eval": "EVAL_X", "optional": true },
        { "removeClass": "locked", "selector": "body", "optional": true },
        { "cookieContains": "x=1", "optional": true },
        { "exists": "#a", "optional": true },
        { "click": "", "optional": true },
        { "click": "#a", "negated": true, "optional": true },
        { "click": "#b" },
    ]);
    assert_eq!(opt_out(steps), Ok(json!([{ "click": "#a", "optional": true }, { "click": "#b" }])));
}

#[test]
fn steps_we_cannot_express_skip_the_rule() {
    let cases = [
        (
            json!([{ "click": "#a" }, { "wait": 100 }, { "eval": "EVAL_X" }]),
            "optOut step 3: eval snippet EVAL_X cannot run (Trust Ledger runs no page code)",
        ),
        (json!([{ "cookieContains": "x" }]), "optOut step 1: cookieContains reads the page's cookies (a rule reads only elements)"),
        (
            json!([{ "removeClass": "x", "selector": "body" }]),
            "optOut step 1: removeClass changes the page's styles (a rule only clicks, waits and hides)",
        ),
        (
            json!([{ "setStyle": "", "selector": "body" }]),
            "optOut step 1: setStyle changes the page's styles (a rule only clicks, waits and hides)",
        ),
        (
            json!([{ "addStyle": "x: y", "selector": "body" }]),
            "optOut step 1: addStyle changes the page's styles (a rule only clicks, waits and hides)",
        ),
        (json!([{ "scroll": "#a" }]), "optOut step 1: no action autoconsent knows (it fails the step)"),
        (json!([{ "click": "#a", "negated": true }]), "optOut step 1: negated click has no equivalent"),
        (json!([{ "waitForVisible": "#a", "negated": true }]), "optOut step 1: negated waitForVisible has no equivalent"),
        (json!([{ "exists": "#a" }]), "optOut step 1: a bare exists check is no step of ours (only a condition of if)"),
        (json!([{ "click": 5 }]), "optOut step 1: click: not a selector (a non-empty string or chain)"),
        (json!([{ "click": ["#a", " "] }]), "optOut step 1: click: not a selector (a non-empty string or chain)"),
        (json!([{ "wait": "long" }]), "optOut step 1: wait: not a number of milliseconds"),
        (json!([{ "if": { "exists": "#a" } }]), "optOut step 1: if without then (autoconsent fails the step)"),
        (
            json!([{ "if": { "eval": "EVAL_Y" }, "then": [] }]),
            "optOut step 1, if: eval snippet EVAL_Y cannot run (Trust Ledger runs no page code)",
        ),
        (
            json!([{ "if": { "exists": "#a", "visible": "#a" }, "then": [] }]),
            "optOut step 1: if: a condition of exists and visible (ours checks exists or visible)",
        ),
        (json!([{ "if": { "check": "any" }, "then": [] }]), "optOut step 1: if: neither exists nor visible (autoconsent fails the step)"),
        (json!([{ "if": true, "then": [] }]), "optOut step 1: if: not a condition"),
        (
            json!([{ "if": { "exists": "#a" }, "then": [{ "click": "#a" }], "else": [{ "click": "#b" }, { "eval": "EVAL_Z" }] }]),
            "optOut step 1, else step 2: eval snippet EVAL_Z cannot run (Trust Ledger runs no page code)",
        ),
        (json!([{ "any": [] }]), "optOut step 1: any with no options (autoconsent fails it)"),
        (
            json!([{ "any": [{ "click": "#a" }, { "eval": "EVAL_W", "optional": true }] }]),
            "optOut step 1, any option 2: eval snippet EVAL_W cannot run (Trust Ledger runs no page code)",
        ),
        (json!([{ "any": [{ "click": "#a", "hide": "#b" }] }]), "optOut step 1, any option 1: click and hide in one option of any"),
        (json!([{ "any": { "click": "#a" } }]), "optOut step 1: any: not a list of steps"),
        (json!(["click"]), "optOut step 1: not a step (an object)"),
        (json!({ "click": "#a" }), "optOut: not a list of steps"),
    ];
    for (steps, reason) in cases {
        assert_eq!(opt_out(steps.clone()), Err(reason.to_owned()), "{steps}");
    }
    let r = one(rule(json!({ "optIn": [{ "eval": "EVAL_ACCEPT" }] })));
    assert_eq!(r, Err("optIn step 1: eval snippet EVAL_ACCEPT cannot run (Trust Ledger runs no page code)".into()));
}

#[test]
fn rules_that_answer_nothing_or_are_not_ours_to_run_are_skipped() {
    let cases = [
        (json!({ "cosmetic": true }), "cosmetic: hides the dialog without answering it"),
        (json!({ "intermediate": true }), "intermediate: one stage of an answer spread over several pages or frames"),
        (json!({ "minimumRuleStepVersion": 3 }), "minimumRuleStepVersion 3: needs steps newer than version 2"),
        (json!({ "optOut": [{ "hide": "#cmp" }], "optIn": [] }), "no answer: neither optOut nor optIn clicks anything"),
        (
            json!({ "optOut": [{ "wait": 500 }, { "eval": "EVAL_X", "optional": true }] }),
            "no answer: neither optOut nor optIn clicks anything",
        ),
        (json!({ "optOut": [], "optIn": null }), "no answer: neither optOut nor optIn clicks anything"),
        (json!({ "name": "" }), "name: missing or not a string"),
    ];
    for (extra, reason) in cases {
        assert_eq!(one(rule(extra.clone())), Err(reason.to_owned()), "{extra}");
    }
    // Flags that are false, and a version we know, change nothing.
    let kept = one(rule(json!({ "cosmetic": false, "intermediate": false, "minimumRuleStepVersion": 2, "_metadata": {} })));
    assert_eq!(kept.map(|r| r["refuseAll"].clone()), Ok(json!([{ "click": "#reject" }])));
    // Accept only: no refuseAll.
    let accept_only = one(rule(json!({ "optOut": [], "optIn": [{ "click": "#ok" }] }))).unwrap_or_default();
    assert_eq!((accept_only.get("refuseAll"), &accept_only["acceptAll"]), (None, &json!([{ "click": "#ok" }])));
}

#[test]
fn input_forms_and_errors() {
    let single = rule(json!({}));
    for input in [json!({ "autoconsent": [single.clone()] }), single.clone(), json!([single.clone()])] {
        assert_eq!(convert(&input.to_string()).map(|c| c.rules.len()).ok(), Some(1), "{input}");
    }
    assert!(matches!(convert("{"), Err(AutoconsentError::Json(_))));
    for bad in ["5", "\"x\"", "{}", "{\"autoconsent\": {}}", "null"] {
        assert!(matches!(convert(bad), Err(AutoconsentError::NotRules)), "{bad}");
    }
    // Entries that are not rules are skipped, named by their place; order is kept.
    let c = convert_value(&json!([5, rule(json!({ "name": "b" })), { "x": 1 }, rule(json!({ "name": "a" }))])).expect("rules");
    let names: Vec<&Value> = c.rules.iter().map(|r| &r["name"]).collect();
    assert_eq!(names, [&json!("autoconsent-b"), &json!("autoconsent-a")]);
    assert_eq!(
        c.skipped,
        [
            Skipped { name: "#0".into(), reason: "not a rule (an object)".into() },
            Skipped { name: "#2".into(), reason: "name: missing or not a string".into() }
        ]
    );
}

/// JSON built from autoconsent's own vocabulary, nested, so that most values look like rules.
fn rule_like() -> impl Strategy<Value = Value> {
    let keys = prop::sample::select(vec![
        "name",
        "exists",
        "visible",
        "check",
        "eval",
        "waitFor",
        "waitForVisible",
        "click",
        "waitForThenClick",
        "wait",
        "timeout",
        "all",
        "hide",
        "method",
        "if",
        "then",
        "else",
        "any",
        "negated",
        "optional",
        "cookieContains",
        "removeClass",
        "selector",
        "runContext",
        "main",
        "frame",
        "urlPattern",
        "detectCmp",
        "detectPopup",
        "optIn",
        "optOut",
        "prehideSelectors",
        "cosmetic",
        "intermediate",
        "minimumRuleStepVersion",
        "vendorUrl",
    ]);
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-20_000i64..40_000).prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec!["#a", "", " ", "xpath///b", "none", "any", "auto_DE_x.de_1", "^https://(?=x)", "(", "Ü b"])
            .prop_map(|s| json!(s)),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

proptest! {
    #[test]
    fn rule_like_json_never_panics_and_what_converts_loads(rules in prop::collection::vec(rule_like(), 0..4), base in rule_like()) {
        let mut all = rules;
        if let Value::Object(extra) = base {
            all.push(rule(Value::Object(extra)));
        }
        let n = all.len();
        let input = json!({ "autoconsent": all });
        let c = convert(&input.to_string()).expect("autoconsent JSON");
        prop_assert_eq!(c.rules.len() + c.skipped.len(), n);
        for r in &c.rules {
            let loaded = RuleSet::default().load("r.json", &r.to_string());
            prop_assert!(loaded.is_ok(), "{} refused: {:?}", r, loaded);
        }
        let _ = convert_value(&input["autoconsent"]);
    }
}
