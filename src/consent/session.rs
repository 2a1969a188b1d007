//! Answering one dialog: a resumable state machine that tells the executor in the page's frame
//! what to do, one [`Command`] at a time, and reads its [`Reply`]. It never touches a DOM, so the
//! same code runs in the extension's service worker (wasm) and in native tests against an
//! in-memory DOM.
//!
//! ```text
//! engine (Session)                                  executor (frame)
//!   next(None)            ── probe payOrConsent ──▶   {"results": [false]}
//!   next(Some(reply))     ── probe showing ───────▶   {"results": [true]}
//!   next(Some(reply))     ── click / set / wait … ▶   {"clicked": 1} …
//!   …                     ── probe unlock ────────▶   {"results": [false]}
//!   next(Some(reply))     ── done {answer} ───────▶   (no reply)
//! ```
//!
//! Flow: a visible `payOrConsent` element ends the session as a pay-or-consent wall; a dialog
//! not shown ends it as not showing; otherwise the path [`decide`] chose runs (for `custom`:
//! `open`, one `set` per switch, `save`), then `done`, then the `unlock` check.
//!
//! How it resumes: the session keeps the replies it was given and, on every [`Session::next`],
//! runs its program again from the start, handing out the recorded replies in order, until it
//! needs a reply it does not have: that command is the one returned. The program is
//! deterministic, so each replay issues the same commands; at most [`MAX_COMMANDS`] are issued,
//! so a replay is cheap. Nothing here panics on any reply: a reply of the wrong shape ends the
//! session with a failed [`Answer`] that says so.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::decide::{decide, Decision, Path};
use super::rules::{Action, Condition, Custom, Kind, Rule, Selector, Step};
use crate::policy::Effective;

/// The most commands one session issues (besides `done`); past it the answer fails.
pub const MAX_COMMANDS: u32 = 200;

/// How a `visible` probe counts the elements its selector matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Check {
    /// At least one match is visible.
    Any,
    /// There is a match and every match is visible.
    All,
    /// No match is visible (true when nothing matches).
    None,
}

/// One question about the frame's DOM. JSON: `{"exists": Sel}`, `{"visible": Sel, "check":
/// "any"|"all"|"none"}` or `{"state": Sel, "kind": Kind}`; its result is `true`/`false`, or for
/// `state` also `null` (not found or unreadable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Probe {
    Exists { exists: Selector },
    Visible { visible: Selector, check: Check },
    State { state: Selector, kind: Kind },
}

/// What the engine asks the executor to do, as JSON tagged by `op` (field names in camelCase).
/// A selector (`Sel`) is always an array of strings, a chain; a [`Kind`] is `"checkbox"`,
/// `"aria"`, `{"class": "NAME"}` or `"radio"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Command {
    /// Answer every probe, in order. Reply `{"results": [true|false|null, …]}`.
    Probe { probes: Vec<Probe> },
    /// Click the first match of `target`, or every match with `all`. Reply `{"clicked": n}`.
    Click { target: Selector, all: bool },
    /// Read the switch per `kind`; if it is not `on`, click it (or, for a radio turned off, the
    /// `off` button, a full chain). Reply `{"was": bool|null, "now": bool|null}` (`null`: not
    /// found or unreadable).
    Set { target: Selector, kind: Kind, on: bool, off: Option<Selector> },
    /// Until the probe's result is `want`, re-checking on DOM mutations and every 100 ms, for
    /// at most `timeoutMs`. Reply `{"met": bool}`.
    Wait { until: Probe, want: bool, timeout_ms: u32 },
    /// Sleep. Reply `{}`.
    Sleep { ms: u32 },
    /// Hide every match (kept hidden after a successful answer). Reply `{"hidden": n}`.
    Hide { target: Selector },
    /// The session is over. No reply.
    Done { answer: Answer },
}

