//! `trustledger bench`: engine build time, snapshot size and load time, heap after load, and
//! per-request median and p99 — for this engine and, when the binary is built with the `peer`
//! feature (`./build.sh bench` does), for Brave's `adblock` crate on the same lists and requests
//! in the same process, so the ratios come from one run on one machine.
//!
//! Heap is measured with a counting global allocator (current live bytes), the way
//! adblock-rust's own `bench_memory.rs` does. Per-request times wrap each call in
//! `Instant::now()`; both engines pay the same timer cost.

#![allow(unsafe_code)] // reason: a GlobalAlloc impl is unsafe by definition; it only forwards to System

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use trustledger::{Engine, EngineBuilder};

use crate::input::{self, Record};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged and only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

const USAGE: &str =
    "usage: trustledger bench --list FILE... --requests FILE [--passes N] [--no-trackerdb] [--json OUT] [--snapshot-out FILE]";

struct Args {
    lists: Vec<String>,
    requests: String,
    passes: usize,
    trackerdb: bool,
    json: Option<String>,
    snapshot_out: Option<String>,
    /// Skip the peer even when it is compiled in.
    no_peer: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut a =
        Args { lists: Vec::new(), requests: String::new(), passes: 5, trackerdb: true, json: None, snapshot_out: None, no_peer: false };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"));
        match flag.as_str() {
            "--list" => a.lists.push(value()?),
            "--requests" => a.requests = value()?,
            "--passes" => a.passes = value()?.parse().map_err(|_| format!("--passes needs a number\n{USAGE}"))?,
            "--json" => a.json = Some(value()?),
            "--snapshot-out" => a.snapshot_out = Some(value()?),
            "--no-trackerdb" => a.trackerdb = false,
            "--no-peer" => a.no_peer = true,
            other => return Err(format!("unknown bench option {other}\n{USAGE}")),
        }
    }
    if a.lists.is_empty() || a.requests.is_empty() || a.passes == 0 {
        return Err(USAGE.to_owned());
    }
    Ok(a)
}

/// One engine's figures.
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Figures {
    engine: String,
    build_ms: f64,
    snapshot_bytes: usize,
    load_ms: f64,
    heap_after_build_bytes: usize,
    heap_after_load_bytes: usize,
    median_ns: f64,
    p99_ns: f64,
    mean_ns: f64,
    blocked: usize,
}

/// Median milliseconds of `times` runs of `f`; what `f` returns is dropped outside the timing.
fn median_ms<T>(times: usize, mut f: impl FnMut() -> T) -> f64 {
    let mut runs: Vec<Duration> = (0..times)
        .map(|_| {
            let t = Instant::now();
            let out = black_box(f());
            let d = t.elapsed();
            drop(out);
            d
        })
        .collect();
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1e3
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize] as f64
}

/// Per-request figures for each engine, timed in interleaved passes (ours, peer, ours, …) so
/// that drift in the machine's speed falls on both alike. One untimed warm-up pass each first.
fn time_interleaved(passes: usize, n: usize, engines: &mut [&mut dyn FnMut(usize) -> bool]) -> Vec<(f64, f64, f64, usize)> {
    let blocked: Vec<usize> = engines.iter_mut().map(|one| (0..n).filter(|&i| one(i)).count()).collect();
    let mut samples: Vec<Vec<u64>> = engines.iter().map(|_| Vec::with_capacity(passes * n)).collect();
    for _ in 0..passes {
        for (one, samples) in engines.iter_mut().zip(&mut samples) {
            for i in 0..n {
                let t = Instant::now();
                black_box(one(i));
                samples.push(t.elapsed().as_nanos() as u64);
            }
        }
    }
    samples
        .into_iter()
        .zip(blocked)
        .map(|(mut s, blocked)| {
            s.sort_unstable();
            let mean = s.iter().sum::<u64>() as f64 / s.len() as f64;
            (percentile(&s, 0.5), percentile(&s, 0.99), mean, blocked)
        })
        .collect()
}

