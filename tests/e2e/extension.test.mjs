// The built extension (dist/chromium) in real Chromium, on the fixture sites: what the ledger
// records per site, that no event is lost when the browser stops the service worker, that the
// ledger survives a browser restart, and what the popup shows.
// Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { INVENTORY } from './sites/inventory.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');

// What a page's load must add to its site's ledger, from the fixture inventory.
const expected = (pageUrl) => {
  const requests = INVENTORY[pageUrl].filter((r) => r.type !== 'main_frame');
  return { requests: requests.length, thirdParty: requests.filter((r) => r.thirdParty).length };
};

async function ledger(h) {
  const sw = await h.serviceWorker();
  await sw.evaluate(() => globalThis.flushLedger());
  return JSON.parse(await sw.evaluate(() => globalThis.ledgerJson()));
}

test('the ledger records each site, survives a stopped worker and a browser restart, and the popup shows it', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  // A freshly installed worker's listeners reach the browser a moment after it starts: visit a
  // warm-up page until the ledger has it, so that the pages under test are all observed.
  for (let i = 0; i < 20 && !(await ledger(h)).sites['warmup.example']; i++) await h.visit(page, 'https://warmup.example/');
  assert.ok((await ledger(h)).sites['warmup.example'], 'the extension observes requests');

  for (const url of ['https://news.example/', 'https://shop.example/', 'https://blog.example/']) {
    await h.visit(page, url);
  }
  let l = await ledger(h);
  const news = l.sites['news.example'];
  assert.equal(news.visits, 1);
  assert.equal(news.requests, expected('https://news.example/').requests);
  assert.equal(news.thirdPartyRequests, expected('https://news.example/').thirdParty);
  for (const company of ['Google', 'Criteo']) assert.ok(news.companies[company], `news.example: ${company} recorded`);
  assert.equal(news.companies.Criteo.category, 'advertising');
  assert.ok(news.thirdParties['criteo.com'].seen.cookies >= 1, 'Criteo set a third-party cookie');
  assert.ok(news.score < 60, `tracking cost news.example trust (score ${news.score})`);
  assert.ok(news.changes.some((c) => c.reason === 'Criteo (advertising) tracked this visit'));

  const shop = l.sites['shop.example'];
  assert.equal(shop.requests, expected('https://shop.example/').requests);
  for (const company of ['Meta', 'Hotjar', 'Criteo']) assert.ok(shop.companies[company], `shop.example: ${company} recorded`);

  const blog = l.sites['blog.example'];
  assert.equal(blog.requests, expected('https://blog.example/').requests);
  assert.equal(blog.trackerRequests, 0);
  assert.deepEqual(blog.companies, {});
  assert.equal(blog.score, 60);

  // The browser stops the worker; the next page's requests wake it and nothing is lost, including
  // the events of the page visited just before the stop (not yet saved to storage.local).
  await h.visit(page, 'https://news.example/article.html');
  await h.stopServiceWorker();
  assert.equal(await h.serviceWorkerStatus(), 'stopped');
  await h.visit(page, 'https://blog.example/post.html');
  l = await ledger(h);
  assert.equal(l.sites['news.example'].visits, 2);
  assert.equal(l.sites['news.example'].requests, expected('https://news.example/').requests + expected('https://news.example/article.html').requests);
  assert.equal(l.sites['blog.example'].visits, 2);
  assert.equal(l.sites['blog.example'].requests, expected('https://blog.example/').requests + expected('https://blog.example/post.html').requests);
  // The second blog visit started, so the first (clean) one earned its bonus.
  assert.equal(l.sites['blog.example'].score, 63);

  // A browser restart on the same profile keeps the ledger exactly.
  const before = JSON.stringify(l.sites);
  await h.restart();
  const after = await ledger(h);
  assert.equal(JSON.stringify(after.sites), before);

  // The popup, for a given site.
  const popup = await h.context.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=news.example`);
  await popup.waitForSelector('.score .value');
  const text = await popup.textContent('main');
  assert.match(text, /news\.example/);
  assert.equal(await popup.textContent('.score .value'), String(after.sites['news.example'].score));
  assert.match(text, /Criteo \(advertising\) tracked this visit/);
  assert.match(text, /Criteo\s*advertising/);
  await popup.screenshot({ path: join(extensionDir, '..', 'popup-news.example.png') });
});
