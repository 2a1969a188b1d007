//! Build-time data:
//! - the Ghostery tracker database that `./build.sh` installs from npm
//!   (`node_modules/@ghostery/trackerdb/dist/trackerdb.json`, or `$TRUSTLEDGER_TRACKERDB`),
//!   embedded into native builds, so `trustledger classify` attributes requests with no file at
//!   run time. Without it the crate still builds; the CLI then says how to get it.
//! - the Public Suffix List (`data/public-suffix-rules.txt`) as three sorted tables of ASCII
//!   rules (internationalised labels in punycode, as browsers report hosts, and as written) for
//!   `src/suffix.rs`: data, not code, so the wasm module stays small and starts fast.

use std::{env, fs, path::PathBuf};

fn main() {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("trackerdb_embed.rs");
    println!("cargo:rerun-if-env-changed=TRUSTLEDGER_TRACKERDB");
    let package = manifest.join("node_modules/@ghostery/trackerdb");
    let json = env::var_os("TRUSTLEDGER_TRACKERDB").map(PathBuf::from).unwrap_or_else(|| package.join("dist/trackerdb.json"));
    println!("cargo:rerun-if-changed={}", json.display());
    println!("cargo:rerun-if-changed={}", package.join("package.json").display());
    let target = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let version = fs::read_to_string(package.join("package.json"))
        .ok()
        .and_then(|p| serde_json::from_str::<serde_json::Value>(&p).ok())
        .and_then(|v| v["version"].as_str().map(|s| format!("@ghostery/trackerdb {s}")))
        .unwrap_or_else(|| format!("TrackerDB from {}", json.display()));
    let code = if target != "wasm32" && json.is_file() {
        format!(
            "pub const JSON: Option<&str> = Some(include_str!({:?}));\npub const VERSION: &str = {:?};\n",
            json.display().to_string(),
            version
        )
    } else {
        if target != "wasm32" {
            println!(
                "cargo:warning=TrackerDB not found at {} (run ./build.sh to install it); building without attribution data",
                json.display()
            );
        }
        "pub const JSON: Option<&str> = None;\npub const VERSION: &str = \"none\";\n".to_owned()
    };
    if let Err(e) = fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
    public_suffix_tables(&manifest.join("data/public-suffix-rules.txt"));
}

/// Writes `psl_rules.rs`: `RULES`, `WILDCARDS` (the part after `*.`) and `EXCEPTIONS` (after
/// `!`), each sorted for binary search.
fn public_suffix_tables(list: &std::path::Path) {
    println!("cargo:rerun-if-changed={}", list.display());
    let text = fs::read_to_string(list).unwrap_or_else(|e| panic!("cannot read {}: {e}", list.display()));
    let (mut rules, mut wildcards, mut exceptions) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")) {
        let rule = line.to_lowercase();
        for form in [rule.clone(), rule.split('.').map(ascii_label).collect::<Vec<_>>().join(".")] {
            if let Some(rest) = form.strip_prefix('!') {
                exceptions.push(rest.to_owned());
            } else if let Some(rest) = form.strip_prefix("*.") {
                wildcards.push(rest.to_owned());
            } else {
                rules.push(form);
            }
        }
    }
    let mut code = String::new();
    for (name, mut table) in [("RULES", rules), ("WILDCARDS", wildcards), ("EXCEPTIONS", exceptions)] {
        table.sort();
        table.dedup();
        code.push_str(&format!("pub static {name}: &[&str] = &{table:?};\n"));
    }
    let out = PathBuf::from(env::var("OUT_DIR").unwrap_or_default()).join("psl_rules.rs");
    if let Err(e) = fs::write(&out, code) {
        panic!("cannot write {}: {e}", out.display());
    }
}

/// A label as it appears in a URL's host: ASCII as is, anything else `xn--` + punycode.
fn ascii_label(label: &str) -> String {
    if label.is_ascii() {
        label.to_owned()
    } else {
        format!("xn--{}", punycode(label))
    }
}

/// RFC 3492 punycode encoding of one label.
fn punycode(input: &str) -> String {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let digit = |d: u32| char::from(if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 });
    let adapt = |delta: u32, points: u32, first: bool| {
        let mut delta = if first { delta / 700 } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + 38)
    };
    let points: Vec<u32> = input.chars().map(u32::from).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    while (handled as usize) < points.len() {
        let m = points.iter().copied().filter(|&c| c >= n).min().unwrap_or(n);
        delta += (m - n) * (handled + 1);
        n = m;
        for &c in &points {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}
