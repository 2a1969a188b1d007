//! `trustledger`: the researchers' command line around the engine.
//!
//! Subcommands: `classify` (requests in, one JSON verdict per request out), `snapshot` (compile
//! lists into the binary snapshot the extension ships), `lists` (what loading the lists found),
//! `consent-rules` (the consent rules and pre-hide style sheet the extension ships) and `bench`
//! (built separately, see `bench.rs`). This file holds argument parsing, engine
//! loading and the pieces the subcommands share; exit codes are 0 (ok), 1 (runtime error) and 2
//! (bad command line).

mod bench;
mod classify;
mod consent_cmd;
mod input;
mod snapshot_cmd;

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use trustledger::{Engine, EngineBuilder, ListReport, TrackerDb};

const USAGE: &str = "\
trustledger: classify requests against filter lists and TrackerDB

Usage:
  trustledger classify (--list FILE... | --snapshot FILE) --input REQUESTS [options]
  trustledger snapshot [--list FILE...] --out ENGINE.bin [options]
  trustledger lists --list FILE... [options]
  trustledger bench [bench options]
  trustledger consent-rules --rules DIR [--autoconsent FILE] --out BUNDLE.json --css PREHIDE.css
  trustledger help

Options:
  --list FILE         a filter list (Adblock Plus syntax); repeat for more lists. Verdicts
                      cite a list by its file name.
  --snapshot FILE     (classify) load a compiled engine instead of lists
  --no-trackerdb      build without TrackerDB (no company/category attribution)
  --trackerdb FILE    use this trackerdb.json instead of the one compiled in
  --input REQUESTS    (classify) JSON Lines of {\"url\", \"sourceUrl\", \"type\"}, one JSON array
                      of such objects, or a HAR file; `-` reads stdin. `frameUrl` and
                      `documentUrl` are accepted for `sourceUrl`, `cpt` for `type`.
  --out FILE          (snapshot) where to write the snapshot
  --quiet             no summary on stderr

classify prints one JSON object per request on stdout, in input order; a bad request prints
{\"error\": ..., \"line\"|\"index\"|\"entry\": N} in its place. Exit codes: 0 ok, 1 error,
2 bad command line.
";

/// Why a command failed: the command line was wrong (exit 2) or running it failed (exit 1).
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Failed(String),
}

/// Shorthand for a runtime error.
pub fn failed(message: impl Into<String>) -> CliError {
    CliError::Failed(message.into())
}

/// Shorthand for a command-line error.
pub fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// Which tracker database to build with.
#[derive(Debug, Default)]
pub enum TrackerDbChoice {
    /// The one `build.rs` compiled in.
    #[default]
    Embedded,
    Off,
    File(String),
}

/// The parsed command line of one subcommand.
#[derive(Debug, Default)]
pub struct Options {
    pub lists: Vec<String>,
    pub trackerdb: TrackerDbChoice,
    pub snapshot: Option<String>,
    pub input: Option<String>,
    pub out: Option<String>,
    pub quiet: bool,
}

const ENGINE_FLAGS: &[&str] = &["--list", "--no-trackerdb", "--trackerdb", "--quiet"];

impl Options {
    /// Parses `args` (after the subcommand), accepting only the flags in `allowed`. Values
    /// come as `--flag VALUE` or `--flag=VALUE`.
    fn parse(args: &[String], allowed: &[&str]) -> Result<Options, CliError> {
        let mut opts = Options::default();
        let mut trackerdb_flags = 0;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
                _ => (arg.as_str(), None),
            };
            if !allowed.contains(&flag) {
                return Err(if flag.starts_with('-') && flag != "-" {
                    usage(format!("unknown option `{flag}`"))
                } else {
                    usage(format!("unexpected argument `{arg}`"))
                });
            }
            let takes_value = !matches!(flag, "--no-trackerdb" | "--quiet");
            let value = match (takes_value, inline) {
                (false, Some(_)) => return Err(usage(format!("{flag} takes no value"))),
                (false, None) => String::new(),
                (true, Some(v)) => v,
                (true, None) => match it.next() {
                    Some(v) if !v.starts_with("--") => v.clone(),
                    _ => return Err(usage(format!("{flag} needs a value"))),
                },
            };
            match flag {
                "--list" => opts.lists.push(value),
                "--no-trackerdb" => opts.trackerdb = TrackerDbChoice::Off,
                "--trackerdb" => opts.trackerdb = TrackerDbChoice::File(value),
                "--snapshot" => opts.snapshot = Some(value),
                "--input" => opts.input = Some(value),
                "--out" => opts.out = Some(value),
                _ => opts.quiet = true, // "--quiet", the only flag left in any `allowed`
            }
            trackerdb_flags += usize::from(matches!(flag, "--no-trackerdb" | "--trackerdb"));
        }
        if trackerdb_flags > 1 {
            return Err(usage("give --no-trackerdb or --trackerdb FILE once, not both"));
        }
        Ok(opts)
    }
}