impl Command {
    /// Its `op`.
    pub fn op(&self) -> &'static str {
        match self {
            Command::Probe { .. } => "probe",
            Command::Click { .. } => "click",
            Command::Set { .. } => "set",
            Command::Wait { .. } => "wait",
            Command::Sleep { .. } => "sleep",
            Command::Hide { .. } => "hide",
            Command::Done { .. } => "done",
        }
    }

    fn expected(&self) -> &'static str {
        match self {
            Command::Probe { .. } => "{\"results\": [one true|false per probe, null only for state]}",
            Command::Click { .. } => "{\"clicked\": n}",
            Command::Set { .. } => "{\"was\": bool|null, \"now\": bool|null}",
            Command::Wait { .. } => "{\"met\": bool}",
            Command::Sleep { .. } => "{}",
            Command::Hide { .. } => "{\"hidden\": n}",
            Command::Done { .. } => "no reply",
        }
    }
}

/// The executor's reply to a command (see [`Command`] for which). Deserialised strictly: an
/// object with exactly the keys of one shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Reply {
    Probed { results: Vec<Option<bool>> },
    Clicked { clicked: u32 },
    Set { was: Option<bool>, now: Option<bool> },
    Waited { met: bool },
    Hidden { hidden: u32 },
    Slept {},
}

impl Reply {
    /// The reply in `v`, or why it is none.
    pub fn from_value(v: &Value) -> Result<Reply, String> {
        let bad = || format!("not a reply: {}", short(v));
        let Value::Object(map) = v else { return Err(bad()) };
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let field = |key: &str| map.get(key).unwrap_or(&Value::Null);
        let count = |key: &str| field(key).as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(bad);
        let maybe = |v: &Value| match v {
            Value::Bool(b) => Ok(Some(*b)),
            Value::Null => Ok(None),
            _ => Err(bad()),
        };
        match keys.as_slice() {
            [] => Ok(Reply::Slept {}),
            ["results"] => match field("results") {
                Value::Array(items) => Ok(Reply::Probed { results: items.iter().map(maybe).collect::<Result<_, _>>()? }),
                _ => Err(bad()),
            },
            ["clicked"] => Ok(Reply::Clicked { clicked: count("clicked")? }),
            ["now", "was"] => Ok(Reply::Set { was: maybe(field("was"))?, now: maybe(field("now"))? }),
            ["met"] => field("met").as_bool().map(|met| Reply::Waited { met }).ok_or_else(bad),
            ["hidden"] => Ok(Reply::Hidden { hidden: count("hidden")? }),
            _ => Err(bad()),
        }
    }
}

impl<'de> Deserialize<'de> for Reply {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Reply, D::Error> {
        let v = Value::deserialize(deserializer)?;
        Reply::from_value(&v).map_err(serde::de::Error::custom)
    }
}

fn short(v: &impl Serialize) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The dialog was answered, `done` ran and the page is not locked.
    Answered,
    /// A pay-or-consent wall: reported, nothing clicked.
    PayOrConsent,
    /// The dialog is on the page but not shown: nothing to answer.
    NotShowing,
    /// See [`Answer::failure`].
    Failed,
}

/// How one switch was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChoiceResult {
    /// It differed and was clicked into the wished state.
    Set,
    /// It already was in the wished state.
    Already,
    /// It is not on the page (or cannot be read, before or after).
    Absent,
    /// It did not end in the wished state.
    Mismatch,
}

/// One switch of the settings layer, as answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// `tcf purpose 7 consent`, `category statistics`, `legitimate interest for tcf purpose 2`.
    pub what: String,
    pub wanted: bool,
    pub result: ChoiceResult,
}

/// The receipt of one session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub rule: String,
    pub vendor: String,
    pub outcome: Outcome,
    /// The path taken, once it started.
    pub path: Option<Path>,
    /// Why this path (or this outcome).
    pub reason: String,
    /// The switches set, for the `custom` path, in order.
    pub choices: Vec<Choice>,
    /// What went wrong, when the outcome is failed: `refuseAll step 2 (click "#reject"): nothing
    /// matched`.
    pub failure: Option<String>,
    /// How many commands were issued, `done` not counted.
    pub commands: u32,
}

