#!/usr/bin/env bash
# Trust Ledger's one build script. Idempotent: it installs what it needs, then builds.
#
#   ./build.sh          build everything: native CLI, wasm engine, engine snapshot, and the
#                       loadable extension in dist/chromium/
#   ./build.sh test     formatting, lints, native tests, wasm tests under Node, browser tests
#   ./build.sh run      build, then the demo: Chromium with the extension on local demo sites
#                       (a window if there is a display; headless, it prints each site's ledger
#                       and saves popup screenshots to docs/screenshots/)
#   ./build.sh bench    benchmarks: this engine vs Brave's adblock crate, native and wasm; page
#                       loads with and without the extension; the worker's cold start
#
# The wasm-bindgen CLI is pinned to the exact `wasm-bindgen` version in Cargo.toml (one place).
set -euo pipefail
cd "$(dirname "$0")"

ROOT=$PWD
BUILD=$ROOT/build
DATA=${TRUSTLEDGER_DATA:-$ROOT/../shared/data}

log() { printf '\n== %s\n' "$*" >&2; }

wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml
}

setup() {
  apt_install node:nodejs npm:npm
  log "toolchain"
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
  local want; want=$(wasm_bindgen_version)
  [ -n "$want" ] || { echo "cannot read the pinned wasm-bindgen version from Cargo.toml" >&2; exit 1; }
  if ! command -v wasm-bindgen >/dev/null || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$want" ]; then
    cargo install wasm-bindgen-cli --version "$want" --locked
  fi
  log "npm packages (TrackerDB)"
  if [ ! -f node_modules/@ghostery/trackerdb/dist/trackerdb.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
  fi
}

build_native() {
  log "native CLI (target/release/trustledger)"
  cargo build --release --locked
}

build_wasm() {
  log "wasm engine ($BUILD/wasm)"
  # No debug info in what the extension ships.
  CARGO_PROFILE_RELEASE_DEBUG=0 cargo build --release --locked --lib --target wasm32-unknown-unknown
  # No function names either: the worker fetches and compiles the module at every cold start.
  wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir "$BUILD/wasm" \
    target/wasm32-unknown-unknown/release/trustledger.wasm
}

build_snapshot() {
  log "engine snapshot from TrackerDB ($BUILD/engine.bin)"
  target/release/trustledger snapshot --out "$BUILD/engine.bin"
}

build_consent_rules() {
  log "consent rules: data/consent and autoconsent's ($BUILD/consent-rules.json)"
  target/release/trustledger consent-rules --rules data/consent \
    --autoconsent node_modules/@duckduckgo/autoconsent/rules/rules.json \
    --out "$BUILD/consent-rules.json" --css "$BUILD/consent-prehide.css"
}

build_extension() {
  log "extension (dist/chromium)"
  local out=$ROOT/dist/chromium
  rm -rf "$out"
  mkdir -p "$out/wasm"
  cp manifest.json "$out/"
  cp -r extension/. "$out/"
  cp "$BUILD/wasm/trustledger.js" "$BUILD/wasm/trustledger_bg.wasm" "$out/wasm/"
  cp "$BUILD/engine.bin" "$out/engine.bin"
  cp "$BUILD/consent-rules.json" "$out/consent-rules.json"
  cp "$BUILD/consent-prehide.css" "$out/content/consent-prehide.css"
}

# Debian packages the build needs, installed when missing (as root, or with sudo).
apt_install() {
  local missing=() cmd pkg
  for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]} (apt-get)"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  command -v apt-get >/dev/null \
    || { echo "please install ${missing[*]}: this script installs them with apt-get only" >&2; exit 1; }
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y "${missing[@]}"
}

# The browser tests and the demo run Debian's chromium (or $CHROMIUM).
need_browser() {
  [ -n "${CHROMIUM:-}" ] || apt_install chromium:chromium
}

# The tests that answer real permission prompts run a headed browser on a virtual display (Xvfb)
# and press the prompt's keys (xdotool): headless Chromium never shows a prompt.
need_display() {
  apt_install Xvfb:xvfb xdotool:xdotool
}

build_all() {
  setup
  mkdir -p "$BUILD"
  build_native
  build_wasm
  build_snapshot
  build_consent_rules
  build_extension
}

run_tests() {
  setup
  log "format and lints"
  cargo fmt --check
  cargo clippy --locked --all-targets -- -D warnings
  cargo clippy --locked --all-targets --features peer -- -D warnings
  cargo clippy --locked --lib --target wasm32-unknown-unknown -- -D warnings
  log "native tests"
  if [ -d "$DATA" ]; then
    export TRUSTLEDGER_REQUIRE_DATA=1 TRUSTLEDGER_DATA="$DATA"
  else
    echo "note: $DATA not found: tests that need the shared data say SKIPPED" >&2
  fi
  cargo test --locked
  mkdir -p "$BUILD"
  build_native
  build_wasm
  build_snapshot
  build_consent_rules
  log "wasm tests (Node)"
  node --test tests/wasm/
  build_extension
  log "browser tests (Debian's chromium, Playwright)"
  need_browser
  need_display
  node --test tests/e2e/
}

run_bench() {
  setup
  [ -f "$DATA/easyprivacy.txt" ] && [ -f "$DATA/matching-test-requests.json" ] \
    || { echo "bench needs $DATA/easyprivacy.txt and matching-test-requests.json (set TRUSTLEDGER_DATA)" >&2; exit 1; }
  mkdir -p "$BUILD"
  log "native: trustledger vs adblock, same lists, same requests, one process"
  cargo build --release --locked --features peer
  target/release/trustledger bench --list "$DATA/easyprivacy.txt" --requests "$DATA/matching-test-requests.json" \
    --passes 10 --json "$BUILD/bench-native.json"
  build_wasm
  log "wasm under Node vs native, same snapshot, same requests, alternating rounds"
  # V8's optimising tier from the start (a long-lived service worker reaches it; the baseline
  # tier would only measure warm-up).
  node --no-liftoff bench/wasm-bench.mjs target/release/trustledger "$BUILD/wasm" "$DATA/easyprivacy.txt" \
    "$DATA/matching-test-requests.json" "$BUILD/bench-wasm.json"
  build_snapshot
  build_extension
  need_browser
  log "the extension in Chromium: page loads with vs without it, and its worker's cold start"
  node bench/pageload.mjs dist/chromium "$BUILD/bench-pageload.json"
}

case "${1:-build}" in
  build) build_all ;;
  run) build_all; need_browser; log "demo (demo/run.mjs)"; node demo/run.mjs ;;
  test) run_tests ;;
  bench) run_bench ;;
  *) echo "usage: ./build.sh [build|test|run|bench]" >&2; exit 2 ;;
esac
