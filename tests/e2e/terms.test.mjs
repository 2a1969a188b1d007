// The person's terms in real Chromium: the Sec-GPC header on every request (declarativeNetRequest),
// none on a site whose exception turns it off, and a broken terms file refused with nothing
// changed. Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { changeTerms, ledger, untilObserving } from './trustledger.mjs';
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
  // Every request of the pages should reach the server: nothing blocked in this test.
  await changeTerms(h, (terms) => { terms.blocking = []; });

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

// navigator.globalPrivacyControl in every frame of a page: [frame URL, value].
async function gpcInFrames(h, page, url) {
  await h.visit(page, url);
  return Promise.all(page.frames().map(async (f) => [f.url(), await f.evaluate(() => navigator.globalPrivacyControl)]));
}

test('navigator.globalPrivacyControl is true from document start in every frame, and false on an excepted site', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  // Every frame should load (a blocked ad frame would be an error page): nothing blocked here.
  await changeTerms(h, (terms) => { terms.blocking = []; });

  const frames = await gpcInFrames(h, page, 'https://terms.example/');
  assert.deepEqual(frames.map(([url]) => url).sort(), [
    'about:blank', 'about:srcdoc', 'https://terms.example/', 'https://terms.example/frame.html', 'https://widget.example/embed.html',
  ]);
  for (const [url, gpc] of frames) assert.equal(gpc, true, `${url}: navigator.globalPrivacyControl`);
  assert.equal(await page.evaluate(() => window.gpcAtFirstScript), true, "the page's first script already sees it");
  // Shaped as a browser's own attribute: a getter on Navigator.prototype, named as natives are.
  assert.deepEqual(await page.evaluate(() => {
    const d = Object.getOwnPropertyDescriptor(Navigator.prototype, 'globalPrivacyControl');
    return [typeof d.get, d.get.name, d.enumerable, Object.hasOwn(navigator, 'globalPrivacyControl')];
  }), ['function', 'get globalPrivacyControl', true, false]);

  // Exceptions for terms.example and shop.example: false there, in every frame, cross-site
  // ones included (their value is the top-level site's, as the Sec-GPC header's is).
  const terms = JSON.parse((await ask(h, { type: 'terms' })).json);
  terms.exceptions = { 'terms.example': { signals: { gpc: false } }, 'shop.example': { signals: { gpc: false } } };
  assert.equal((await ask(h, { type: 'setTerms', json: JSON.stringify(terms) })).error, undefined);
  for (const [url, gpc] of await gpcInFrames(h, page, 'https://terms.example/')) assert.equal(gpc, false, `${url} on terms.example`);
  assert.equal(await page.evaluate(() => window.gpcAtFirstScript), false);
  const shop = await gpcInFrames(h, page, 'https://shop.example/');
  assert.ok(shop.some(([url]) => url.startsWith('https://js.stripe.com/')), 'shop.example has its payment iframe');
  for (const [url, gpc] of shop) assert.equal(gpc, false, `${url} on shop.example`);
  // A site without an exception is unchanged, and so is a frame of an excepted site elsewhere.
  for (const [url, gpc] of await gpcInFrames(h, page, 'https://news.example/')) assert.equal(gpc, true, `${url} on news.example`);

  // GPC off by default, on for one site: the reverse.
  terms.signals.gpc = false;
  terms.exceptions = { 'news.example': { signals: { gpc: true } } };
  assert.equal((await ask(h, { type: 'setTerms', json: JSON.stringify(terms) })).error, undefined);
  for (const [url, gpc] of await gpcInFrames(h, page, 'https://terms.example/')) assert.equal(gpc, false, `${url} with GPC off`);
  for (const [url, gpc] of await gpcInFrames(h, page, 'https://news.example/')) assert.equal(gpc, true, `${url}: news.example's exception`);
});

// What a page of `url` is told of its permissions: Notification.permission and the
// Permissions API's states for notifications and geolocation.
async function permissionsOn(h, page, url) {
  await h.visit(page, url);
  return page.evaluate(async () => ({
    notification: Notification.permission,
    notifications: (await navigator.permissions.query({ name: 'notifications' })).state,
    geolocation: (await navigator.permissions.query({ name: 'geolocation' })).state,
  }));
}

