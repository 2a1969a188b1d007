// The terms editor in real Chromium: the options page and the first-run page edit the person's
// terms (presets, purposes, permissions, blocking, exceptions, grants, import and export), every
// change reaching the service worker's terms; a broken file changes nothing; both pages pass
// axe-core with no serious or critical violation, in light and dark, by keyboard.
// Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { axeViolations } from './trustledger.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');

// The terms in force, as the service worker has them.
async function termsOf(page) {
  return JSON.parse((await page.evaluate(() => chrome.runtime.sendMessage({ type: 'terms' }))).json);
}

async function openOptions(h) {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.waitForSelector('#terms-editor:not([hidden])');
  return page;
}

const saved = (page) => page.waitForFunction(() => document.getElementById('terms-status').textContent !== '');
async function change(page, action) {
  await page.evaluate(() => { document.getElementById('terms-status').textContent = ''; });
  await action();
  await saved(page);
}

test('the options page edits the terms: defaults, presets, exceptions, grants, and the terms as a file', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await openOptions(h);
  const before = await termsOf(page);
  // The editor shows the terms in force: the protective default.
  assert.equal(await page.isChecked('#gpc'), true);
  assert.equal(await page.isChecked('input[data-purpose=personalisedAds]'), false);
  assert.equal(await page.inputValue('select[data-capability=notifications]'), 'deny');
  assert.equal(await page.isChecked('input[data-category=advertising]'), true);

  // Each control changes the terms at once.
  await change(page, () => page.check('input[data-purpose=preferences]'));
  await change(page, () => page.selectOption('select[data-capability=geolocation]', 'deny'));
  await change(page, () => page.check('input[data-category=site_analytics]'));
  await change(page, () => page.uncheck('#object-li'));
  let terms = await termsOf(page);
  assert.equal(terms.purposes.preferences, 'accept');
  assert.equal(terms.permissions.geolocation, 'deny');
  assert.deepEqual([...terms.blocking].sort(), [...before.blocking, 'site_analytics'].sort());
  assert.equal(terms.legitimateInterest.object, false);
  assert.equal(await page.textContent('#terms-status'), 'Saved.');

  // An exception, typed as a URL, is filed under its site; by keyboard, focus goes to its first choice.
  await page.focus('#exception-site');
  await page.keyboard.type('https://www.Shop.example/boots');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#exceptions details[data-site="shop.example"][open]');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.path), 'signals.gpc');
  assert.equal(await page.textContent('#exceptions details[data-site="shop.example"] option[value=""]'), 'As my terms (Send)');
  await change(page, () => page.selectOption('#exceptions select[data-path="signals.gpc"]', 'false'));
  await change(page, () => page.selectOption('#exceptions select[data-path="permissions.notifications"]', 'allow'));
  await change(page, () => page.selectOption('#exceptions select[data-path="blocking.advertising"]', 'false'));
  terms = await termsOf(page);
  assert.deepEqual(terms.exceptions, { 'shop.example': {
    signals: { gpc: false }, permissions: { notifications: 'allow' }, blocking: { advertising: false },
  } });
  assert.match(await page.textContent('#exceptions summary'), /no GPC, 1 permission, 1 blocking choice/);
  // Back to "as my terms" removes the override.
  await change(page, () => page.selectOption('#exceptions select[data-path="blocking.advertising"]', ''));
  assert.deepEqual((await termsOf(page)).exceptions['shop.example'].blocking, undefined);
  // A name that is no site is refused with a reason, and nothing changes.
  await page.fill('#exception-site', 'co.uk');
  await change(page, () => page.click('#add-exception button'));
  assert.match(await page.textContent('#terms-status'), /names no site/);
  assert.deepEqual(Object.keys((await termsOf(page)).exceptions), ['shop.example']);

  // A time-limited permission, then revoked.
  await page.selectOption('#grant-capability', 'geolocation');
  await page.fill('#grant-site', 'news.example');
  await change(page, () => page.click('#add-grant button'));
  assert.match(await page.textContent('#terms-status'), /^Allowed: geolocation on news\.example, until /);
  assert.equal(await page.locator('#grants tbody tr').count(), 1);
  const [grant] = (await termsOf(page)).grants;
  assert.equal(grant.site, 'news.example');
  assert.ok(Math.abs(grant.until - (Date.now() + 3_600_000)) < 60_000, 'one hour by default');
  await change(page, () => page.click('#grants tbody button'));
  assert.deepEqual((await termsOf(page)).grants, []);
  assert.equal(await page.isVisible('#grants-empty'), true);

  // A preset replaces the defaults and keeps the exceptions.
  await change(page, () => page.click('button[data-preset=acceptAll]'));
  terms = await termsOf(page);
  assert.ok(Object.values(terms.purposes).every((d) => d === 'accept'));
  assert.equal(terms.signals.gpc, false);
  assert.deepEqual(Object.keys(terms.exceptions), ['shop.example']);
  assert.equal(await page.isChecked('#gpc'), false, 'the controls show the preset');
  assert.equal(await page.textContent('#exceptions option[value=""]'), 'As my terms (Do not send)');

  // Export: the terms as their file, and the proffer.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-terms')]);
  assert.match(download.suggestedFilename(), /^trust-ledger-terms-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = await readFile(await download.path(), 'utf8');
  assert.deepEqual(JSON.parse(exported), terms);
  const [proffer] = await Promise.all([page.waitForEvent('download'), page.click('#export-proffer')]);
  assert.match(proffer.suggestedFilename(), /\.jsonld$/);
  assert.ok(JSON.parse(await readFile(await proffer.path(), 'utf8'))['@context'], 'a JSON-LD document');

  // Import: a broken file is refused with the engine's error and changes nothing; a good one replaces.
  const importTerms = async (name, text) => {
    await page.evaluate(() => { document.getElementById('terms-file-status').textContent = ''; });
    await page.setInputFiles('#import-terms', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
    await page.waitForFunction(() => document.getElementById('terms-file-status').textContent !== '');
    return page.textContent('#terms-file-status');
  };
  const broken = JSON.stringify({ ...before, permissions: { ...before.permissions, camera: 'sometimes' } });
  assert.equal(await importTerms('broken.json', broken),
    'broken.json was not imported, and your terms are unchanged. terms: permissions.camera: "sometimes", expected one of allow, ask, deny');
  assert.deepEqual(await termsOf(page), terms);
  assert.match(await importTerms('notes.txt', 'not json'), /^notes\.txt was not imported, and your terms are unchanged\. not a Trust Ledger terms file/);
  assert.equal(await importTerms('before.json', JSON.stringify(before)), 'Imported before.json: these are your terms now.');
  assert.deepEqual(await termsOf(page), before);
  assert.equal(await page.isChecked('#gpc'), true);
  assert.equal(await page.locator('#exceptions details').count(), 0);
});

test('the options page and the first-run page pass axe-core, in light and dark', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());

  // The first-run page opened by itself on install, and offers the presets.
  const welcomeUrl = `chrome-extension://${h.extensionId}/welcome/welcome.html`;
  const welcome = h.context.pages().find((p) => p.url() === welcomeUrl) ?? await h.context.waitForEvent('page', {
    predicate: (p) => p.url() === welcomeUrl, timeout: 10_000,
  });
  await welcome.waitForSelector('#presets button');
  assert.deepEqual(await welcome.$$eval('#presets button', (b) => b.map((x) => x.dataset.preset)), ['refuseAll', 'balanced', 'acceptAll']);
  assert.equal((await welcome.textContent('main p.lead')).split(/(?<=[.;:]) /).filter((s) => s.endsWith('.')).length, 2, 'two sentences');

  // Options with every part shown: an exception open, a grant listed, a status message.
  const page = await openOptions(h);
  await page.fill('#exception-site', 'shop.example');
  await change(page, () => page.click('#add-exception button'));
  await page.fill('#grant-site', 'news.example');
  await change(page, () => page.click('#add-grant button'));
  for (const colorScheme of ['light', 'dark']) {
    for (const p of [page, welcome]) {
      await p.emulateMedia({ colorScheme });
      assert.deepEqual(await axeViolations(p), [], `${p.url()} in ${colorScheme}`);
    }
  }

  // Choosing a preset on the first-run page makes it the terms.
  await welcome.click('button[data-preset=balanced]');
  await welcome.waitForFunction(() => document.getElementById('status').textContent.includes('Balanced'));
  const balanced = JSON.parse((await welcome.evaluate(() => chrome.runtime.sendMessage({ type: 'preset', preset: 'balanced' }))).json);
  const terms = await termsOf(welcome);
  assert.deepEqual({ ...terms, exceptions: {}, grants: [] }, { ...balanced, exceptions: {}, grants: [] });
  assert.deepEqual(Object.keys(terms.exceptions), ['shop.example'], 'exceptions are kept');
  assert.equal(await welcome.getAttribute('.preset:nth-child(2)', 'aria-current'), 'true');
});