/// Answering one dialog with one rule. Owns what it needs, so it can be kept between messages.
#[derive(Clone, Debug)]
pub struct Session {
    rule: Rule,
    decision: Decision,
    replies: Vec<Reply>,
    /// A command was issued and awaits its reply.
    pending: bool,
    issued: u32,
    answer: Option<Answer>,
}

impl Session {
    /// A session answering `rule`'s dialog under `terms`; the first command comes from
    /// `next(None)`.
    pub fn start(rule: &Rule, terms: &Effective) -> Session {
        Session { decision: decide(rule, terms), rule: rule.clone(), replies: Vec::new(), pending: false, issued: 0, answer: None }
    }

    /// The next command, given the reply to the last one (`None` on the first call). Once the
    /// session is over, always `done` with the same answer.
    pub fn next(&mut self, reply: Option<Reply>) -> Command {
        if let Some(answer) = &self.answer {
            return Command::Done { answer: answer.clone() };
        }
        match (self.pending, reply) {
            (true, Some(reply)) => self.replies.push(reply),
            (false, None) => {}
            (false, Some(_)) => return self.abort("the executor replied before any command"),
            (true, None) => return self.abort("the executor did not reply to the last command"),
        }
        let mut run = Run::new(&self.rule, &self.decision, &self.replies);
        let end = match run.program() {
            Err(Stop::Suspend(command)) => {
                self.pending = true;
                self.issued += 1;
                return *command;
            }
            Ok(end) => end,
            Err(Stop::Fail(why) | Stop::Abort(why)) => End::Failed(why),
        };
        self.finish(end, run.path, run.choices)
    }

    /// Ends the session now, failed because of `why` (the frame went away, the executor's reply
    /// could not be read), and returns its `done`. No effect on a session already over.
    pub fn abort(&mut self, why: &str) -> Command {
        if let Some(answer) = &self.answer {
            return Command::Done { answer: answer.clone() };
        }
        let mut run = Run::new(&self.rule, &self.decision, &self.replies);
        let _ = run.program();
        self.finish(End::Failed(why.to_owned()), run.path, run.choices)
    }

    /// Ends the session because its page went away (a site that reloads or navigates as soon
    /// as it has the answer): answered if every step of the chosen path had been carried out
    /// (only the checks after it could not run), else failed. Returns its `done`.
    pub fn page_gone(&mut self) -> Command {
        if let Some(answer) = &self.answer {
            return Command::Done { answer: answer.clone() };
        }
        let mut run = Run::new(&self.rule, &self.decision, &self.replies);
        let _ = run.program();
        let end = if run.path_done { End::Answered } else { End::Failed("the page went away before the answer was complete".to_owned()) };
        self.finish(end, run.path, run.choices)
    }

    /// The answer, once the session is over.
    pub fn answer(&self) -> Option<&Answer> {
        self.answer.as_ref()
    }

    /// The decision the session carries out.
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    fn finish(&mut self, end: End, path: Option<Path>, choices: Vec<Choice>) -> Command {
        let (outcome, reason, failure) = match end {
            End::PayOrConsent => (Outcome::PayOrConsent, "a pay-or-consent wall: reported, not answered".to_owned(), None),
            End::NotShowing => (Outcome::NotShowing, "the dialog is on the page but not shown".to_owned(), None),
            End::Answered => (Outcome::Answered, self.decision.reason.clone(), None),
            End::Failed(why) => (Outcome::Failed, self.decision.reason.clone(), Some(why)),
        };
        let answer = Answer {
            rule: self.rule.name.clone(),
            vendor: self.rule.vendor.clone(),
            outcome,
            path,
            reason,
            choices,
            failure,
            commands: self.issued,
        };
        self.pending = false;
        self.answer = Some(answer.clone());
        Command::Done { answer }
    }
}

