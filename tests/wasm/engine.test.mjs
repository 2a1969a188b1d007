// The wasm engine under Node gives the same answers as the native engine: both load the same
// snapshot (written by the native CLI) and classify the same requests.
// Run by `./build.sh test` after the wasm build (build/wasm) and the native CLI.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'target', 'release', 'trustledger');
const fixtures = join(root, 'tests', 'fixtures', 'cli');
const data = process.env.TRUSTLEDGER_DATA ?? join(root, '..', 'shared', 'data');
const { initSync, WasmEngine } = await import(join(root, 'build', 'wasm', 'trustledger.js'));
const { fastClassifier } = await import(join(root, 'bench', 'fast-input.mjs'));
const { memory } = initSync({ module: readFileSync(join(root, 'build', 'wasm', 'trustledger_bg.wasm')) });

function run(args, input) {
  const r = spawnSync(cli, args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `trustledger ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function snapshot(lists) {
  const out = join(mkdtempSync(join(tmpdir(), 'tl-')), 'engine.bin');
  run(['snapshot', ...lists.flatMap((l) => ['--list', l]), '--out', out, '--quiet']);
  return out;
}

// Native and wasm, request by request, from the same snapshot.
function compare(snapshotPath, requestsJsonl) {
  const native = run(['classify', '--snapshot', snapshotPath, '--input', '-', '--quiet'], requestsJsonl)
    .trim().split('\n').map((l) => JSON.parse(l));
  const engine = WasmEngine.fromSnapshot(readFileSync(snapshotPath));
  const fast = fastClassifier(engine, memory);
  const requests = requestsJsonl.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(native.length, requests.length);
  let blocked = 0;
  requests.forEach((r, i) => {
    // The same aliases the CLI accepts.
    const source = r.sourceUrl ?? r.frameUrl ?? r.documentUrl ?? '';
    const type = r.type ?? r.cpt ?? 'other';
    const mine = engine.classify(r.url, source, type);
    assert.deepEqual(mine, native[i], `request ${i}: ${r.url}`);
    const code = engine.classifyCode(r.url, source, type);
    assert.equal(fast(r.url, source, type), code, `input buffer, request ${i}`);
    assert.equal(Boolean(code & 1), native[i].match);
    assert.equal(Boolean(code & 4), native[i].thirdParty);
    assert.equal(Boolean(code & 8), native[i].exception !== null);
    blocked += native[i].match ? 1 : 0;
  });
  engine.free();
  return blocked;
}

test('wasm and native agree on the fixture list with TrackerDB', () => {
  const lines = readFileSync(join(fixtures, 'requests.jsonl'), 'utf8').split('\n')
    .filter((l) => { try { return typeof JSON.parse(l).url === 'string'; } catch { return false; } });
  const blocked = compare(snapshot([join(fixtures, 'privacy.txt')]), lines.join('\n') + '\n');
  assert.ok(blocked > 0, 'the fixture blocks something');
});

test('wasm and native agree on EasyPrivacy over the recorded requests', { skip: !existsSync(join(data, 'easyprivacy.txt')) && 'shared data absent' }, () => {
  const records = JSON.parse(readFileSync(join(data, 'matching-test-requests.json'), 'utf8'));
  const jsonl = records.map((r) => JSON.stringify({ url: r.url, sourceUrl: r.sourceUrl, type: r.type })).join('\n') + '\n';
  const blocked = compare(snapshot([join(data, 'easyprivacy.txt')]), jsonl);
  assert.ok(blocked > 2000, `only ${blocked} blocked`);
});

test('a bad snapshot throws a clear error', () => {
  assert.throws(() => WasmEngine.fromSnapshot(new Uint8Array([1, 2, 3])), /not a Trust Ledger engine snapshot/);
  const good = readFileSync(snapshot([join(fixtures, 'privacy.txt')]));
  const bad = Uint8Array.from(good);
  bad[bad.length - 5] ^= 0xff;
  assert.throws(() => WasmEngine.fromSnapshot(bad), /checksum/);
  assert.throws(() => WasmEngine.fromSnapshot(good.subarray(0, good.length - 1)), /truncated/);
});

test('the engine reports its lists and TrackerDB', () => {
  const engine = WasmEngine.fromSnapshot(readFileSync(snapshot([join(fixtures, 'privacy.txt')])));
  const lists = engine.lists();
  assert.deepEqual(lists.map((l) => l[0]), ['privacy.txt', 'trackerdb']);
  assert.match(engine.trackerdbVersion(), /@ghostery\/trackerdb \d/);
  assert.ok(engine.filterCount() > 4000);
  engine.free();
});

test('the input buffer takes long and non-ASCII URLs, and refuses overruns', () => {
  const engine = WasmEngine.fromSnapshot(readFileSync(snapshot([join(fixtures, 'privacy.txt')])));
  const fast = fastClassifier(engine, memory);
  const long = 'https://tracker.example/' + 'x'.repeat(100_000);
  assert.equal(fast(long, 'https://news.example/', 'image'), engine.classifyCode(long, 'https://news.example/', 'image'));
  const unicode = 'https://tracker.example/é/日本?q=😀';
  assert.equal(fast(unicode, 'https://news.example/', 'image'), engine.classifyCode(unicode, 'https://news.example/', 'image'));
  engine.inputBuffer(16);
  assert.throws(() => engine.classifyInput(1 << 30, 0, 0), /overruns the input buffer/);
  engine.free();
});
