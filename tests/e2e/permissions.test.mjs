// Permission prompts in real Chromium (asks.example, widget.example framed in it, and the attacks
// of hostile.example): what a page sees with Trust Ledger is what it sees without (outcomes,
// errors, the wrapped functions' shape); the terms deny without a prompt what the browser's
// content settings cannot; each call is recorded under the frame that made it, with or without a
// click, and what came of it; the popup shows it; a hostile page cannot forge, spoof or unwrap.
// Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { axeViolations, changeTerms, ledger, untilObserving } from './trustledger.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');
const PAGE = 'https://asks.example/';
const CALLS = ['notifications', 'geolocation', 'watch', 'camera', 'microphone', 'clipboard', 'clipboardItems', 'midi', 'idle', 'storage', 'screens', 'push'];
const PROBES = ['geolocation', 'camera', 'microphone', 'midi', 'notifications', 'bogus-name', 'push'];

// Every call, first without a click (from the test), then each with one (its button), in the page;
// then two from the framed widget; then a probe of many names. Resolves to what the pages saw.
async function askEverything(h, page) {
  await h.visit(page, PAGE);
  for (const name of CALLS) await page.evaluate((n) => window.ask[n](), name);
  for (const name of CALLS) {
    await page.click(`button[data-ask=${name}]`);
    await page.waitForFunction((n) => window.seen.length >= n, CALLS.length + CALLS.indexOf(name) + 1);
  }
  const widget = page.frames().find((f) => f.url().startsWith('https://widget.example/'));
  await widget.click('button[data-ask=geolocation]');
  await widget.evaluate(() => window.ask.camera());
  await page.evaluate((names) => window.ask.probe(names), PROBES);
  return { page: await page.evaluate(() => window.seen), widget: await widget.evaluate(() => window.seen) };
}

// How the wrapped functions look to a page that inspects them.
const shapes = (page) => page.evaluate(() => {
  const shape = (f) => {
    let constructs;
    try {
      Reflect.construct(f, []);
      constructs = true;
    } catch (e) {
      constructs = e.constructor.name;
    }
    return [f.name, f.length, Function.prototype.toString.call(f), String(f), Object.getOwnPropertyNames(f).join(), typeof f.prototype, constructs];
  };
  return [
    Notification.requestPermission, Geolocation.prototype.getCurrentPosition, Geolocation.prototype.watchPosition,
    Permissions.prototype.query, MediaDevices.prototype.getUserMedia, MediaDevices.prototype.getDisplayMedia,
    Clipboard.prototype.readText, Navigator.prototype.requestMIDIAccess, Document.prototype.requestStorageAccess,
    window.getScreenDetails, IdleDetector.requestPermission, Function.prototype.toString,
  ].map(shape);
});

test('a page sees the same outcomes, errors and functions with Trust Ledger as without', async (t) => {
  const alone = await launch({ extensionDir: null });
  t.after(() => alone.close());
  const withUs = await launch({ extensionDir });
  t.after(() => withUs.close());
  const page = await withUs.context.newPage();
  await untilObserving(withUs, page);
  const bare = await alone.context.newPage();

  assert.deepEqual(await askEverything(withUs, page), await askEverything(alone, bare));
  assert.deepEqual(await shapes(page), await shapes(bare));
});

test('the terms deny MIDI, idle detection, storage access and window management as the browser would, without a prompt', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  await changeTerms(h, (terms) => {
    for (const c of ['midi', 'idle-detection', 'storage-access', 'window-management']) terms.permissions[c] = 'deny';
  });
  await h.visit(page, PAGE);
  for (const name of ['midi', 'idle', 'storage', 'screens']) await page.click(`button[data-ask=${name}]`);
  await page.waitForFunction(() => window.seen.length === 4);
  assert.deepEqual(await page.evaluate(() => window.seen), [
    ['midi', 'NotAllowedError: Permission to use Web MIDI API was not granted.'],
    ['idle', 'denied'],
    ['storage', 'NotAllowedError: requestStorageAccess not allowed'],
    ['screens', 'NotAllowedError: Permission denied.'],
  ]);
  // Storage access is granted at once without the extension here: the terms are what denied it.
  const terms = await changeTerms(h, (t) => { t.exceptions = { 'asks.example': { permissions: { 'storage-access': 'allow' } } }; });
  assert.equal(terms.exceptions['asks.example'].permissions['storage-access'], 'allow');
  await h.visit(page, PAGE);
  await page.click('button[data-ask=storage]');
  await page.waitForFunction(() => window.seen.length === 1);
  assert.deepEqual(await page.evaluate(() => window.seen), [['storage', 'granted']], 'an exception lets it through');
  const midi = (await ledger(h)).sites['asks.example'].permissions.midi;
  assert.deepEqual([midi.asked, midi.denied, midi.byTerms], [1, 1, 1], 'recorded as denied by the terms');
});