enum End {
    PayOrConsent,
    NotShowing,
    Answered,
    Failed(String),
}

/// Why the program stopped before its end.
enum Stop {
    /// It needs the reply to this command.
    Suspend(Box<Command>),
    /// A step failed: `optional` and `any` may catch it.
    Fail(String),
    /// The session must end (bad reply, too many commands): nothing catches it.
    Abort(String),
}

fn fail<T>(why: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Fail(why.into()))
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// One replay of the program over the recorded replies.
struct Run<'a> {
    rule: &'a Rule,
    decision: &'a Decision,
    replies: &'a [Reply],
    used: usize,
    path: Option<Path>,
    choices: Vec<Choice>,
    /// Every step of the chosen path was carried out (what follows only checks).
    path_done: bool,
}

impl<'a> Run<'a> {
    fn new(rule: &'a Rule, decision: &'a Decision, replies: &'a [Reply]) -> Run<'a> {
        Run { rule, decision, replies, used: 0, path: None, choices: Vec::new(), path_done: false }
    }

    fn program(&mut self) -> Result<End, Stop> {
        let rule = self.rule;
        if !rule.pay_or_consent.is_empty() && self.any_visible(&rule.pay_or_consent)? {
            return Ok(End::PayOrConsent);
        }
        if !self.any_visible(&rule.detect.showing)? {
            return Ok(End::NotShowing);
        }
        let Some(path) = self.decision.path else {
            return Ok(End::Failed(format!("no answer: {}", self.decision.reason)));
        };
        self.path = Some(path);
        let answered = match (path, &rule.refuse_all, &rule.accept_all, &rule.custom) {
            (Path::RefuseAll, Some(steps), _, _) => self.steps("refuseAll", steps),
            (Path::AcceptAll, _, Some(steps), _) => self.steps("acceptAll", steps),
            (Path::Custom, _, _, Some(custom)) => self.custom(custom),
            _ => fail("the rule has no steps for the path chosen"),
        };
        if answered.is_ok() {
            self.path_done = true;
        }
        match answered.and_then(|()| self.steps("done", &rule.done)) {
            Ok(()) => {}
            Err(Stop::Fail(why)) => return Ok(End::Failed(why)),
            Err(stop) => return Err(stop),
        }
        if !rule.unlock.is_empty() {
            let results = self.probe(rule.unlock.iter().map(|s| Probe::Visible { visible: s.clone(), check: Check::Any }).collect())?;
            let left: Vec<String> = rule.unlock.iter().zip(results).filter(|(_, r)| *r == Some(true)).map(|(s, _)| s.to_string()).collect();
            if !left.is_empty() {
                return Ok(End::Failed(format!("left the page locked: {} still shown", left.join(", "))));
            }
        }
        Ok(End::Answered)
    }

    fn custom(&mut self, custom: &Custom) -> Result<(), Stop> {
        self.steps("custom.open", &custom.open)?;
        let wishes = &self.decision.wishes;
        for (i, wish) in wishes.iter().enumerate() {
            let (was, now) = self.set(&wish.control, &wish.kind, wish.wanted, wish.off.clone())?;
            // `was` unreadable but `now` read: a radio pair with neither button chosen, clicked.
            let result = match (was, now) {
                (None, None) => ChoiceResult::Absent,
                (Some(was), Some(now)) if now == wish.wanted && was == now => ChoiceResult::Already,
                (_, Some(now)) if now == wish.wanted => ChoiceResult::Set,
                _ => ChoiceResult::Mismatch,
            };
            self.choices.push(Choice { what: wish.what.clone(), wanted: wish.wanted, result });
            // A switch that may still be on is never saved; one that stayed off gives away less
            // than wished, and the receipt says so.
            if result == ChoiceResult::Mismatch && !wish.wanted {
                let state = now.map_or("now unreadable", |_| "still on");
                return fail(format!("custom switch {} ({}, {}): wanted off, {state}", i + 1, wish.what, wish.control));
            }
        }
        if !wishes.is_empty() && self.choices.iter().all(|c| c.result == ChoiceResult::Absent) {
            return fail(format!("custom: none of its {} switches is on the page", wishes.len()));
        }
        self.steps("custom.save", &custom.save)
    }

    fn steps(&mut self, at: &str, steps: &[Step]) -> Result<(), Stop> {
        for (i, step) in steps.iter().enumerate() {
            match self.step(step) {
                Err(Stop::Fail(_)) if step.optional => {}
                Err(Stop::Fail(why)) => return fail(format!("{at} step {} ({}): {why}", i + 1, describe(&step.action))),
                other => other?,
            }
        }
        Ok(())
    }

    fn step(&mut self, step: &Step) -> Result<(), Stop> {
        match &step.action {
            Action::Click { target, all } => self.click(target, *all),
            Action::WaitFor { target, visible, timeout_ms } => self.wait_for(target, *visible, *timeout_ms),
            Action::WaitForGone { target, timeout_ms } => {
                let until = Probe::Visible { visible: target.clone(), check: Check::Any };
                match self.wait(until, false, *timeout_ms)? {
                    true => Ok(()),
                    false => fail(format!("still shown after {timeout_ms} ms")),
                }
            }
            Action::WaitForThenClick { target, visible, timeout_ms, all } => {
                self.wait_for(target, *visible, *timeout_ms)?;
                self.click(target, *all)
            }
            Action::Wait { ms } => {
                let command = Command::Sleep { ms: *ms };
                match self.exec(&command)? {
                    Reply::Slept {} => Ok(()),
                    other => Err(wrong(&command, other)),
                }
            }
            Action::Hide { target } => {
                let command = Command::Hide { target: target.clone() };
                match self.exec(&command)? {
                    Reply::Hidden { .. } => Ok(()),
                    other => Err(wrong(&command, other)),
                }
            }
            Action::If { condition, then, otherwise } => match self.condition(condition)? {
                true => self.steps("then", then),
                false => self.steps("else", otherwise),
            },
            Action::Any { steps } => {
                let mut failures = Vec::new();
                for (i, child) in steps.iter().enumerate() {
                    match self.step(child) {
                        Ok(()) => return Ok(()),
                        Err(Stop::Fail(_)) if child.optional => return Ok(()),
                        Err(Stop::Fail(why)) => failures.push(format!("{} ({}): {why}", i + 1, describe(&child.action))),
                        Err(stop) => return Err(stop),
                    }
                }
                fail(format!("no step succeeded: {}", failures.join("; ")))
            }
            Action::Set { target, on, kind, off } => {
                let off = off.as_ref().map(|off| target.sibling(off));
                match self.set(target, kind, *on, off)? {
                    (_, Some(now)) if now == *on => Ok(()),
                    (_, Some(_)) => fail(format!("still {}", on_off(!on))),
                    (_, None) => fail("not found"),
                }
            }
        }
    }

    fn condition(&mut self, condition: &Condition) -> Result<bool, Stop> {
        let probe = match condition {
            Condition::Not(inner) => return Ok(!self.condition(inner)?),
            Condition::Exists(s) => Probe::Exists { exists: s.clone() },
            Condition::Visible(s) => Probe::Visible { visible: s.clone(), check: Check::Any },
        };
        Ok(self.probe(vec![probe])?.first().copied().flatten() == Some(true))
    }

    /// The recorded reply to `command`, or a stop asking for it.
    fn exec(&mut self, command: &Command) -> Result<&'a Reply, Stop> {
        match self.replies.get(self.used) {
            Some(reply) => {
                self.used += 1;
                Ok(reply)
            }
            None if self.used >= MAX_COMMANDS as usize => Err(Stop::Abort(format!("gave up after {MAX_COMMANDS} commands"))),
            None => Err(Stop::Suspend(Box::new(command.clone()))),
        }
    }

