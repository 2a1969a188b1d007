// The observer through its wasm bindings, fed webRequest details as Chromium 156 reports them
// (every field, most of which it ignores): visits, attributed and classified requests with the
// badge count, cookies, leaving, the state kept across a worker restart, and the ledger's
// one-line summaries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { initSync, WasmEngine, WasmObserver, WasmLedger } = await import(join(root, 'build', 'wasm', 'trustledger.js'));
initSync({ module: readFileSync(join(root, 'build', 'wasm', 'trustledger_bg.wasm')) });
const snapshot = readFileSync(join(root, 'build', 'engine.bin'));

const TAB = 1714;
const details = (url, type, extra = {}) => ({
  documentLifecycle: 'active', frameId: 0, frameType: 'outermost_frame', method: 'GET', parentFrameId: -1,
  requestId: '42', tabId: TAB, timeStamp: 1_795_000_000_000.25, type, url, ...extra,
});

test('a visit, its requests classified and counted on the badge, a cookie, and leaving', () => {
  const observer = new WasmObserver(WasmEngine.fromSnapshot(snapshot), null, 0);
  const ledger = new WasmLedger('profile-a');
  const visit = observer.navigated(details('https://news.example/', 'main_frame'), 1000);
  assert.deepEqual(visit, [{ kind: 'visit', seq: 1, at: 1000, site: 'news.example', visit: `${TAB}:42:1795000000000`, url: 'https://news.example/' }]);
  ledger.apply(visit);

  const doc = { documentId: 'D1', initiator: 'https://news.example', requestId: '43' };
  const [[event], badge] = observer.request(details('https://www.google-analytics.com/analytics.js', 'script', doc), 1001);
  assert.deepEqual(badge, [TAB, 1]);
  assert.equal(event.kind, 'request');
  assert.deepEqual([event.seq, event.site, event.domain, event.thirdParty, event.tracker, event.organization, event.category],
    [2, 'news.example', 'google-analytics.com', true, true, 'Google', 'site_analytics']);
  const [[own], none] = observer.request(details('https://news.example/site.css', 'stylesheet', doc), 1002);
  assert.equal(none, null, 'not a tracker: the badge stays');
  assert.equal(own.thirdParty, false);
  const [cookie] = observer.cookie(details('https://gum.criteo.com/sync', 'image', { ...doc, responseHeaders: [] }), 1003);
  assert.deepEqual([cookie.kind, cookie.domain, cookie.organization], ['cookie', 'criteo.com', 'Criteo']);
  ledger.apply([event, own, cookie]);
  assert.deepEqual(observer.tab(TAB), { page: { site: 'news.example', visit: `${TAB}:42:1795000000000`, url: 'https://news.example/', tab: TAB }, trackers: 1, request: '42', document: 'D1' });

  // The worker restarts: the state and the sequence carry on.
  const state = observer.state();
  const again = new WasmObserver(WasmEngine.fromSnapshot(snapshot), state, observer.seq());
  assert.deepEqual(again.leaveUnheld(ledger, 2000), [], 'the tab still shows the visit');
  const left = again.tabClosed(TAB, 2001);
  assert.deepEqual(left, [{ kind: 'leave', seq: 5, at: 2001, site: 'news.example', visit: `${TAB}:42:1795000000000` }]);
  ledger.apply(left);
  assert.equal(ledger.site('news.example').recent[0].closed, true);
  assert.equal(again.request(details('https://news.example/late.js', 'script', { documentId: 'D9' }), 2002), null, 'no page in a closed tab');

  // A state from another version is dropped, not fatal.
  const fresh = new WasmObserver(WasmEngine.fromSnapshot(snapshot), '{"tabs": 3}', 9);
  assert.equal(fresh.tab(TAB), null);
  assert.equal(fresh.seq(), 9);

  assert.deepEqual(ledger.summaries().map((s) => [s.site, s.visits, s.trackerRequests, s.companies, s.thirdParties, s.cookies]),
    [['news.example', 1, 1, 1, 2, 1]]);
  assert.throws(() => again.request({ url: 'https://x.example/' }, 1), /missing field/);
});
