//! Network filters: the Adblock Plus syntax ([`parse`]) and its pattern language ([`pattern`]).

pub mod parse;
pub mod pattern;

pub use parse::{parse_line, Line, NetworkFilter, Skip};
