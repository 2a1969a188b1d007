//! Consent rules: the JSON format of `docs/consent-rules.md`, read, checked and kept in a
//! [`RuleSet`].
//!
//! A rule says how to recognise one consent dialog and which steps answer it. Rule files are
//! untrusted input (autoconsent's rules are converted at build time, people may add their own),
//! so every field is checked and every error names its file and the path of the bad value:
//! `cookiebot.json: cookiebot.custom.toggles[2].control: empty selector`. Paths start at the
//! rule's name (or at `[i]`, its index in the file, while the name itself is unreadable) and
//! count list items from 0.
//!
//! Parsing goes through [`serde_json::Value`] and is checked by hand rather than derived: serde's
//! own messages for one-key step objects ("data did not match any variant") name neither the
//! path nor the problem. Unknown fields are refused everywhere, as `deny_unknown_fields` would.
//!
//! Invariants of a [`Rule`] once read: its name matches `^[a-z0-9][a-z0-9-]*$`; it has at least
//! one of `refuseAll`, `acceptAll`, `custom`; no selector or chain element is empty; every
//! timeout is at most [`MAX_TIMEOUT_MS`] and every `wait` at most [`MAX_WAIT_MS`]; each toggle
//! has exactly one mapping (or is a legitimate-interest switch alone); a `radio` switch has an
//! `off` selector.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;
use serde::{Serialize, Serializer};

use crate::policy::{CmpCategory, Purpose};

/// The longest a `waitFor`-like step may wait, in milliseconds.
pub const MAX_TIMEOUT_MS: u32 = 10_000;
/// How long a `waitFor`-like step waits when the rule does not say.
pub const DEFAULT_TIMEOUT_MS: u32 = 2_000;
/// The longest a `wait` step may sleep, in milliseconds.
pub const MAX_WAIT_MS: u32 = 2_000;

/// A CSS selector, or a chain of them: each one after the first is searched inside what the one
/// before matched (its shadow root, open or closed, or the document of a same-origin iframe). A
/// chain element starting with `xpath/` is an XPath expression. Never empty, and no element is
/// blank.
///
/// In the command protocol a selector is always a JSON array of strings, even when it has one
/// element: `["#reject"]`, `["#usercentrics-root", "[data-testid=uc-deny-all-button]"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Selector(Vec<String>);

impl Selector {
    /// The selector made of `chain`, or `None` if the chain is empty or an element is blank.
    pub fn new<S: Into<String>>(chain: impl IntoIterator<Item = S>) -> Option<Selector> {
        let chain: Vec<String> = chain.into_iter().map(Into::into).collect();
        (!chain.is_empty() && chain.iter().all(|s| !s.trim().is_empty())).then_some(Selector(chain))
    }

    /// The chain, first element searched in the frame's document.
    pub fn chain(&self) -> &[String] {
        &self.0
    }

    /// This selector with `{id}` replaced by `id` in every element (a `tcfPurposes` template).
    pub fn with_id(&self, id: u8) -> Selector {
        Selector(self.0.iter().map(|s| s.replace("{id}", &id.to_string())).collect())
    }

    /// `relative` searched in the same root as this selector's last element: the `off` radio of a
    /// switch whose control is `self`.
    pub fn sibling(&self, relative: &Selector) -> Selector {
        let mut chain = self.0.split_last().map(|(_, root)| root.to_vec()).unwrap_or_default();
        chain.extend(relative.0.iter().cloned());
        Selector(chain)
    }
}

impl Serialize for Selector {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl fmt::Display for Selector {
    /// As the rule format writes it: `"#reject"` or `["#host", "#reject"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |s: &String| serde_json::to_string(s).unwrap_or_default();
        match self.0.as_slice() {
            [one] => f.write_str(&quoted(one)),
            chain => write!(f, "[{}]", chain.iter().map(quoted).collect::<Vec<_>>().join(", ")),
        }
    }
}

/// How a switch is read and set. In rule files: `"checkbox"` (the default), `"aria"`,
/// `"class:NAME"` or `"radio"`. In the command protocol: `"checkbox"`, `"aria"`,
/// `{"class": "NAME"}` or `"radio"`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// On when `checked`; set by clicking it, or its `label` when the input itself is hidden.
    #[default]
    Checkbox,
    /// On when `aria-checked` or `aria-pressed` is `"true"`; set by clicking.
    Aria,
    /// On when the element has this class; set by clicking.
    Class(String),
    /// On when this radio button (the "yes") is checked; set off by clicking the `off` one.
    Radio,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Checkbox => f.write_str("checkbox"),
            Kind::Aria => f.write_str("aria"),
            Kind::Class(name) => write!(f, "class:{name}"),
            Kind::Radio => f.write_str("radio"),
        }
    }
}

