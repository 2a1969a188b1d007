//! Embeds the Ghostery tracker database that `./build.sh` installs from npm
//! (`node_modules/@ghostery/trackerdb/dist/trackerdb.json`, or `$TRUSTLEDGER_TRACKERDB`) into
//! native builds, so `trustledger classify` attributes requests with no file at run time.
//! Without it the crate still builds; the CLI then says how to get it.

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
}
