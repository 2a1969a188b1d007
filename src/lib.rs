//! # Trust Ledger's engine
//!
//! Pure Rust, tested natively, compiled to WebAssembly for the extension. Given a request (its
//! URL, the URL of the page or frame that made it, its resource type), the engine says whether it
//! is a tracker, which filter from which list and line decided, which exception overrode it,
//! whether it is first or third party, and which company and category are behind it.
//!
//! ## Usage
//!
//! ```
//! use trustledger::{EngineBuilder, ResourceType};
//!
//! let mut builder = EngineBuilder::new();
//! builder.add_list("my-list.txt", "||tracker.example^$third-party\n@@||tracker.example/ok.js");
//! let (engine, _reports) = builder.build();
//! let c = engine.classify_full("https://tracker.example/t.gif", "https://news.example/", ResourceType::Image);
//! assert!(c.matched && c.third_party);
//! assert_eq!(c.filter.as_deref(), Some("||tracker.example^$third-party"));
//! assert_eq!(c.line, Some(1));
//!
//! // Ship it as a snapshot, load it elsewhere.
//! let bytes = engine.to_snapshot();
//! let loaded = trustledger::Engine::from_snapshot(&bytes).expect("valid snapshot");
//! assert_eq!(loaded.classify_full("https://tracker.example/ok.js", "https://news.example/", ResourceType::Script).exception_line, Some(2));
//! ```
//!
//! ## Modules
//! - [`site`]: URL → host → registrable domain; first/third party.
//! - [`suffix`]: the Public Suffix List, as data.
//! - [`request`]: resource types and prepared requests.
//! - [`filters`]: the Adblock Plus network-filter syntax and pattern language.
//! - [`lists`]: whole lists, with line numbers, sections and skip counts.
//! - [`trackers`]: TrackerDB and list-section vendors (who is behind a request).
//! - [`engine`]: compile, classify, describe, snapshot.
//! - [`attribution`]: which site and visit each request the browser reports belongs to.
//! - [`ledger`]: the per-site trust ledger and its trust score.
//! - [`observer`]: browser reports → classified, attributed, numbered ledger events.
//! - [`policy`]: the person's own terms (purposes, permissions, grants, GPC, blocking, per-site
//!   exceptions), their JSON format, the IEEE 7012 proffer and the browser rules that enforce them.
//!
//! Browser bindings live in `src/web/` and are compiled for `wasm32` only.

pub mod attribution;
pub mod consent;
pub mod engine;
pub mod filters;
pub mod hash;
pub mod ledger;
pub mod lists;
pub mod observer;
pub mod policy;
pub mod request;
pub mod site;
pub mod suffix;
pub mod trackers;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use engine::snapshot::SnapshotError;
pub use engine::{Attribution, AttributionSource, Classification, Engine, EngineBuilder, Verdict};
pub use lists::ListReport;
pub use request::{Request, ResourceType};
pub use trackers::TrackerDb;
