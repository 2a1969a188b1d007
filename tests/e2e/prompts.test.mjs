// Permission prompts answered for real: granted (by Playwright's grants, as a person's earlier
// "allow" would), dismissed and allowed at the browser's own prompt. Headless Chromium denies
// every prompt without showing it, so the prompt tests run a headed browser on a virtual display
// and press the prompt's keys (harness.mjs, display.mjs). Camera and microphone are Chromium's
// fake devices. Each test checks what the page saw, what the ledger recorded, and, for the
// prompt's allow, the popup's "Access now" and its revoke.
// Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { changeTerms, ledger, untilObserving } from './trustledger.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');
const PAGE = 'https://asks.example/';
const FAKE_DEVICES = '--use-fake-device-for-media-stream';
// How long a prompt takes to open after the click that asked for it.
const PROMPT_OPENS_MS = 1500;

// The ledger's asks of asks.example, once there are `count`: [capability, call, activation, outcome].
async function asks(h, count) {
  for (let i = 0; i < 100; i++) {
    const recent = (await ledger(h)).sites['asks.example']?.recentAsks ?? [];
    if (recent.length >= count) return recent.map((a) => [a.capability, a.call, a.activation, a.outcome]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`asks.example never had ${count} calls recorded`);
}

// Clicks the page's button for `name` and waits for what the page saw of it.
async function clickAndSee(page, name, answer) {
  const before = await page.evaluate(() => window.seen.length);
  await page.click(`button[data-ask=${name}]`);
  if (answer) {
    await page.waitForTimeout(PROMPT_OPENS_MS);
    await answer();
  }
  await page.waitForFunction((n) => window.seen.length > n, before);
  return page.evaluate(() => window.seen.at(-1));
}

test('granted: what a person allowed before is used, and recorded as granted, with the click', async (t) => {
  const h = await launch({ extensionDir, args: [FAKE_DEVICES] });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  // The default terms deny notifications; these terms leave every prompt to the person.
  await changeTerms(h, (terms) => { for (const c of Object.keys(terms.permissions)) terms.permissions[c] = 'ask'; });
  // (Not MIDI: with the permission granted, it still needs a sound system this machine may lack.)
  await h.context.grantPermissions(['geolocation', 'notifications', 'camera', 'microphone', 'clipboard-read'], { origin: PAGE });
  await h.context.setGeolocation({ latitude: 52.37, longitude: 4.9 });
  await h.visit(page, PAGE);

  const seen = [];
  for (const name of ['notifications', 'geolocation', 'watch', 'camera', 'microphone', 'clipboard', 'clipboardItems']) {
    seen.push(await clickAndSee(page, name));
  }
  assert.deepEqual(seen, [
    ['notifications', 'granted'], ['geolocation', 'granted'], ['watch', 'granted'], ['camera', 'granted'],
    ['microphone', 'granted'], ['clipboard', 'granted'], ['clipboardItems', 'granted'],
  ]);
  assert.deepEqual(await asks(h, 7), [
    ['notifications', 'Notification.requestPermission', true, 'granted'],
    ['geolocation', 'navigator.geolocation.getCurrentPosition', true, 'granted'],
    ['geolocation', 'navigator.geolocation.watchPosition', true, 'granted'],
    ['camera', 'navigator.mediaDevices.getUserMedia', true, 'granted'],
    ['microphone', 'navigator.mediaDevices.getUserMedia', true, 'granted'],
    ['clipboard-read', 'navigator.clipboard.readText', true, 'granted'],
    ['clipboard-read', 'navigator.clipboard.read', true, 'granted'],
  ]);
  // Asked after a click and granted: nothing to hold against the site.
  const site = (await ledger(h)).sites['asks.example'];
  assert.deepEqual(site.changes.filter((c) => /asked/.test(c.reason)), []);
  assert.equal(site.permissions.camera.granted, 1);
});

test('a real prompt: dismissed is recorded as dismissed; allowed shows in "Access now" and is revoked in one click', async (t) => {
  const h = await launch({ extensionDir, headless: false, args: [FAKE_DEVICES] });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  await changeTerms(h, (terms) => { for (const c of Object.keys(terms.permissions)) terms.permissions[c] = 'ask'; });
  await h.visit(page, PAGE);
  await page.bringToFront();
  const dismiss = () => h.pressKeys('Escape');

  // Escape closes a prompt without an answer, and a chooser without a choice.
  assert.deepEqual(await clickAndSee(page, 'notifications', dismiss), ['notifications', 'default']);
  assert.deepEqual(await clickAndSee(page, 'camera', dismiss), ['camera', 'NotAllowedError: Permission dismissed']);
  assert.deepEqual(await clickAndSee(page, 'serial', dismiss), ['serial', "NotFoundError: Failed to execute 'requestPort' on 'Serial': No port selected by the user."]);
  assert.deepEqual(await asks(h, 3), [
    ['notifications', 'Notification.requestPermission', true, 'dismissed'],
    ['camera', 'navigator.mediaDevices.getUserMedia', true, 'dismissed'],
    ['serial', 'navigator.serial.requestPort', true, 'dismissed'],
  ]);

  // The prompt's last button is "Allow" (shift+Tab reaches it from the prompt's start).
  assert.deepEqual(await clickAndSee(page, 'notifications', () => h.pressKeys('shift+Tab', 'Return')), ['notifications', 'granted']);
  assert.deepEqual((await asks(h, 4))[3], ['notifications', 'Notification.requestPermission', true, 'granted']);
  const site = (await ledger(h)).sites['asks.example'];
  // A dismissal is not a "no": asking again after it costs nothing.
  assert.deepEqual(site.changes.filter((c) => /asked/.test(c.reason)), []);

  const popup = await h.context.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=asks.example`);
  await popup.waitForSelector('#access-title');
  const access = await popup.$$eval('section[aria-labelledby=access-title] li', (lis) => lis.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
  assert.equal(access.length, 1);
  assert.match(access[0], /^Notifications allowed at a browser prompt ?Revoke notifications$/);
  await popup.click('button[data-capability=notifications]');
  await popup.waitForFunction(() => document.getElementById('access-status')?.textContent === 'Notifications: revoked.');
  await h.visit(page, PAGE);
  assert.equal(await page.evaluate(() => Notification.permission), 'denied');
});
