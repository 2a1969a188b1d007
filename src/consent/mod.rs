//! Consent dialogs: what the consent management platforms of sites record about the person's choices.

pub mod autoconsent;
pub mod cookies;
pub mod decide;
pub mod gpp;
pub mod heuristic;
pub mod rules;
pub mod session;
pub mod tcf;
pub mod verify;

pub use decide::{decide, Decision, Path, Switch, Wish};
pub use rules::{FramePlan, Rule, RuleError, RuleSet, Selector};
pub use session::{Answer, Command, Outcome, Reply, Session};
