// The person's terms in real Chromium: the Sec-GPC header on every request (declarativeNetRequest),
// none on a site whose exception turns it off, and a broken terms file refused with nothing
// changed. Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { untilObserving } from './trustledger.mjs';
import { INVENTORY } from './sites/inventory.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');

// What a visit made reach the server: every request, with its Sec-GPC header.
async function requestsOf(h, page, url) {
  h.server.reset();
  await h.visit(page, url);
  return h.server.requests.map((r) => ({ url: `${r.scheme}://${r.host}${r.path}`, gpc: r.secGpc }));
}

// Sends a message to the worker as the extension's own pages do.
async function ask(h, message) {
  const page = await h.context.newPage();
  try {
    await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    return await page.evaluate((m) => chrome.runtime.sendMessage(m), message);
  } finally {
    await page.close();
  }
}

test('Sec-GPC is sent on every request by default, and not on a site whose exception turns it off', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);

  // The default terms: every request of every kind, first and third party, iframes included.
  for (const url of ['https://news.example/', 'https://video.example/', 'https://bank.example/']) {
    const seen = await requestsOf(h, page, url);
    assert.ok(seen.length >= INVENTORY[url].filter((r) => !r.url.startsWith('wss:')).length - 1, `${url}: its requests reached the server`);
    for (const r of seen) assert.equal(r.gpc, '1', `${r.url} on ${url} carries Sec-GPC: 1`);
  }

  // An exception: shop.example without GPC, for all its requests (its third parties' too).
  const { json: defaults } = await ask(h, { type: 'terms' });
  const terms = JSON.parse(defaults);
  terms.exceptions = { 'shop.example': { signals: { gpc: false } } };
  const set = await ask(h, { type: 'setTerms', json: JSON.stringify(terms) });
  assert.equal(set.error, undefined);
  assert.deepEqual(JSON.parse(set.json).exceptions, terms.exceptions);
  const shop = await requestsOf(h, page, 'https://shop.example/');
  assert.ok(shop.some((r) => !r.url.includes('shop.example')), 'shop.example has third-party requests');
  for (const r of shop) assert.equal(r.gpc, null, `${r.url} on shop.example carries no Sec-GPC`);
  for (const r of await requestsOf(h, page, 'https://news.example/')) assert.equal(r.gpc, '1', `${r.url} on news.example still does`);

  // A broken terms file: a precise error, and the terms in force stay.
  const broken = await ask(h, { type: 'setTerms', json: JSON.stringify({ ...terms, signals: { gpc: 'yes' } }) });
  assert.equal(broken.error, 'terms: signals.gpc: "yes", expected true or false');
  assert.deepEqual(JSON.parse((await ask(h, { type: 'terms' })).json), JSON.parse(set.json));
  for (const r of await requestsOf(h, page, 'https://shop.example/')) assert.equal(r.gpc, null, `${r.url}: the exception still applies`);

  // The rule outlives a browser restart.
  await h.restart();
  const again = await h.context.newPage();
  for (const r of await requestsOf(h, again, 'https://news.example/')) assert.equal(r.gpc, '1', `${r.url} after a restart`);
});
