// The ledger through its wasm bindings: events in as plain objects, the same arithmetic as the
// native tests (src/ledger/tests.rs), storage round trip, refusals, replay and import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { initSync, WasmLedger } = await import(join(root, 'build', 'wasm', 'trustledger.js'));
initSync({ module: readFileSync(join(root, 'build', 'wasm', 'trustledger_bg.wasm')) });

const T0 = 1_700_000_000_000;
const visit = (seq, site, id) => ({ kind: 'visit', seq, at: T0 + seq, site, visit: id, url: `https://${site}/` });
const request = (seq, site, id, domain, organization = null, category = null) => ({
  kind: 'request', seq, at: T0 + seq, site, visit: id, domain, thirdParty: domain !== site,
  tracker: organization !== null, organization, category,
});

test('events count, and the score has its reasons', () => {
  const ledger = new WasmLedger('profile-a');
  const events = [
    visit(1, 'news.example', 'v1'),
    request(2, 'news.example', 'v1', 'news.example'),
    request(3, 'news.example', 'v1', 'google-analytics.com', 'Google', 'site_analytics'),
    request(4, 'news.example', 'v1', 'criteo.com', 'Criteo', 'advertising'),
    { kind: 'cookie', seq: 5, at: T0 + 5, site: 'news.example', visit: 'v1', domain: 'criteo.com', organization: 'Criteo', category: 'advertising' },
  ];
  assert.equal(ledger.apply(events), 5);
  assert.equal(ledger.apply(events), 0, 'a replay counts nothing');
  assert.equal(ledger.lastSeq(), 5);
  const site = ledger.site('news.example');
  assert.equal(site.requests, 3);
  assert.equal(site.trackerRequests, 2);
  assert.equal(site.score, 60 - 3 - 6 - 2);
  assert.deepEqual(site.changes.map((c) => c.reason), [
    'Google (site analytics) tracked this visit',
    'Criteo (advertising) tracked this visit',
    'Criteo set a third-party cookie (criteo.com)',
  ]);
  assert.deepEqual(ledger.sites(), ['news.example']);
  assert.equal(ledger.site('nowhere.example'), null);
  ledger.free();
});

test('stored form round trips; bad input throws and changes nothing', () => {
  const ledger = new WasmLedger('profile-a');
  ledger.apply([visit(1, 'a.example', 'v1'), request(2, 'a.example', 'v1', 'criteo.com', 'Criteo', 'advertising')]);
  const json = ledger.toJson();
  assert.equal(WasmLedger.fromJson(json).toJson(), json);
  assert.throws(() => WasmLedger.fromJson('{"version": 99, "id": "x", "lastSeq": 0, "sites": {}}'), /update Trust Ledger/);
  assert.throws(() => ledger.apply([{ kind: 'request', seq: 3 }]), /missing field/);
  assert.throws(() => ledger.apply([{ ...visit(3, 'a.example', 'v2'), extra: 1 }]), /unknown field/);
  assert.throws(() => ledger.merge('not json'), /not a Trust Ledger ledger/);
  assert.equal(ledger.toJson(), json);
  ledger.free();
});

test('importing another profile combines, importing it again changes nothing', () => {
  const mine = new WasmLedger('profile-a');
  mine.apply([visit(1, 'a.example', 'v1'), request(2, 'a.example', 'v1', 'criteo.com', 'Criteo', 'advertising')]);
  const theirs = new WasmLedger('profile-b');
  theirs.apply([visit(1, 'a.example', 'w1'), visit(2, 'b.example', 'w2')]);
  assert.deepEqual(mine.merge(theirs.toJson()), [1, 1]);
  const once = mine.toJson();
  mine.merge(theirs.toJson());
  assert.equal(mine.toJson(), once);
  assert.equal(mine.site('a.example').visits, 2);
});

test('stored in pieces: a head and the changed sites; a bad site entry is set aside, the rest read', () => {
  const ledger = new WasmLedger('profile-a');
  ledger.apply([visit(1, 'news.example', 'v1'), visit(2, 'shop.example', 'v2')]);
  const first = ledger.takeChanged();
  assert.deepEqual(first.map(([site]) => site), ['news.example', 'shop.example']);
  assert.deepEqual(ledger.takeChanged(), [], 'nothing changed since');
  ledger.apply([request(3, 'shop.example', 'v2', 'criteo.com', 'Criteo', 'advertising')]);
  const second = ledger.takeChanged();
  assert.deepEqual(second.map(([site]) => site), ['shop.example']);
  ledger.markChanged(['shop.example']);
  assert.equal(ledger.takeChanged().length, 1, 'given back after a failed write');

  const entries = new Map([...first, ...second]);
  const read = WasmLedger.fromStored(ledger.headJson(), [...entries]);
  assert.equal(read.toJson(), ledger.toJson());
  assert.deepEqual(read.unreadable(), []);

  entries.set('news.example', '{"site":"news.example"');
  const partial = WasmLedger.fromStored(ledger.headJson(), [...entries]);
  assert.deepEqual(JSON.parse(partial.toJson()).sites['shop.example'], JSON.parse(ledger.toJson()).sites['shop.example']);
  assert.equal(partial.site('news.example'), null);
  const [[site, problem]] = partial.unreadable();
  assert.equal(site, 'news.example');
  assert.match(problem, /^ledger: sites\.news\.example: /);
  assert.throws(() => WasmLedger.fromStored('{"version":1}', []), /missing field `id`/);
});