// The ledger's record of asks.example once `count` calls are in it.
async function asksRecorded(h, count, name = 'asks.example') {
  for (let i = 0; i < 100; i++) {
    const site = (await ledger(h)).sites[name];
    if (site?.recentAsks?.length >= count) return site;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never had ${count} calls recorded`);
}

test('each call is recorded under the frame that made it, with or without a click, and costs trust as the model says', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);

  // As the page loads, before any click: notifications (denied by the default terms) and location.
  await h.visit(page, `${PAGE}?ask=notifications,geolocation`);
  await page.waitForFunction(() => window.seen.length === 2);
  // With a click: MIDI in the page, location in the framed widget of another site.
  await page.click('button[data-ask=midi]');
  const widget = page.frames().find((f) => f.url().startsWith('https://widget.example/'));
  await widget.click('button[data-ask=geolocation]');
  await widget.waitForFunction(() => window.seen.length === 1);
  // Seven names probed, one of them unknown to the browser; then notifications again, after the no.
  await page.evaluate((names) => window.ask.probe(names), PROBES);
  await page.click('button[data-ask=notifications]');
  const site = await asksRecorded(h, 2 + 1 + 1 + PROBES.length + 1);

  const asks = site.recentAsks.map((a) => [a.capability, a.origin, a.thirdPartyFrame, a.activation, a.probe, a.outcome]);
  const byName = (a, b) => a.join().localeCompare(b.join());
  assert.deepEqual(asks.filter((a) => !a[4]).sort(byName), [
    ['geolocation', 'https://asks.example', false, false, false, 'denied'],
    ['geolocation', 'https://widget.example', true, true, false, 'denied'],
    ['midi', 'https://asks.example', false, true, false, 'denied'],
    ['notifications', 'https://asks.example', false, false, false, 'denied'],
    ['notifications', 'https://asks.example', false, true, false, 'denied'],
  ]);
  assert.deepEqual(asks.filter((a) => a[4]).map((a) => [a[0], a[5]]).sort(byName), [
    // Location and MIDI were refused just before; `push` needs `userVisibleOnly`, so it throws.
    ['bogus-name', 'unsupported'], ['camera', 'prompt'], ['geolocation', 'denied'], ['microphone', 'prompt'],
    ['midi', 'denied'], ['notifications', 'denied'], ['push', 'unsupported'],
  ]);
  assert.deepEqual(
    [site.permissions.notifications.asked, site.permissions.notifications.denied, site.permissions.notifications.withoutActivation],
    [2, 2, 1]);
  assert.equal(site.permissions.geolocation.fromThirdPartyFrames, 1);

  // What it cost, and why.
  // The widget asked for location after the page's own ask was refused: again, after a no.
  assert.deepEqual(site.changes.map((c) => c.reason).sort(), [
    'an embedded frame of widget.example asked again for geolocation after you said no',
    'an embedded frame of widget.example asked for geolocation',
    'asks.example asked again for notifications after you said no',
    'asks.example asked for geolocation as the page loaded',
    'asks.example asked for geolocation without a click',
    'asks.example asked for notifications as the page loaded',
    'asks.example asked for notifications without a click',
    'asks.example probed 7 permissions, a fingerprinting sign',
  ]);
  assert.equal(site.score, 60 - (4 + 2) * 2 - 3 - 5 - 5 - 5);
});

test('the popup shows what the site asked for and what it has access to now, and revokes in one click', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  await h.visit(page, `${PAGE}?ask=notifications`);
  await page.click('button[data-ask=midi]');
  await page.evaluate(() => window.ask.probe(['camera', 'microphone']));
  await asksRecorded(h, 4);
  // Location for an hour, and the camera by an exception.
  await changeTerms(h, (terms) => { terms.exceptions = { 'asks.example': { permissions: { camera: 'allow' } } }; });
  const options = await h.context.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const granted = await options.evaluate(() => chrome.runtime.sendMessage({ type: 'grant', site: 'asks.example', capability: 'geolocation', minutes: 60 }));
  assert.equal(granted.error, undefined);

  const popup = await h.context.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=asks.example`);
  await popup.waitForSelector('#access-title');
  const rows = (section) => popup.$$eval(`${section} li`, (lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
  const asked = await popup.evaluate(() => [...document.querySelectorAll('h2')].find((h) => h.textContent === 'What this site asked for')
    .parentElement.nextElementSibling.textContent.replace(/\s+/g, ' '));
  assert.match(asked, /MIDI devices after a click .*denied/);
  assert.match(asked, /Notifications without a click .*denied/);
  assert.match(await popup.textContent('main'), /It also checked 2 permissions without asking: Camera, Microphone\./);
  for (const colorScheme of ['light', 'dark']) {
    await popup.emulateMedia({ colorScheme });
    assert.deepEqual(await axeViolations(popup), [], `the popup in ${colorScheme}`);
  }
  const access = await rows('section[aria-labelledby=access-title]');
  assert.equal(access.length, 2);
  assert.match(access[0], /^Your location until .+ ?Revoke your location$/);
  assert.match(access[1], /^Camera by your terms ?Revoke camera$/);

  // Revoking the grant ends it (the terms ask again); revoking the camera denies it on the site.
  await popup.click('button[data-capability=geolocation]');
  await popup.waitForFunction(() => document.getElementById('access-status')?.textContent === 'Your location: revoked.');
  await popup.click('button[data-capability=camera]');
  await popup.waitForFunction(() => document.getElementById('access-status')?.textContent === 'Camera: revoked.');
  assert.match(await popup.textContent('section[aria-labelledby=access-title]'), /Nothing: this site has no permission\./);
  const terms = JSON.parse((await options.evaluate(() => chrome.runtime.sendMessage({ type: 'terms' }))).json);
  assert.deepEqual(terms.grants, []);
  assert.deepEqual(terms.exceptions['asks.example'], { permissions: { camera: 'deny' } });
  await h.visit(page, PAGE);
  assert.equal(await page.evaluate(() => navigator.permissions.query({ name: 'camera' }).then((s) => s.state)), 'denied');
});

test('a hostile page cannot forge reports, spoof a click, tell the observers from natives, unwrap them or read the terms', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  // hostile.example's attacks are in its own source, each noting what it got (read from the DOM:
  // the page breaks the intrinsics Playwright's evaluate would use in its world).
  await h.visit(page, 'https://hostile.example/');
  await page.waitForFunction(() => document.getElementById('out').textContent !== '');
  const attacks = JSON.parse(await page.textContent('#out'));

  // Reading the terms: no extension API in the page, and its forged port gets no decision.
  assert.equal(attacks.chromeRuntime, 'undefined');
  assert.equal(attacks.decide, 'none');
  // Detecting: every wrapper looks native, through its own realm's toString and a fresh frame's.
  assert.deepEqual(attacks.looksNative, [true, true, true, true, true]);
  assert.equal(attacks.childLooksNative, 'function query() { [native code] }');
  // Breaking the tools: the observers never used the page's replaced postMessage.
  assert.equal(attacks.intercepted, undefined);
  // Spoofing a click fooled the page itself, not the record.
  assert.equal(attacks.spoofed, true);
  assert.equal(attacks.notifications, 'denied');

  // What reached the ledger: exactly the page's real calls, under its own site. The forged
  // "granted camera for news.example" did not; the probe from the fresh frame (instrumented
  // before the page could reach it) and the one made after the page broke its intrinsics did.
  await asksRecorded(h, 3, 'hostile.example');
  await new Promise((r) => setTimeout(r, 300)); // anything forged would have arrived by now
  const l = await ledger(h);
  assert.deepEqual(l.sites['hostile.example'].recentAsks.map((a) => [a.capability, a.call, a.activation, a.outcome, a.origin]), [
    ['notifications', 'Notification.requestPermission', false, 'denied', 'https://hostile.example'],
    ['camera', 'navigator.permissions.query', false, 'prompt', 'https://hostile.example'],
    ['geolocation', 'navigator.permissions.query', false, 'prompt', 'https://hostile.example'],
  ]);
  for (const [name, s] of Object.entries(l.sites)) {
    if (name !== 'hostile.example') assert.deepEqual(s.recentAsks ?? [], [], `${name} has no asks`);
  }
  assert.ok(l.sites['hostile.example'].changes.some((c) => c.reason === 'hostile.example asked for notifications without a click'));
});

