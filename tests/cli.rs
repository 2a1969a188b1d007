//! End-to-end tests of the `trustledger` command line: the binary runs in
//! `tests/fixtures/cli/` (two small lists, requests as JSON Lines, a JSON array and a
//! hand-written HAR, a tiny TrackerDB) and its JSON output is checked field by field.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_trustledger");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cli");
/// Both fixture lists, without TrackerDB.
const LISTS: &str = "--no-trackerdb --list privacy.txt --list extra.txt";

const GA: &str = r#"{"url":"https://www.google-analytics.com/analytics.js",
    "sourceUrl":"https://news.example/","type":"script"}"#;
const PIXEL: &str = r#"{"url":"https://tracker.example/t.gif",
    "sourceUrl":"https://news.example/","type":"image"}"#;

/// Runs `trustledger` in the fixtures directory: `args` split on spaces, then `more` as they
/// are (for paths that may hold spaces), with `stdin` piped in when given.
fn trustledger(args: &str, more: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args.split_whitespace())
        .args(more)
        .current_dir(FIXTURES)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start trustledger");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait for trustledger")
}

fn run(args: &str) -> Output {
    trustledger(args, &[], None)
}

/// JSON on one line, as JSON Lines input needs it.
fn one_line(json: &str) -> String {
    json.split_whitespace().collect::<Vec<_>>().join("")
}

/// A fresh scratch path for one test (absent when returned).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("create the scratch directory");
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The stdout of a successful run, one JSON value per line.
fn json_lines(out: &Output) -> Vec<Value> {
    assert!(out.status.success(), "trustledger failed ({}): {}", out.status, stderr(out));
    let text = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    let parse = |l: &str| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"));
    text.lines().map(parse).collect()
}

/// Checks the given fields of one output object.
fn check(got: &Value, expected: Value) {
    let Value::Object(fields) = expected else { panic!("expected an object") };
    for (key, want) in fields {
        assert_eq!(got[&key], want, "field `{key}` of {got}");
    }
}

/// Checks each output object against its expectation, in order.
fn check_all(rows: &[Value], expected: Vec<Value>) {
    assert_eq!(rows.len(), expected.len(), "{rows:#?}");
    for (row, want) in rows.iter().zip(expected) {
        check(row, want);
    }
}

/// What `requests.jsonl` must give, in order (line 3 is blank, lines 4 and 7 are malformed).
fn check_jsonl_output(rows: &[Value]) {
    check_all(
        rows,
        vec![
            json!({
                "url": "https://tracker.example/t.gif", "type": "image", "match": true,
                "filter": "||tracker.example^$third-party", "list": "privacy.txt", "line": 5,
                "exception": null, "thirdParty": true,
                "domain": "tracker.example", "sourceDomain": "news.example",
            }),
            json!({
                "match": false, "filter": "||tracker.example^$third-party", "line": 5,
                "exception": "@@||tracker.example/ok.js", "exceptionList": "privacy.txt",
                "exceptionLine": 8, "thirdParty": true,
            }),
            json!({"error": "expected value (column 42)", "line": 4}),
            json!({
                "url": "https://www.tracker.example/t.gif", "match": false,
                "filter": null, "list": null, "line": null, "thirdParty": false,
            }),
            // frameUrl stands for sourceUrl, cpt for type; the exception is from the second list.
            json!({
                "type": "xmlhttprequest", "match": false,
                "filter": "||pixel.example/collect", "list": "privacy.txt", "line": 6,
                "exception": "@@||pixel.example/collect?allow=", "exceptionList": "extra.txt",
                "exceptionLine": 3, "sourceDomain": "news.example",
            }),
            json!({"line": 7}),
            // No source: an unknown page, so third party; no type: `other`, spared by `$script`.
            json!({
                "url": "https://cdn.example/track.js", "type": "other", "match": false,
                "thirdParty": true, "sourceDomain": null,
            }),
            json!({
                "type": "subdocument", "match": true, "filter": "/beacon.gif",
                "list": "privacy.txt", "line": 7, "thirdParty": false,
            }),
            json!({
                "type": "ping", "match": true, "filter": "||extra.example^",
                "list": "extra.txt", "line": 2, "organization": null,
            }),
        ],
    );
    let error = rows[5]["error"].as_str().unwrap_or_default();
    assert!(error.contains("missing field `url`"), "{}", rows[5]);
}