fn main() -> ExitCode {
    let args: Result<Vec<String>, OsString> = std::env::args_os().skip(1).map(OsString::into_string).collect();
    let result = match args {
        Ok(args) => run(&args),
        Err(arg) => Err(usage(format!("argument {arg:?} is not valid UTF-8"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Usage(message)) => {
            eprintln!("trustledger: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(CliError::Failed(message)) => {
            eprintln!("trustledger: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), CliError> {
    let command = args.first().map_or("help", String::as_str);
    let rest = args.get(1..).unwrap_or_default();
    let wants_help = rest.iter().any(|a| a == "--help" || a == "-h");
    match command {
        "bench" => bench::run(rest).map_err(CliError::Failed),
        "consent-rules" => consent_cmd::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        "classify" | "snapshot" | "lists" if wants_help => {
            print!("{USAGE}");
            Ok(())
        }
        "classify" => classify::run(&Options::parse(rest, &[ENGINE_FLAGS, &["--snapshot", "--input"]].concat())?),
        "snapshot" => snapshot_cmd::run(&Options::parse(rest, &[ENGINE_FLAGS, &["--out"]].concat())?),
        "lists" => lists(&Options::parse(rest, ENGINE_FLAGS)?),
        other if other.starts_with('-') => Err(usage(format!("unknown option `{other}` (give a command first)"))),
        other => Err(usage(format!("unknown command `{other}`"))),
    }
}

/// `trustledger lists`: the list reports as pretty JSON on stdout.
fn lists(opts: &Options) -> Result<(), CliError> {
    let (_, reports) = build_engine(opts)?;
    let json = serde_json::to_string_pretty(&reports).map_err(|e| failed(format!("cannot serialise the reports: {e}")))?;
    println!("{json}");
    Ok(())
}

/// The engine `classify` runs: from `--snapshot`, or built from `--list`s (with their reports).
pub fn load_engine(opts: &Options) -> Result<(Engine, Vec<ListReport>), CliError> {
    let Some(path) = &opts.snapshot else {
        return build_engine(opts);
    };
    if !opts.lists.is_empty() || !matches!(opts.trackerdb, TrackerDbChoice::Embedded) {
        return Err(usage(
            "--snapshot already holds its lists and TrackerDB: \
             give it without --list, --trackerdb or --no-trackerdb",
        ));
    }
    let bytes = fs::read(path).map_err(|e| failed(format!("cannot read {path}: {e}")))?;
    let engine = Engine::from_snapshot(&bytes).map_err(|e| failed(format!("cannot load snapshot {path}: {e}")))?;
    Ok((engine, Vec::new()))
}

/// Builds an engine from `--list` files and the chosen TrackerDB. Returns one report per list
/// (TrackerDB's last). Warns on stderr about a list with no network filter at all.
pub fn build_engine(opts: &Options) -> Result<(Engine, Vec<ListReport>), CliError> {
    if opts.lists.is_empty() && matches!(opts.trackerdb, TrackerDbChoice::Off) {
        return Err(usage("give at least one --list FILE (or use TrackerDB's filters)"));
    }
    let mut builder = EngineBuilder::new();
    let mut names = HashSet::new();
    for path in &opts.lists {
        let text = read_text(path)?;
        let name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or(path);
        if !names.insert(name.to_owned()) {
            return Err(failed(format!("two lists are named {name} (verdicts cite lists by file name): rename one")));
        }
        builder.add_list(name, &text);
    }
    if let Some(db) = load_trackerdb(&opts.trackerdb)? {
        builder.trackerdb(db);
    }
    let (engine, reports) = builder.build();
    for r in reports.iter().filter(|r| r.filters + r.exceptions == 0) {
        eprintln!("trustledger: warning: list {} has no network filter (is it a filter list?)", r.name);
    }
    Ok((engine, reports))
}

fn load_trackerdb(choice: &TrackerDbChoice) -> Result<Option<TrackerDb>, CliError> {
    const NOT_EMBEDDED: &str = "this binary was built without TrackerDB: run ./build.sh \
        (it installs @ghostery/trackerdb), or pass --no-trackerdb or --trackerdb FILE.json";
    match choice {
        TrackerDbChoice::Off => Ok(None),
        TrackerDbChoice::File(path) => {
            let text = read_text(path)?;
            let db = TrackerDb::from_json(&text, path);
            db.map(Some).map_err(|e| failed(format!("{path}: {e}")))
        }
        TrackerDbChoice::Embedded => match TrackerDb::embedded() {
            Some(Ok(db)) => Ok(Some(db)),
            Some(Err(e)) => Err(failed(format!("the embedded TrackerDB is unreadable: {e}"))),
            None => Err(failed(NOT_EMBEDDED)),
        },
    }
}

/// Reads a UTF-8 text file (a leading byte-order mark is dropped); errors name the path.
pub fn read_text(path: &str) -> Result<String, CliError> {
    let text = fs::read_to_string(path).map_err(|e| failed(format!("cannot read {path}: {e}")))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// The engine's TrackerDB version for the summaries ("none" without TrackerDB).
pub fn trackerdb_label(engine: &Engine) -> &str {
    match engine.trackerdb_version() {
        "" => "none",
        version => version,
    }
}

/// One compact line per list report, for the stderr summaries.
pub fn report_line(r: &ListReport) -> String {
    let mut line = format!("list {}:", r.name);
    if let Some(title) = &r.title {
        line += &format!(" \"{title}\"");
    }
    if let Some(version) = &r.version {
        line += &format!(" version {version}");
    }
    line += &format!(", {} filters, {} exceptions, {} skipped", r.filters, r.exceptions, r.skipped_total());
    if !r.skipped.is_empty() {
        let reasons: Vec<String> = r.skipped.iter().map(|(reason, n)| format!("{reason}: {n}")).collect();
        line += &format!(" ({})", reasons.join("; "));
    }
    line
}
