//! `trustledger snapshot`: compiles lists (and TrackerDB) into the binary engine snapshot the
//! extension ships. The file is written atomically (`<out>.tmp`, then renamed), so a failed run
//! never leaves a half-written snapshot where a good one is expected.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use trustledger::Engine;

use crate::{build_engine, failed, report_line, trackerdb_label, usage, CliError, Options};

pub fn run(opts: &Options) -> Result<(), CliError> {
    let out = opts.out.as_deref().ok_or_else(|| usage("snapshot needs --out FILE"))?;
    let (engine, reports) = build_engine(opts)?;
    let bytes = engine.to_snapshot();
    // Never ship a snapshot this build cannot read back.
    if let Err(e) = Engine::from_snapshot(&bytes) {
        return Err(failed(format!("the snapshot just built does not load back ({e}); nothing written")));
    }
    write_atomically(Path::new(out), &bytes).map_err(|e| failed(format!("cannot write {out}: {e}")))?;
    if !opts.quiet {
        eprintln!(
            "trustledger: wrote {out}: {} bytes, {} filters, TrackerDB {}",
            bytes.len(),
            engine.filter_count(),
            trackerdb_label(&engine)
        );
        for report in &reports {
            eprintln!("{}", report_line(report));
        }
    }
    Ok(())
}

/// Writes `bytes` to `<path>.tmp`, syncs it, then renames it over `path`; on failure the
/// temporary file is removed and `path` is untouched.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = temporary_path(path)?;
    let result = File::create(&tmp)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn temporary_path(path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut tmp = name.to_owned();
    tmp.push(".tmp");
    Ok(path.with_file_name(tmp))
}
