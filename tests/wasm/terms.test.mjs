// The terms through their wasm bindings: the same answers as the native tests (tests/terms.rs)
// on the same fixtures, errors that name the path, presets, resolution and expiring grants.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { initSync, WasmEngine, WasmObserver, WasmTerms } = await import(join(root, 'build', 'wasm', 'trustledger.js'));
initSync({ module: readFileSync(join(root, 'build', 'wasm', 'trustledger_bg.wasm')) });

const fixtures = join(root, 'tests', 'fixtures', 'terms');
const read = (path) => readFileSync(join(fixtures, path), 'utf8');
const NOON = 1_795_348_800_000; // 2026-11-22T12:00:00Z, as in tests/terms.rs
const HOUR = 3_600_000;

test('the default protects, and reads back as the default file', () => {
  const terms = new WasmTerms();
  assert.equal(terms.toJson(), read('valid/default.json').trimEnd());
  const here = terms.forSite('news.example', NOON);
  assert.equal(here.gpc, true);
  assert.equal(WasmTerms.presets().length, 3);
  assert.deepEqual(WasmTerms.presets().map((p) => p.key), ['refuseAll', 'balanced', 'acceptAll']);
  assert.equal(WasmTerms.preset('acceptAll').toJson(), read('valid/accept-all.json').trimEnd());
  assert.throws(() => WasmTerms.preset('everything'), /no preset "everything"/);
});

// An observer on the engine `./build.sh` made (TrackerDB's filters are what blocking is made of).
const observer = () => new WasmObserver(WasmEngine.fromSnapshot(readFileSync(join(root, 'build', 'engine.bin'))), null, 0);

test('the example file gives the browser what the native tests expect', () => {
  const terms = WasmTerms.fromJson(read('valid/example.json'));
  const { rules } = terms.dynamicRules(observer());
  assert.deepEqual(rules.filter((r) => r.id === 1), JSON.parse(read('enforce/example.gpc-rules.json')));
  assert.deepEqual(terms.contentSettings(NOON), JSON.parse(read('enforce/example.content-settings.json')));
  assert.equal(terms.proffer(NOON), read('enforce/example.proffer.jsonld').trimEnd());
});

test('every invalid fixture is refused with its exact error: path, value and what was expected', () => {
  const names = readdirSync(join(fixtures, 'invalid')).filter((f) => f.endsWith('.json'));
  assert.ok(names.length >= 40);
  for (const name of names) {
    const expected = read(`invalid/${name.replace(/\.json$/, '.error')}`).trim();
    assert.throws(() => WasmTerms.fromJson(read(`invalid/${name}`)), { message: expected }, name);
  }
});

test('a grant allows its capability on its site until it ends', () => {
  const terms = new WasmTerms();
  terms.grant('maps.example', 'geolocation', NOON + HOUR);
  assert.equal(terms.nextExpiry(NOON), NOON + HOUR);
  assert.equal(terms.forSite('www.maps.example', NOON).permissions.geolocation, 'allow');
  assert.equal(terms.forSite('maps.example', NOON + HOUR).permissions.geolocation, 'ask', 'ended at its time');
  assert.deepEqual(terms.expire(NOON + HOUR).map((g) => g.site), ['maps.example']);
  assert.equal(terms.nextExpiry(NOON), undefined);
  assert.throws(() => terms.grant('maps.example', 'telepathy', NOON), /no capability "telepathy"/);
  assert.throws(() => terms.grant('www.maps.example', 'camera', NOON), /grants\.site/);
});

test('the dynamic rules: the GPC header and its marks, then blocking by category within Chrome\'s limits', () => {
  const { rules, blocking } = new WasmTerms().dynamicRules(observer());
  assert.deepEqual(rules.slice(0, 2).map((r) => r.id), [1, 2], 'Sec-GPC on every request, gpc;desc=1 on every document');
  assert.deepEqual(rules[1].action.responseHeaders, [{ header: 'Server-Timing', operation: 'append', value: 'gpc;desc=1' }]);
  const blocks = rules.slice(2);
  assert.ok(blocks.length > 100 && blocks.length <= 30_000 - 2, `${blocks.length} block rules`);
  assert.ok(blocks.every((r) => r.action.type === 'block' && r.id >= 1000 && !r.condition.resourceTypes?.includes('main_frame')));
  assert.equal(new Set(rules.map((r) => r.id)).size, rules.length, 'ids are unique');
  // The default blocks advertising (adult advertising is advertising too), and nothing else.
  assert.deepEqual(Object.keys(blocking.perCategory), ['advertising', 'pornvertising']);
  assert.deepEqual(blocking.cut, []);
  assert.ok(blocking.skipped.every((s) => s.reason), 'every filter left out says why');
  // Accept all blocks nothing; an exception lets advertising through on one site.
  assert.deepEqual(WasmTerms.preset('acceptAll').dynamicRules(observer()).rules.filter((r) => r.action.type === 'block'), []);
  const terms = JSON.parse(new WasmTerms().toJson());
  terms.exceptions = { 'news.example': { blocking: { advertising: false } } };
  const excepted = WasmTerms.fromJson(JSON.stringify(terms)).dynamicRules(observer()).rules.filter((r) => r.action.type === 'block');
  assert.ok(excepted.filter((r) => r.id < 1000 + blocking.perCategory.advertising).every((r) => r.condition.excludedTopDomains?.includes('news.example')));
});