/// Which frames a rule runs in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FrameScope {
    /// The top-level document only (the default).
    #[default]
    Top,
    /// Embedded frames only.
    Child,
    /// Every frame.
    Any,
}

/// Where a rule runs.
#[derive(Clone, Debug, Default)]
pub struct Runs {
    pub frame: FrameScope,
    /// The frame's URL must match this, when given.
    pub urls: Option<Regex>,
}

/// How the dialog is recognised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detect {
    /// The dialog is on the page when any of these matches. Never empty.
    pub present: Vec<Selector>,
    /// The dialog is shown when any of these matches a visible element (`present` when the file
    /// does not say).
    pub showing: Vec<Selector>,
}

/// One step: an action, and whether its failure is ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub action: Action,
    /// `"optional": true`: a failure of this step does not fail the answer.
    pub optional: bool,
}

/// What a step does (`docs/consent-rules.md`, "Steps"). Timeouts are in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Click {
        target: Selector,
        all: bool,
    },
    WaitFor {
        target: Selector,
        visible: bool,
        timeout_ms: u32,
    },
    WaitForGone {
        target: Selector,
        timeout_ms: u32,
    },
    WaitForThenClick {
        target: Selector,
        visible: bool,
        timeout_ms: u32,
        all: bool,
    },
    Wait {
        ms: u32,
    },
    Hide {
        target: Selector,
    },
    If {
        condition: Condition,
        then: Vec<Step>,
        otherwise: Vec<Step>,
    },
    Any {
        steps: Vec<Step>,
    },
    /// `off`, for a `radio`, is searched in the same root as the target's last chain element.
    Set {
        target: Selector,
        on: bool,
        kind: Kind,
        off: Option<Selector>,
    },
}

/// The condition of an `if` step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    Exists(Selector),
    Visible(Selector),
    Not(Box<Condition>),
}

/// What a switch decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// TCF purposes (1–11), sorted, without repeats.
    Tcf(Vec<u8>),
    /// TCF special features (1–2), sorted, without repeats.
    SpecialFeatures(Vec<u8>),
    Category(CmpCategory),
    /// Purposes of the terms, without repeats.
    Purposes(Vec<Purpose>),
}

/// One switch of the settings layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toggle {
    pub control: Selector,
    /// What it decides; `None` only for a legitimate-interest switch standing alone.
    pub mapping: Option<Mapping>,
    /// A legitimate-interest switch (on = no objection), for `mapping` or, alone, for all of it.
    pub legitimate_interest: bool,
    pub kind: Kind,
    /// For a `radio`: the "no" button, in the same root as the control's last chain element.
    pub off: Option<Selector>,
}

/// One switch per TCF purpose, written once with `{id}` in its selectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TcfPurposes {
    pub consent: Option<Selector>,
    pub legitimate_interest: Option<Selector>,
    pub special_features: Option<Selector>,
    /// Never [`Kind::Radio`] (a template has no `off`).
    pub kind: Kind,
}

/// The settings layer: open it, set the switches, save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Custom {
    pub open: Vec<Step>,
    pub toggles: Vec<Toggle>,
    pub tcf_purposes: Option<TcfPurposes>,
    pub save: Vec<Step>,
}

/// How the person opens the dialog's settings again, once it was answered: the popup's "Open
/// this site's consent settings".
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Reopen {
    /// Calls the page's function at this path (`["Cookiebot", "renew"]`) with these literal
    /// arguments (strings, numbers, booleans).
    Call { path: Vec<String>, args: Vec<serde_json::Value> },
    /// Clicks the first element a plain CSS selector matches in the top-level document.
    Click { selector: String },
}