pub fn run(args: &[String]) -> Result<(), String> {
    let a = parse(args)?;
    let texts: Vec<(String, String)> = a
        .lists
        .iter()
        .map(|p| {
            let name = std::path::Path::new(p).file_name().map_or(p.clone(), |n| n.to_string_lossy().into_owned());
            std::fs::read_to_string(p).map(|t| (name, t)).map_err(|e| format!("cannot read {p}: {e}"))
        })
        .collect::<Result<_, _>>()?;
    let db = if a.trackerdb {
        Some(
            trustledger::TrackerDb::embedded()
                .ok_or("TrackerDB is not compiled in: run ./build.sh, or pass --no-trackerdb")?
                .map_err(|e| e.to_string())?,
        )
    } else {
        None
    };
    let mut requests = Vec::new();
    for record in input::open(&a.requests)? {
        if let Record::Request(r) = record? {
            if r.url != "http://" && r.url != "https://" {
                requests.push(r);
            }
        }
    }
    if requests.is_empty() {
        return Err(format!("{}: no requests", a.requests));
    }
    let build = |db: Option<trustledger::TrackerDb>| {
        let mut b = EngineBuilder::new();
        for (name, text) in &texts {
            b.add_list(name, text);
        }
        if let Some(db) = db {
            b.trackerdb(db);
        }
        b.build().0
    };

    // Ours.
    let mut ours = Figures { engine: format!("trustledger {}", env!("CARGO_PKG_VERSION")), ..Figures::default() };
    ours.build_ms = median_ms(3, || build(db.clone()));
    let before = live();
    let engine = build(db.clone());
    ours.heap_after_build_bytes = live().saturating_sub(before);
    let snapshot = engine.to_snapshot();
    drop(engine);
    ours.snapshot_bytes = snapshot.len();
    if let Some(out) = &a.snapshot_out {
        std::fs::write(out, &snapshot).map_err(|e| format!("cannot write {out}: {e}"))?;
    }
    ours.load_ms = median_ms(20, || Engine::from_snapshot(black_box(&snapshot)));
    let before = live();
    let engine = Engine::from_snapshot(&snapshot).map_err(|e| e.to_string())?;
    ours.heap_after_load_bytes = live().saturating_sub(before);
    let [blocking, exceptions] = engine.index_stats();
    for (kind, st) in [("blocking", &blocking), ("exception", &exceptions)] {
        println!(
            "{kind} filters by index: host {}, token {}, domain {}, 3-gram {}, checked for every request {}",
            st.host, st.token, st.domain, st.gram, st.fallback
        );
    }

    let mut mine = |i: usize| engine.classify(&requests[i].url, &requests[i].source, requests[i].rtype).matched;
    let peer_setup = if a.no_peer { None } else { peer::setup(&texts, db.as_ref(), &requests) };
    let (mut peer, mut theirs) = match peer_setup {
        Some((figures, classify)) => (Some(figures), Some(classify)),
        None => (None, None),
    };
    let mut engines: Vec<&mut dyn FnMut(usize) -> bool> = vec![&mut mine];
    if let Some(theirs) = theirs.as_mut() {
        engines.push(theirs.as_mut());
    }
    let timed = time_interleaved(a.passes, requests.len(), &mut engines);
    (ours.median_ns, ours.p99_ns, ours.mean_ns, ours.blocked) = timed[0];
    if let (Some(p), Some(t)) = (peer.as_mut(), timed.get(1)) {
        (p.median_ns, p.p99_ns, p.mean_ns, p.blocked) = *t;
    }
    print_table(&ours, peer.as_ref(), requests.len(), a.passes);
    if let Some(path) = &a.json {
        let doc = serde_json::json!({ "requests": requests.len(), "passes": a.passes, "ours": ours, "peer": peer, "indexes": [blocking, exceptions] });
        std::fs::write(path, serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)
            .map_err(|e| format!("cannot write {path}: {e}"))?;
    }
    Ok(())
}