    fn probe(&mut self, probes: Vec<Probe>) -> Result<Vec<Option<bool>>, Stop> {
        let state: Vec<bool> = probes.iter().map(|p| matches!(p, Probe::State { .. })).collect();
        let command = Command::Probe { probes };
        match self.exec(&command)? {
            Reply::Probed { results } if results.len() == state.len() && results.iter().zip(&state).all(|(r, &s)| s || r.is_some()) => {
                Ok(results.clone())
            }
            other => Err(wrong(&command, other)),
        }
    }

    fn any_visible(&mut self, selectors: &[Selector]) -> Result<bool, Stop> {
        let probes = selectors.iter().map(|s| Probe::Visible { visible: s.clone(), check: Check::Any }).collect();
        Ok(self.probe(probes)?.contains(&Some(true)))
    }

    fn click(&mut self, target: &Selector, all: bool) -> Result<(), Stop> {
        let command = Command::Click { target: target.clone(), all };
        match self.exec(&command)? {
            Reply::Clicked { clicked: 0 } => fail("nothing matched"),
            Reply::Clicked { .. } => Ok(()),
            other => Err(wrong(&command, other)),
        }
    }

    fn wait(&mut self, until: Probe, want: bool, timeout_ms: u32) -> Result<bool, Stop> {
        let command = Command::Wait { until, want, timeout_ms };
        match self.exec(&command)? {
            Reply::Waited { met } => Ok(*met),
            other => Err(wrong(&command, other)),
        }
    }