/// One consent rule (`docs/consent-rules.md`, "A rule"). Read with [`RuleSet::load`] or
/// [`Rule::from_json`].
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    pub vendor: String,
    /// Ids in IAB's Global CMP List (1–4095).
    pub cmp_ids: Vec<u16>,
    pub runs: Runs,
    pub detect: Detect,
    /// Plain CSS selectors, hidden from document start.
    pub prehide: Vec<String>,
    pub pay_or_consent: Vec<Selector>,
    /// Never an empty list: a rule without the path has `None`.
    pub refuse_all: Option<Vec<Step>>,
    pub accept_all: Option<Vec<Step>>,
    pub custom: Option<Custom>,
    pub done: Vec<Step>,
    pub unlock: Vec<Selector>,
    pub refuse_all_keeps_legitimate_interest: bool,
    pub reopen: Option<Reopen>,
}

impl Rule {
    /// The rules of one rule file (one rule or an array of them); the error names the path of
    /// the first bad value (file name `""`).
    pub fn from_json(json: &str) -> Result<Vec<Rule>, RuleError> {
        parse::file(json).map_err(|(path, message)| RuleError { file: String::new(), path, message })
    }

    /// Whether this rule may run in a frame at `url` (`top`: the top-level document).
    pub fn runs_in(&self, url: &str, top: bool) -> bool {
        let frame = match self.runs.frame {
            FrameScope::Top => top,
            FrameScope::Child => !top,
            FrameScope::Any => true,
        };
        frame && self.runs.urls.as_ref().is_none_or(|re| re.is_match(url))
    }
}

/// Why a rule file was refused: the file, the path of the bad value (empty for the whole file)
/// and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {}{message}", at(path))]
pub struct RuleError {
    pub file: String,
    pub path: String,
    pub message: String,
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// The rules loaded so far, in load order.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_name: BTreeMap<String, usize>,
}

/// The rules that may run in one frame: what the executor looks for, and what it hides from
/// document start. Sent to the frame as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FramePlan {
    /// In load order.
    pub rules: Vec<DetectPlan>,
    /// Every prehide selector of those rules, without repeats, in order.
    pub prehide: Vec<String>,
}

/// How the executor recognises one rule's dialog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DetectPlan {
    pub name: String,
    pub vendor: String,
    pub present: Vec<Selector>,
    pub showing: Vec<Selector>,
}

impl RuleSet {
    /// Adds the rules of one file (one rule or an array of them) and returns how many it held.
    /// All or nothing: a file with one bad value changes nothing, and the error names
    /// `file_name` and the path. A rule named like one loaded before replaces it, in its place
    /// (so a later file can override a built-in rule); two rules of the same name in one file
    /// are an error.
    pub fn load(&mut self, file_name: &str, json: &str) -> Result<usize, RuleError> {
        let refused = |path: String, message: String| RuleError { file: file_name.to_owned(), path, message };
        let rules = parse::file(json).map_err(|(path, message)| refused(path, message))?;
        let mut names = std::collections::BTreeSet::new();
        for rule in &rules {
            if !names.insert(rule.name.as_str()) {
                return Err(refused(rule.name.clone(), "a second rule of this name in the same file".into()));
            }
        }
        let n = rules.len();
        for rule in rules {
            match self.by_name.get(&rule.name) {
                Some(&i) => self.rules[i] = rule,
                None => {
                    self.by_name.insert(rule.name.clone(), self.rules.len());
                    self.rules.push(rule);
                }
            }
        }
        Ok(n)
    }

    /// The rule named `name`.
    pub fn get(&self, name: &str) -> Option<&Rule> {
        self.by_name.get(name).map(|&i| &self.rules[i])
    }

    /// How many rules are loaded.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// The rules that may run in a frame at `url` (`top`: the top-level document), and the
    /// selectors to hide there from document start.
    pub fn for_frame(&self, url: &str, top: bool) -> FramePlan {
        let mut plan = FramePlan { rules: Vec::new(), prehide: Vec::new() };
        for rule in self.rules.iter().filter(|r| r.runs_in(url, top)) {
            plan.rules.push(DetectPlan {
                name: rule.name.clone(),
                vendor: rule.vendor.clone(),
                present: rule.detect.present.clone(),
                showing: rule.detect.showing.clone(),
            });
            for css in &rule.prehide {
                if !plan.prehide.contains(css) {
                    plan.prehide.push(css.clone());
                }
            }
        }
        plan
    }
}

/// The reader of rule files: JSON in, checked [`Rule`]s out, errors as `(path, message)`.
#[path = "rules_parse.rs"]
mod parse;

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
