// The terms through their wasm bindings: the same answers as the native tests (tests/terms.rs)
// on the same fixtures, errors that name the path, presets, resolution and expiring grants.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { initSync, WasmTerms } = await import(join(root, 'build', 'wasm', 'trustledger.js'));
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

test('the example file gives the browser what the native tests expect', () => {
  const terms = WasmTerms.fromJson(read('valid/example.json'));
  assert.deepEqual(terms.gpcRules(), JSON.parse(read('enforce/example.gpc-rules.json')));
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
