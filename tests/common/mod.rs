//! Shared helpers for the integration tests: where the real data in `../shared/data/` is.
//!
//! A user's clone has no `../shared/`; tests that need it then say so and pass without running.
//! `./build.sh test` sets `TRUSTLEDGER_REQUIRE_DATA=1` whenever `../shared/data` exists, so in CI
//! a missing or unreadable file is a failure, not a skip.

#![allow(dead_code)] // reason: each test binary uses a different subset

use std::path::PathBuf;

pub fn data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TRUSTLEDGER_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("TRUSTLEDGER_REQUIRE_DATA").is_some() {
        panic!("TRUSTLEDGER_REQUIRE_DATA is set but {} is missing", dir.display());
    } else {
        eprintln!("SKIPPED: {} not found (the shared test data is not part of a plain clone)", dir.display());
        None
    }
}

pub fn read(name: &str) -> Option<String> {
    let path = data_dir()?.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// One record of `matching-test-requests.json`.
#[derive(serde::Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Recorded {
    pub url: String,
    pub source_url: String,
    #[serde(rename = "type")]
    pub rtype: String,
    #[serde(default)]
    pub filters: Vec<String>,
}

pub fn recorded_requests() -> Option<Vec<Recorded>> {
    let text = read("matching-test-requests.json")?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("matching-test-requests.json: {e}")))
}

/// The TrackerDB the build embedded; CI always has it (build.sh installs it).
pub fn trackerdb() -> trustledger::TrackerDb {
    match trustledger::TrackerDb::embedded() {
        Some(Ok(db)) => db,
        Some(Err(e)) => panic!("embedded TrackerDB is invalid: {e}"),
        None => panic!("TrackerDB is not embedded: run ./build.sh (it installs @ghostery/trackerdb)"),
    }
}
