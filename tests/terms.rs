//! The person's terms (`src/policy/`, `docs/terms.md`) on fixture files:
//! - `tests/fixtures/terms/valid/`: files that are read, and written back byte for byte (they are
//!   in the exact form `Terms::to_json` writes); the presets and the default among them;
//! - `tests/fixtures/terms/invalid/`: each `NAME.json` is refused with the error in `NAME.error`,
//!   and the terms held before are kept;
//! - `tests/fixtures/terms/enforce/`: what `valid/example.json` gives the browser at 12:00 on
//!   2026-11-22 (GPC rules, content settings) and its IEEE 7012 proffer.
//!
//! The example has two grants: the camera on `meet.example` until 12:30 and the location on
//! `maps.example` until 13:00; time is passed in, never read.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trustledger::policy::enforce::CONTENT_SETTING_TYPES;
use trustledger::policy::{Capability, CmpCategory, Decision, Preset, Purpose, Setting, Terms, TermsError, TrackerCategory};

const NOON: u64 = 1_795_348_800_000; // 2026-11-22T12:00:00Z
const MINUTE: u64 = 60_000;

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terms").join(name)
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture files of a folder with this extension, by name.
fn files(folder: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

fn example() -> Terms {
    Terms::from_json(&read(&dir("valid/example.json"))).expect("the example is valid")
}

fn json(path: &str) -> Value {
    serde_json::from_str(&read(&dir(path))).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn valid_files_are_read_and_written_back_exactly() {
    let valid = files("valid", "json");
    assert!(valid.len() >= 5, "{valid:?}");
    for path in valid {
        let text = read(&path);
        let terms = Terms::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(terms.to_json().expect("serialises") + "\n", text, "{}", path.display());
    }
}

#[test]
fn the_default_and_the_presets_are_their_files() {
    let cases = [
        ("default", Terms::default()),
        ("refuse-all", Preset::RefuseAll.terms()),
        ("balanced", Preset::Balanced.terms()),
        ("accept-all", Preset::AcceptAll.terms()),
    ];
    for (name, terms) in cases {
        assert_eq!(Terms::from_json(&read(&dir(&format!("valid/{name}.json")))).expect("valid"), terms, "{name}");
    }
    for &p in Preset::ALL {
        assert_eq!(Preset::from_key(p.key()), Some(p));
    }
}

#[test]
fn invalid_files_are_refused_with_their_exact_error_and_change_nothing() {
    let invalid = files("invalid", "json");
    assert!(invalid.len() >= 40, "{}", invalid.len());
    assert_eq!(files("invalid", "error").len(), invalid.len(), "one .error per .json");
    let before = example();
    for path in invalid {
        let expected = read(&path.with_extension("error"));
        let error = Terms::from_json(&read(&path)).expect_err(&path.display().to_string());
        assert_eq!(error.to_string(), expected.trim_end(), "{}", path.display());
        let mut held = before.clone();
        assert_eq!(held.import(&read(&path)), Err(error));
        assert_eq!(held, before, "{}: the terms held are kept", path.display());
    }
}

#[test]
fn errors_name_the_path_the_value_and_what_was_expected() {
    let text = read(&dir("invalid/exception-setting.json"));
    assert_eq!(
        Terms::from_json(&text),
        Err(TermsError::Invalid {
            path: "exceptions.maps.example.permissions.geolocation".into(),
            value: "\"sometimes\"".into(),
            expected: "one of allow, ask, deny".into(),
        })
    );
    assert_eq!(Terms::from_json(&read(&dir("invalid/version-too-new.json"))), Err(TermsError::TooNew(2)));
    assert!(matches!(Terms::from_json(&read(&dir("invalid/not-json.json"))), Err(TermsError::Json(_))));
}

#[test]
fn each_site_gets_its_exception_merged_over_the_defaults() {
    let t = example();

    let news = t.for_site("news.example", NOON);
    assert!(news.purpose_accepted(8) && news.purpose_accepted(10), "the exception's purposes");
    assert!(news.purpose_accepted(1), "the default's purposes");
    assert!(!news.purpose_accepted(9) && !news.purpose_accepted(3));
    assert!(!news.legitimate_interest_objected());
    assert!(news.gpc());
    assert!(news.blocks("advertising") && news.blocks("site_analytics"));

    let bank = t.for_site("online.bank.example", NOON);
    assert_eq!(bank.site(), "bank.example");
    assert!(!bank.gpc() && !bank.blocks("site_analytics") && bank.blocks("advertising"));
    assert!(bank.legitimate_interest_objected());

    let video = t.for_site("video.example", NOON);
    assert_eq!(video.purpose(Purpose::SocialMedia), Decision::Accept);
    assert!(video.cmp_category_accepted(CmpCategory::SocialMedia) && !video.cmp_category_accepted(CmpCategory::Marketing));
    assert!(video.blocks("audio_video_player") && !video.blocks("social_media"));
    assert_eq!(t.blocked_categories_for_site("video.example"), *video.blocked_categories());

    let other = t.for_site("elsewhere.example", NOON);
    assert!(other.cmp_category_accepted(CmpCategory::Preferences) && !other.cmp_category_accepted(CmpCategory::Statistics));
    assert!(!other.special_feature_accepted(1) && !other.special_feature_accepted(2));
    assert_eq!(other.permission(Capability::ClipboardRead), Setting::Deny);
    assert_eq!(other.permission(Capability::Geolocation), Setting::Ask);
}

#[test]
fn grants_apply_until_they_expire_by_themselves() {
    let mut t = example();
    let at = |t: &Terms, site: &str, c: Capability, now: u64| t.for_site(site, now).permission(c);

    assert_eq!(at(&t, "www.meet.example", Capability::Camera, NOON), Setting::Allow);
    assert_eq!(t.for_site("meet.example", NOON).granted_until(Capability::Camera), Some(NOON + 30 * MINUTE));
    assert_eq!(at(&t, "meet.example", Capability::Camera, NOON + 30 * MINUTE), Setting::Ask, "over, even before expire()");
    assert_eq!(at(&t, "meet.example", Capability::Microphone, NOON + 300 * MINUTE), Setting::Allow, "the exception stays");
    assert_eq!(at(&t, "maps.example", Capability::Geolocation, NOON + 59 * MINUTE), Setting::Allow);
    assert_eq!(at(&t, "maps.example", Capability::Camera, NOON), Setting::Ask, "a grant is for its capability only");

    assert_eq!(t.next_expiry(NOON), Some(NOON + 30 * MINUTE));
    assert!(t.expire(NOON + 30 * MINUTE - 1).is_empty());
    let over = t.expire(NOON + 30 * MINUTE);
    assert_eq!(over.len(), 1);
    assert_eq!((over[0].site.as_str(), over[0].capability), ("meet.example", Capability::Camera));
    assert_eq!(t.next_expiry(NOON + 30 * MINUTE), Some(NOON + 60 * MINUTE));
    assert_eq!(t.expire(NOON + 90 * MINUTE).len(), 1);
    assert_eq!(t.next_expiry(NOON + 90 * MINUTE), None);
    assert!(t.grants.is_empty());
    assert_eq!(Terms::from_json(&t.to_json().expect("serialises")).expect("valid"), t, "expired grants are gone from the file too");
}

#[test]
fn gpc_rule_excludes_the_excepted_sites() {
    let rules = serde_json::to_value(example().gpc_rules()).expect("serialises");
    assert_eq!(rules, json("enforce/example.gpc-rules.json"));
}

#[test]
fn content_settings_follow_the_grants() {
    let t = example();
    let noon = serde_json::to_value(t.content_settings(NOON)).expect("serialises");
    assert_eq!(noon, json("enforce/example.content-settings.json"));

    let patterns =
        |now| -> Vec<(&'static str, String)> { t.content_settings(now).into_iter().map(|r| (r.content_type, r.primary_pattern)).collect() };
    let at_noon = patterns(NOON);
    let camera_over = patterns(NOON + 30 * MINUTE);
    assert_eq!(camera_over, at_noon.iter().filter(|(ty, _)| *ty != "camera").cloned().collect::<Vec<_>>());
    let location_over = patterns(NOON + 60 * MINUTE);
    assert_eq!(location_over, camera_over.iter().filter(|(ty, _)| *ty != "location").cloned().collect::<Vec<_>>());
    assert!(at_noon.iter().all(|(ty, _)| CONTENT_SETTING_TYPES.contains(ty)));
}

#[test]
fn the_proffer_is_json_ld_in_the_p7012_vocabulary() {
    let proffer: Value = serde_json::from_str(&example().proffer_json_ld(NOON)).expect("JSON");
    assert_eq!(proffer, json("enforce/example.proffer.jsonld"));
    assert_eq!(proffer["@context"]["p7012"], "https://w3id.org/dpv/standards/p7012#");
    assert_eq!(proffer["@context"]["dpv"], "https://w3id.org/dpv#");

    let agreement = |t: Terms| -> Value {
        let v: Value = serde_json::from_str(&t.proffer_json_ld(0)).expect("JSON");
        v["p7012:hasAgreement"]["@id"].clone()
    };
    assert_eq!(agreement(Terms::default()), "p7012:SD-BASE");
    assert_eq!(agreement(Preset::Balanced.terms()), "p7012:SD-BASE-A");
    assert_eq!(agreement(Preset::AcceptAll.terms()), "p7012:SD-BASE-ATP-S3P");
    // Exceptions are per-site decisions: the example's news.example measurement is not proffered.
    assert_eq!(agreement(example()), "p7012:SD-BASE");
}

#[test]
fn tracker_categories_are_trackerdbs() {
    let db = common::trackerdb();
    let mut ours: Vec<&str> = TrackerCategory::ALL.iter().map(|c| c.key()).collect();
    let mut theirs: Vec<&str> = db.categories.iter().map(|c| c.id.as_str()).collect();
    ours.sort_unstable();
    theirs.sort_unstable();
    assert_eq!(ours, theirs, "{}: a category was added or removed; update TrackerCategory and docs/terms.md", db.version);
}