test('permission defaults, exceptions and a one-hour grant are applied with chrome.contentSettings', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);

  // The default terms deny notification prompts and leave location to ask.
  assert.deepEqual(await permissionsOn(h, page, 'https://news.example/'),
    { notification: 'denied', notifications: 'denied', geolocation: 'prompt' });

  // An exception allows notifications on blog.example (and only there).
  const terms = JSON.parse((await ask(h, { type: 'terms' })).json);
  terms.exceptions = { 'blog.example': { permissions: { notifications: 'allow' } } };
  assert.equal((await ask(h, { type: 'setTerms', json: JSON.stringify(terms) })).error, undefined);
  assert.deepEqual(await permissionsOn(h, page, 'https://blog.example/'),
    { notification: 'granted', notifications: 'granted', geolocation: 'prompt' });
  assert.equal((await permissionsOn(h, page, 'https://news.example/')).notification, 'denied');

  // Location on news.example for one hour; the browser is told to end it by an alarm then.
  const before = Date.now();
  const granted = await ask(h, { type: 'grant', site: 'news.example', capability: 'geolocation', minutes: 60 });
  assert.equal(granted.error, undefined);
  const [{ until }] = JSON.parse(granted.json).grants;
  assert.ok(until >= before + 3_600_000 && until <= Date.now() + 3_600_000, 'the grant ends in an hour');
  const sw = await h.serviceWorker();
  assert.equal((await sw.evaluate(() => globalThis.grantsAlarm())).scheduledTime, until);
  assert.equal((await permissionsOn(h, page, 'https://news.example/')).geolocation, 'granted');
  assert.equal((await permissionsOn(h, page, 'https://shop.example/')).geolocation, 'prompt', 'only on news.example');

  // 59 minutes later it still holds; an hour later it is over, and the rest of the terms stay.
  await sw.evaluate(() => globalThis.advanceClock(59 * 60_000));
  assert.equal((await permissionsOn(h, page, 'https://news.example/')).geolocation, 'granted');
  await sw.evaluate(() => globalThis.advanceClock(60_001));
  assert.equal((await permissionsOn(h, page, 'https://news.example/')).geolocation, 'prompt');
  assert.deepEqual(JSON.parse((await ask(h, { type: 'terms' })).json).grants, []);
  assert.equal(await sw.evaluate(() => globalThis.grantsAlarm()), undefined, 'no alarm is left');
  assert.equal((await permissionsOn(h, page, 'https://blog.example/')).notification, 'granted', 'the exception stays');

  // A grant the terms cannot hold is refused with a reason.
  const bad = await ask(h, { type: 'grant', site: 'https://news.example/', capability: 'geolocation', minutes: 60 });
  assert.match(bad.error, /site/);
});

// The inventory's requests of `url` that go over the network, as "host/path".
const inventoried = (url) => INVENTORY[url].filter((r) => r.network && r.type !== 'main_frame' && !r.url.startsWith('wss:'));
const hostPath = (u) => { const x = new URL(u); return `${x.host}${x.pathname}`; };

test('trackers of the refused categories never reach the server, the others do, and the ledger counts what was blocked', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  // What did not reach the server of a page's inventoried requests: [host/path, category].
  const missingOn = async (url) => {
    h.server.reset();
    await h.visit(page, url);
    const reached = new Set(h.server.requests.map((r) => hostPath(r.url)));
    return inventoried(url).filter((r) => !reached.has(hostPath(r.url))).map((r) => [hostPath(r.url), r.category]).sort();
  };

  // The default terms block advertising: these, by TrackerDB's filters; everything else arrives.
  const blocked = {
    'https://news.example/': [['gum.criteo.com/sync', 'advertising'], ['securepubads.g.doubleclick.net/gampad/ads', 'advertising'],
      ['static.criteo.net/js/ld/publishertag.js', 'advertising']],
    'https://shop.example/': [['gum.criteo.com/sync', 'advertising'], ['static.criteo.net/js/ld/ld.js', 'advertising'],
      ['www.facebook.com/tr', 'advertising']],
    'https://video.example/': [],
  };
  for (const [url, expected] of Object.entries(blocked)) assert.deepEqual(await missingOn(url), expected, url);
  const l = await ledger(h);
  for (const [url, expected] of Object.entries(blocked)) {
    const site = l.sites[new URL(url).hostname];
    assert.equal(site.blockedRequests, expected.length, `${url}: the ledger counts its blocked requests`);
    assert.equal(site.requests, INVENTORY[url].filter((r) => r.type !== 'main_frame').length, `${url}: and counts them as asked for`);
  }
  assert.equal(l.sites['news.example'].companies.Criteo.seen.blocked, 2);
  assert.equal(l.sites['shop.example'].companies.Meta.seen.blocked, 1);
  assert.deepEqual(l.sites['news.example'].recent.at(-1).blocked, { Criteo: 2, Google: 1 });
  // The popup says so.
  const popup = await h.context.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=news.example`);
  await popup.waitForSelector('.summary');
  const stats = await popup.$$eval('.summary div', (ds) => ds.map((d) => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));
  assert.deepEqual(stats.find(([name]) => name === 'Blocked'), ['Blocked', '3']);
  assert.equal(await popup.locator('li', { hasText: 'Criteo' }).locator('.chip.blocked').textContent(), '2 blocked');
  await popup.close();

  // Analytics blocked too, and an exception lets advertising through on news.example only.
  await changeTerms(h, (terms) => {
    terms.blocking.push('site_analytics');
    terms.exceptions = { 'news.example': { blocking: { advertising: false } } };
  });
  const news = await missingOn('https://news.example/');
  assert.ok(news.length > 0 && news.every(([, category]) => category === 'site_analytics'), `news.example: ${JSON.stringify(news)}`);
  const shop = await missingOn('https://shop.example/');
  for (const r of blocked['https://shop.example/']) assert.ok(shop.some(([u]) => u === r[0]), `${r[0]} is still blocked on shop.example`);
  assert.ok(shop.every(([, category]) => category === 'advertising' || category === 'site_analytics'), `shop.example: ${JSON.stringify(shop)}`);
});