fn mib(bytes: usize) -> String {
    format!("{:.3} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// A table row: its name, how one engine's figure reads, and the peer ÷ ours ratio.
type Row = (&'static str, fn(&Figures) -> String, fn(&Figures, &Figures) -> f64);

const ROWS: [Row; 8] = [
    ("engine build", |f| format!("{:.1} ms", f.build_ms), |o, p| p.build_ms / o.build_ms),
    ("snapshot size", |f| mib(f.snapshot_bytes), |o, p| p.snapshot_bytes as f64 / o.snapshot_bytes as f64),
    ("snapshot load", |f| format!("{:.2} ms", f.load_ms), |o, p| p.load_ms / o.load_ms),
    ("heap after build", |f| mib(f.heap_after_build_bytes), |o, p| p.heap_after_build_bytes as f64 / o.heap_after_build_bytes as f64),
    ("heap after load", |f| mib(f.heap_after_load_bytes), |o, p| p.heap_after_load_bytes as f64 / o.heap_after_load_bytes as f64),
    ("per request, median", |f| format!("{:.0} ns", f.median_ns), |o, p| p.median_ns / o.median_ns),
    ("per request, p99", |f| format!("{:.0} ns", f.p99_ns), |o, p| p.p99_ns / o.p99_ns),
    ("blocked requests", |f| f.blocked.to_string(), |_, _| f64::NAN),
];

fn print_table(ours: &Figures, peer: Option<&Figures>, n: usize, passes: usize) {
    println!("{n} requests × {passes} passes (after one warm-up pass)\n");
    match peer {
        Some(p) => {
            println!("| measure | {} | {} | ratio (peer ÷ ours) |\n|---|---:|---:|---:|", ours.engine, p.engine);
            for (name, show, ratio) in ROWS {
                let r = ratio(ours, p);
                let r = if r.is_nan() { String::from("—") } else { format!("{r:.2}×") };
                println!("| {name} | {} | {} | {r} |", show(ours), show(p));
            }
        }
        None => {
            println!("| measure | {} |\n|---|---:|", ours.engine);
            for (name, show, _) in ROWS {
                println!("| {name} | {} |", show(ours));
            }
            println!("\n(peer not compiled in: build with `--features peer` to run Brave's adblock crate beside it)");
        }
    }
}

/// The peer: what Brave's adblock crate measures on the same lists, and a closure classifying
/// request `i` with it (same request, type name as adblock spells it, method GET).
type Classify<'a> = Box<dyn FnMut(usize) -> bool + 'a>;

#[cfg(feature = "peer")]
mod peer {
    use super::*;

    pub fn setup<'a>(
        texts: &[(String, String)],
        db: Option<&trustledger::TrackerDb>,
        requests: &'a [input::Request],
    ) -> Option<(Figures, Classify<'a>)> {
        let mut all: Vec<String> = texts.iter().map(|(_, t)| t.clone()).collect();
        if let Some(db) = db {
            all.push(db.patterns.iter().flat_map(|p| p.filters.iter()).map(|f| format!("{f}\n")).collect());
        }
        let build = || {
            let mut set = adblock::lists::FilterSet::new(false);
            for t in &all {
                set.add_filter_list(t.clone(), adblock::lists::ParseOptions::default());
            }
            adblock::Engine::new_with_filter_set(set)
        };
        let mut f = Figures { engine: "adblock 0.13.5".into(), ..Figures::default() };
        f.build_ms = median_ms(3, build);
        let before = live();
        let engine = build();
        f.heap_after_build_bytes = live().saturating_sub(before);
        let bytes = engine.serialize();
        drop(engine);
        f.snapshot_bytes = bytes.len();
        f.load_ms = median_ms(20, || {
            let mut e = adblock::Engine::default();
            let ok = e.deserialize(black_box(&bytes)).is_ok();
            (e, ok)
        });
        let before = live();
        let mut engine = adblock::Engine::default();
        engine.deserialize(&bytes).ok()?;
        f.heap_after_load_bytes = live().saturating_sub(before);
        let types: Vec<&'static str> = requests.iter().map(|r| r.rtype.as_str()).collect();
        let classify = move |i: usize| {
            let r = &requests[i];
            adblock::request::Request::new(&r.url, &r.source, types[i], "GET")
                .is_ok_and(|req| engine.check_network_request(&req).should_block())
        };
        Some((f, Box::new(classify)))
    }
}

#[cfg(not(feature = "peer"))]
mod peer {
    use super::*;

    pub fn setup<'a>(
        _: &[(String, String)],
        _: Option<&trustledger::TrackerDb>,
        _: &'a [input::Request],
    ) -> Option<(Figures, Classify<'a>)> {
        None
    }
}
