// The wasm engine under Node against the native engine, on the same snapshot and requests.
//
// Timing is done in alternating rounds — native (the CLI's `bench --no-peer`, its own process),
// then wasm here — and the ratio is the median of the rounds' ratios, so a change in the
// machine's speed during the run falls on both sides alike. Per request, wasm times the same
// decision the native bench times, strings in, a verdict out: through the input buffer (as the
// extension does, `fast-input.mjs`) and, for comparison, by passing JS strings (`classifyCode`).
//
// usage: node bench/wasm-bench.mjs CLI WASM_DIR LIST REQUESTS.json OUT.json [ROUNDS]

import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [cli, wasmDir, list, requestsPath, outPath, roundsArg] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node bench/wasm-bench.mjs CLI WASM_DIR LIST REQUESTS.json OUT.json [ROUNDS]');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 15);
const passes = 2;
const { initSync, WasmEngine } = await import(pathToFileURL(resolve(wasmDir, 'trustledger.js')).href);
const { fastClassifier } = await import('./fast-input.mjs');
const { memory } = initSync({ module: readFileSync(join(wasmDir, 'trustledger_bg.wasm')) });

const scratch = mkdtempSync(join(tmpdir(), 'tl-bench-'));
const snapshotPath = join(scratch, 'engine.bin');
const nativeJson = join(scratch, 'native.json');
function native() {
  const r = spawnSync(cli, ['bench', '--no-peer', '--list', list, '--requests', requestsPath, '--passes', String(passes),
    '--json', nativeJson, '--snapshot-out', snapshotPath], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`native bench failed: ${r.stderr}`);
  return JSON.parse(readFileSync(nativeJson, 'utf8')).ours;
}

const requests = JSON.parse(readFileSync(requestsPath, 'utf8'))
  .filter((r) => r.url !== 'http://' && r.url !== 'https://')
  .map((r) => [r.url, r.sourceUrl ?? '', r.type ?? 'other']);

function wasm(snapshot) {
  const loads = [];
  for (let i = 0; i < 20; i++) {
    const t = process.hrtime.bigint();
    WasmEngine.fromSnapshot(snapshot).free();
    loads.push(Number(process.hrtime.bigint() - t));
  }
  const engine = WasmEngine.fromSnapshot(snapshot);
  const fast = fastClassifier(engine, memory);
  const viaStrings = (u, s, t) => engine.classifyCode(u, s, t);
  const out = { loadMs: [...loads].sort((a, b) => a - b)[loads.length >> 1] / 1e6 };
  for (const [name, classify] of [['input', fast], ['strings', viaStrings]]) {
    let blocked = 0;
    for (const [u, s, t] of requests) blocked += classify(u, s, t) & 1; // warm-up
    const samples = new Float64Array(passes * requests.length);
    let k = 0;
    for (let p = 0; p < passes; p++) {
      for (const [u, s, t] of requests) {
        const t0 = process.hrtime.bigint();
        classify(u, s, t);
        samples[k++] = Number(process.hrtime.bigint() - t0);
      }
    }
    samples.sort();
    const at = (q) => samples[Math.round((samples.length - 1) * q)];
    out[name] = { medianNs: at(0.5), p99Ns: at(0.99), blocked };
  }
  engine.free();
  return { loadMs: out.loadMs, medianNs: out.input.medianNs, p99Ns: out.input.p99Ns, blocked: out.input.blocked,
    stringsMedianNs: out.strings.medianNs, stringsBlocked: out.strings.blocked };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = [];
for (let r = 0; r < rounds; r++) {
  const n = native();
  const w = wasm(readFileSync(snapshotPath));
  if (w.blocked !== n.blocked || w.stringsBlocked !== n.blocked) {
    console.error(`wasm blocked ${w.blocked} requests, native ${n.blocked}: the builds disagree`);
    process.exit(1);
  }
  results.push({ native: n, wasm: w, ratio: w.medianNs / n.medianNs });
}
const pick = (side, key) => median(results.map((r) => r[side][key]));
const ratio = median(results.map((r) => r.ratio));
const summary = {
  rounds, passes, requests: requests.length, node: process.version, ratioMedian: ratio,
  native: { loadMs: pick('native', 'loadMs'), medianNs: pick('native', 'medianNs'), p99Ns: pick('native', 'p99Ns') },
  wasm: { loadMs: pick('wasm', 'loadMs'), medianNs: pick('wasm', 'medianNs'), p99Ns: pick('wasm', 'p99Ns') },
  wasmStringsMedianNs: pick('wasm', 'stringsMedianNs'),
  perRoundRatios: results.map((r) => Number(r.ratio.toFixed(3))),
};
console.log(`\n${requests.length} requests, ${rounds} alternating rounds of ${passes} passes, Node ${process.version}\n`);
console.log('| measure | native | wasm (Node) | wasm ÷ native |\n|---|---:|---:|---:|');
const row = (name, key, unit, digits) => console.log(`| ${name} | ${summary.native[key].toFixed(digits)} ${unit} | ${summary.wasm[key].toFixed(digits)} ${unit} | ${(summary.wasm[key] / summary.native[key]).toFixed(2)}× |`);
row('snapshot load', 'loadMs', 'ms', 2);
row('per request, median', 'medianNs', 'ns', 0);
row('per request, p99', 'p99Ns', 'ns', 0);
console.log(`| per request, median, strings passed as JS strings | ${summary.native.medianNs.toFixed(0)} ns | ${summary.wasmStringsMedianNs.toFixed(0)} ns | ${(summary.wasmStringsMedianNs / summary.native.medianNs).toFixed(2)}× |`);
console.log(`\nmedian of per-round median ratios: ${ratio.toFixed(2)}× (rounds: ${summary.perRoundRatios.join(', ')})`);
writeFileSync(outPath, JSON.stringify(summary, null, 2));