#[test]
fn classifies_json_lines_and_reports_bad_lines_in_place() {
    let out = run(&format!("classify {LISTS} --input requests.jsonl"));
    check_jsonl_output(&json_lines(&out));
    let summary = stderr(&out);
    assert!(summary.contains("7 requests classified, 3 matched, 2 errors"), "{summary}");
    let report = "list privacy.txt: \"CLI Test Privacy\" version 202601010000, \
                  4 filters, 1 exceptions, 2 skipped (cosmetic filter: 1; \
                  unsupported option $csp: 1)";
    assert!(summary.contains(report), "{summary}");
}

#[test]
fn reads_stdin() {
    let text = std::fs::read_to_string(format!("{FIXTURES}/requests.jsonl")).expect("fixture");
    let out = trustledger(&format!("classify {LISTS} --input - --quiet"), &[], Some(&text));
    check_jsonl_output(&json_lines(&out));
    assert_eq!(stderr(&out), "", "--quiet prints no summary");
}

#[test]
fn reads_a_json_array_ignoring_unknown_fields() {
    let rows = json_lines(&run(&format!("classify {LISTS} --input requests.json")));
    check_all(
        &rows,
        vec![
            json!({
                "url": "https://tracker.example/t.gif", "match": true,
                "list": "privacy.txt", "line": 5,
            }),
            json!({"index": 1, "error": "invalid type: integer `42`, expected a string"}),
            json!({
                "url": "https://cdn.example/track.js", "type": "script", "match": true,
                "filter": "||cdn.example/track.js$script", "line": 11,
            }),
        ],
    );
    assert!(rows[1].get("line").is_none(), "array errors carry an index, not a line");
}

#[test]
fn reads_a_har_with_pages_types_and_sources() {
    let out = run(&format!("classify {LISTS} --input page.har"));
    // Told by content too: a HAR on stdin.
    let har = std::fs::read_to_string(format!("{FIXTURES}/page.har")).expect("fixture");
    let piped = trustledger(&format!("classify {LISTS} --input -"), &[], Some(&har));
    assert_eq!(String::from_utf8_lossy(&piped.stdout), String::from_utf8_lossy(&out.stdout));
    let rows = json_lines(&out);
    check_all(
        &rows,
        vec![
            // The page's first document is the top document, its own page.
            json!({
                "url": "https://news.example/article", "type": "document",
                "thirdParty": false, "sourceDomain": "news.example",
            }),
            json!({
                "url": "https://tracker.example/t.gif", "type": "image", "match": true,
                "line": 5, "sourceDomain": "news.example",
            }),
            // No _resourceType: the type comes from the MIME type.
            json!({
                "url": "https://cdn.example/track.js", "type": "script", "match": true,
                "line": 11, "sourceDomain": "news.example",
            }),
            // A later document of the same page is a frame.
            json!({
                "url": "https://widgets.example/frame.html", "type": "subdocument",
                "sourceDomain": "news.example",
            }),
            // No pageref: the Referer header is the page.
            json!({
                "url": "https://extra.example/api", "type": "xmlhttprequest", "match": true,
                "list": "extra.txt", "sourceDomain": "blog.example",
            }),
            json!({"entry": 5, "error": "log.entries[5].request.url missing"}),
            // A page with no document entry: its title, a URL, is the page.
            json!({
                "url": "https://pixel.example/collect", "type": "image", "match": true,
                "line": 6, "sourceDomain": "shop.example",
            }),
            // Neither pageref nor Referer: the HAR's first entry is the page.
            json!({
                "url": "https://news.example/font.woff2", "type": "font",
                "thirdParty": false, "sourceDomain": "news.example",
            }),
        ],
    );
}

#[test]
fn without_trackerdb_there_is_no_organization() {
    let input = one_line(GA);
    let out = trustledger("classify --no-trackerdb --list privacy.txt --input -", &[], Some(&input));
    let want = json!({
        "match": false, "organization": null, "category": null, "attribution": null,
    });
    check(&json_lines(&out)[0], want);
}

#[test]
fn embedded_trackerdb_attributes_google_analytics() {
    // build.sh always installs TrackerDB: a binary built without it fails here, never skips.
    let out = trustledger("classify --list privacy.txt --input -", &[], Some(&one_line(GA)));
    assert!(out.status.success(), "TrackerDB must be embedded (./build.sh): {}", stderr(&out));
    let want = json!({
        "match": true, "list": "trackerdb", "organization": "Google",
        "category": "site_analytics", "pattern": "Google Analytics",
    });
    check(&json_lines(&out)[0], want);
}