    fn wait_for(&mut self, target: &Selector, visible: bool, timeout_ms: u32) -> Result<(), Stop> {
        let until = match visible {
            true => Probe::Visible { visible: target.clone(), check: Check::Any },
            false => Probe::Exists { exists: target.clone() },
        };
        match self.wait(until, true, timeout_ms)? {
            true => Ok(()),
            false => fail(format!("{} after {timeout_ms} ms", if visible { "not visible" } else { "not there" })),
        }
    }

    fn set(&mut self, target: &Selector, kind: &Kind, on: bool, off: Option<Selector>) -> Result<(Option<bool>, Option<bool>), Stop> {
        let command = Command::Set { target: target.clone(), kind: kind.clone(), on, off };
        match self.exec(&command)? {
            Reply::Set { was, now } => Ok((*was, *now)),
            other => Err(wrong(&command, other)),
        }
    }
}

fn wrong(command: &Command, reply: &Reply) -> Stop {
    Stop::Abort(format!("the executor's reply to {} has the wrong shape: {} (expected {})", command.op(), short(reply), command.expected()))
}

/// A step as the failure messages name it: `click "#reject"`.
fn describe(action: &Action) -> String {
    let condition = |c: &Condition| {
        let mut c = c;
        let mut text = String::new();
        while let Condition::Not(inner) = c {
            text.push_str("not ");
            c = inner;
        }
        match c {
            Condition::Exists(s) => format!("{text}exists {s}"),
            Condition::Visible(s) => format!("{text}visible {s}"),
            Condition::Not(_) => text,
        }
    };
    match action {
        Action::Click { target, all } => format!("click {target}{}", if *all { " all" } else { "" }),
        Action::WaitFor { target, .. } => format!("waitFor {target}"),
        Action::WaitForGone { target, .. } => format!("waitForGone {target}"),
        Action::WaitForThenClick { target, .. } => format!("waitForThenClick {target}"),
        Action::Wait { ms } => format!("wait {ms} ms"),
        Action::Hide { target } => format!("hide {target}"),
        Action::If { condition: c, .. } => format!("if {}", condition(c)),
        Action::Any { steps } => format!("any of {} steps", steps.len()),
        Action::Set { target, on, .. } => format!("set {target} {}", on_off(*on)),
    }
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