test('the options page shows what every site may use now, and revokes it', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  await changeTerms(h, (terms) => { terms.exceptions = { 'asks.example': { permissions: { camera: 'allow' } } }; });
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  assert.equal((await page.evaluate(() => chrome.runtime.sendMessage(
    { type: 'grant', site: 'news.example', capability: 'geolocation', minutes: 60 }))).error, undefined);
  await page.reload();
  await page.waitForSelector('#access tbody tr');
  const rows = () => page.$$eval('#access tbody tr', (trs) => trs.map((tr) => [...tr.cells].slice(0, 3).map((c) => c.textContent)));
  const listed = await rows();
  assert.deepEqual(listed.map((r) => r.slice(0, 2)), [['asks.example', 'Camera'], ['news.example', 'Your location']]);
  assert.equal(listed[0][2], 'your terms');
  assert.match(listed[1][2], /^until /);
  assert.deepEqual(await axeViolations(page), []);

  // Revoking the camera denies it on asks.example; the terms editor on the same page follows.
  await page.click('#access button[data-site="asks.example"]');
  await page.waitForFunction(() => document.getElementById('access-status').textContent === 'Revoked: camera on asks.example.');
  assert.deepEqual((await rows()).map((r) => r[0]), ['news.example']);
  await page.waitForFunction(() => document.querySelector('#exceptions details[data-site="asks.example"] select[data-path="permissions.camera"]')?.value === 'deny');
  // A change in the editor now keeps the revoke (it works on the terms as they are).
  await page.uncheck('#object-li');
  await page.waitForFunction(() => document.getElementById('terms-status').textContent === 'Saved.');
  const terms = JSON.parse((await page.evaluate(() => chrome.runtime.sendMessage({ type: 'terms' }))).json);
  assert.deepEqual(terms.exceptions['asks.example'], { permissions: { camera: 'deny' } });
});