#[test]
fn trackerdb_from_a_file() {
    let args = "classify --trackerdb trackerdb.json --list privacy.txt --input -";
    let out = trustledger(args, &[], Some(&one_line(PIXEL)));
    let want = json!({
        "match": true, "list": "privacy.txt", "line": 5,
        "organization": "Example Trackers Inc", "category": "advertising",
        "pattern": "Example Pixel", "attribution": "trackerdb-filter",
    });
    check(&json_lines(&out)[0], want);
}

#[test]
fn snapshot_round_trip_gives_identical_output() {
    let snapshot = scratch("engine.bin");
    let path = snapshot.to_str().expect("UTF-8 scratch path");
    let made = trustledger(&format!("snapshot {LISTS} --out"), &[path], None);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stderr(&made).contains(" bytes"), "{}", stderr(&made));
    let tmp = snapshot.with_file_name("engine.bin.tmp");
    assert!(snapshot.exists() && !tmp.exists(), "written, and the temporary file renamed away");

    let direct = run(&format!("classify {LISTS} --input requests.jsonl"));
    let loaded = trustledger("classify --input requests.jsonl --snapshot", &[path], None);
    check_jsonl_output(&json_lines(&loaded));
    assert_eq!(String::from_utf8_lossy(&loaded.stdout), String::from_utf8_lossy(&direct.stdout));
}

#[test]
fn a_bad_snapshot_is_a_clear_error() {
    let garbage = scratch("garbage.bin");
    std::fs::write(&garbage, b"definitely not an engine").expect("write the scratch file");
    let path = garbage.to_str().expect("UTF-8 scratch path");
    let out = trustledger("classify --input requests.jsonl --snapshot", &[path], None);
    assert_eq!(out.status.code(), Some(1));
    let message = stderr(&out);
    assert!(message.contains(path) && message.contains("not a Trust Ledger engine snapshot"));
    assert!(out.stdout.is_empty());
}

#[test]
fn missing_files_are_named() {
    let out = run("classify --no-trackerdb --list no/such/list.txt --input requests.jsonl");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no/such/list.txt"), "{}", stderr(&out));

    let out = run("classify --no-trackerdb --list privacy.txt --input no/such/input.jsonl");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no/such/input.jsonl"), "{}", stderr(&out));
}

#[test]
fn command_line_errors_exit_2_with_usage() {
    for args in [
        "classify --frobnicate",
        "frobnicate",
        "classify --list",
        "classify --list privacy.txt",
        "classify --no-trackerdb --trackerdb x.json --list privacy.txt --input -",
        "classify --snapshot x.bin --list privacy.txt --input -",
        "snapshot --list privacy.txt",
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args}: {}", stderr(&out));
        assert!(stderr(&out).contains("Usage:"), "{args}");
    }
    assert!(stderr(&run("classify --frobnicate")).contains("unknown option `--frobnicate`"));
}

#[test]
fn help_prints_usage() {
    for args in ["--help", "help", "", "classify --help"] {
        let out = run(args);
        assert!(out.status.success(), "{args}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("trustledger classify"), "{args}");
    }
}

#[test]
fn lists_prints_reports_as_json() {
    let out = run(&format!("lists {LISTS}"));
    assert!(out.status.success(), "{}", stderr(&out));
    let reports: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(reports.as_array().map(Vec::len), Some(2), "no TrackerDB report: {reports}");
    let privacy = json!({
        "name": "privacy.txt", "title": "CLI Test Privacy", "version": "202601010000",
        "filters": 4, "exceptions": 1,
        "skipped": {"cosmetic filter": 1, "unsupported option $csp": 1},
    });
    check(&reports[0], privacy);
    check(&reports[1], json!({"name": "extra.txt", "filters": 1, "exceptions": 1}));
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let input = scratch("many.jsonl");
    let text = format!("{}\n", one_line(PIXEL)).repeat(50_000);
    std::fs::write(&input, text).expect("write the scratch input");
    let mut child = Command::new(BIN)
        .args(["classify", "--no-trackerdb", "--list", "privacy.txt", "--input"])
        .arg(&input)
        .current_dir(FIXTURES)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start trustledger");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).expect("read one line");
    assert!(first.contains("\"match\":true"), "{first}");
    // The reader is gone now, as after `| head -1`.
    let out = child.wait_with_output().expect("wait for trustledger");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no summary and no error after a closed pipe");
}
