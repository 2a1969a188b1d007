//! `trustledger classify`: every input request through the engine, one JSON object per request
//! on stdout (the engine's `Classification`, or `{"error", "line"|"index"|"entry"}` for a bad
//! one), in input order, then a summary on stderr.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use serde_json::json;
use trustledger::Engine;

use crate::input::{self, Record};
use crate::{failed, load_engine, report_line, trackerdb_label, usage, CliError, Options};

/// What a run saw, for the summary.
#[derive(Default)]
struct Tally {
    requests: usize,
    matched: usize,
    errors: usize,
}

/// Why writing stopped early.
enum Stop {
    /// stdout failed (a closed pipe is not an error: `trustledger classify … | head`).
    Output(io::Error),
    /// The input could not be read further.
    Input(String),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Output(e)
    }
}

pub fn run(opts: &Options) -> Result<(), CliError> {
    let path = opts.input.as_deref().ok_or_else(|| usage("classify needs --input FILE (or --input - for stdin)"))?;
    if opts.lists.is_empty() && opts.snapshot.is_none() {
        return Err(usage("classify needs --list FILE (one or more) or --snapshot FILE"));
    }
    let (engine, reports) = load_engine(opts)?;
    let records = input::open(path).map_err(CliError::Failed)?;

    let started = Instant::now();
    let mut tally = Tally::default();
    let mut out = BufWriter::new(io::stdout().lock());
    let result = classify_all(&engine, records, &mut out, &mut tally).and_then(|()| out.flush().map_err(Stop::Output));
    match result {
        Ok(()) => {}
        Err(Stop::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
        Err(Stop::Output(e)) => return Err(failed(format!("cannot write the output: {e}"))),
        Err(Stop::Input(message)) => {
            // Keep what was classified before the input broke.
            let _ = out.flush();
            return Err(failed(message));
        }
    }

    if !opts.quiet {
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "trustledger: {} requests classified, {} matched, {} errors ({seconds:.2} s)",
            tally.requests, tally.matched, tally.errors
        );
        if let Some(snapshot) = &opts.snapshot {
            eprintln!("engine from snapshot {snapshot}: {} filters, TrackerDB {}", engine.filter_count(), trackerdb_label(&engine));
            for list in engine.lists() {
                eprintln!(
                    "list {}: \"{}\" version {}",
                    list.name,
                    list.title.as_deref().unwrap_or("?"),
                    list.version.as_deref().unwrap_or("?")
                );
            }
        }
        for report in &reports {
            eprintln!("{}", report_line(report));
        }
    }
    Ok(())
}

fn classify_all(engine: &Engine, records: input::Records, out: &mut impl Write, tally: &mut Tally) -> Result<(), Stop> {
    for record in records {
        match record.map_err(Stop::Input)? {
            Record::Request(req) => {
                let c = engine.classify_full(&req.url, &req.source, req.rtype);
                tally.requests += 1;
                tally.matched += usize::from(c.matched);
                serde_json::to_writer(&mut *out, &c).map_err(io::Error::from)?;
            }
            Record::Invalid { at, message } => {
                tally.errors += 1;
                let (key, n) = at.key_value();
                let mut error = json!({ "error": message });
                error[key] = json!(n);
                serde_json::to_writer(&mut *out, &error).map_err(io::Error::from)?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}
