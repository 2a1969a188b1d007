// The options page in real Chromium: the list of all sites (sorting, finding, links to each
// site's popup view), the ledger exported as a download and imported back (own file, another
// profile's, a broken one), and the popup and options page readable in light and dark.
// Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { ledger, untilObserving } from './trustledger.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');

const siteColumn = (page) => page.$$eval('#sites tbody tr td.site', (cells) => cells.map((c) => c.textContent));

async function importFile(page, name, text) {
  await page.setInputFiles('#import', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForFunction((name) => document.getElementById('file-status').textContent.includes(name), name);
  return page.textContent('#file-status');
}

test('the options page lists every site, exports the ledger and imports files without losing anything', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const browse = await h.context.newPage();
  await untilObserving(h, browse);
  for (const url of ['https://news.example/', 'https://shop.example/', 'https://blog.example/']) await h.visit(browse, url);
  const mine = await ledger(h);

  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  await page.waitForSelector('#sites tbody tr');
  // Most recently seen first, every site once, each linking to its popup view.
  assert.deepEqual(await siteColumn(page), ['blog.example', 'shop.example', 'news.example', 'warmup.example']);
  assert.equal(await page.textContent('#sites-status'), '4 sites.');
  const newsRow = page.locator('#sites tbody tr', { hasText: 'news.example' });
  assert.equal(await newsRow.locator('td.score').textContent(), String(mine.sites['news.example'].score));

  // Sorting by trust puts the least trusted first; finding narrows the list.
  await page.click('th[data-key=score] button');
  assert.equal(await page.getAttribute('th[data-key=score]', 'aria-sort'), 'descending');
  await page.click('th[data-key=score] button');
  assert.equal(await page.getAttribute('th[data-key=score]', 'aria-sort'), 'ascending');
  const byScore = Object.values(mine.sites).sort((a, b) => a.score - b.score || a.site.localeCompare(b.site)).map((s) => s.site);
  assert.deepEqual(await siteColumn(page), byScore);
  await page.fill('#filter', 'sho');
  assert.deepEqual(await siteColumn(page), ['shop.example']);
  assert.equal(await page.textContent('#sites-status'), '1 site of 4 match “sho”.');
  await page.fill('#filter', '');

  // The link opens that site's ledger.
  await Promise.all([page.waitForURL(/popup\.html\?site=news\.example$/), newsRow.locator('a').click()]);
  await page.waitForSelector('.score .value');
  assert.equal(await page.textContent('h1'), 'news.example');
  await page.goBack();
  await page.waitForSelector('#sites tbody tr');

  // Export: one JSON file in the documented format, the ledger as it is.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  assert.match(download.suggestedFilename(), /^trust-ledger-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = await readFile(await download.path(), 'utf8');
  const file = JSON.parse(exported);
  assert.equal(file.version, 1);
  assert.deepEqual(file.sites, mine.sites);

  // A broken file: a clear error naming where, and nothing changes.
  const broken = JSON.parse(exported);
  broken.sites['news.example'].score = 140;
  let said = await importFile(page, 'broken.json', JSON.stringify(broken));
  assert.match(said, /broken\.json was not imported, and nothing changed\. ledger: sites\.news\.example\.score: 140 is outside 0–100/);
  said = await importFile(page, 'not-json.json', 'this is not a ledger');
  assert.match(said, /not-json\.json was not imported, and nothing changed\. not a Trust Ledger ledger/);
  assert.deepEqual((await ledger(h)).sites, mine.sites);

  // Your own export again: nothing counts twice.
  said = await importFile(page, 'mine.json', exported);
  assert.match(said, /Imported mine\.json: 0 new sites, 0 combined with yours\./);
  assert.deepEqual((await ledger(h)).sites, mine.sites);

  // Another profile's ledger: its sites are added, shared ones combined, the list updated.
  const other = JSON.parse(exported);
  other.id = 'another-profile';
  for (const s of Object.values(other.sites)) s.sources = ['another-profile'];
  other.sites['elsewhere.example'] = { ...other.sites['blog.example'], site: 'elsewhere.example' };
  delete other.sites['shop.example'];
  said = await importFile(page, 'other.json', JSON.stringify(other));
  assert.match(said, /Imported other\.json: 1 new site, 3 combined with yours\./);
  const merged = (await ledger(h)).sites;
  assert.equal(merged['news.example'].visits, 2 * mine.sites['news.example'].visits);
  assert.equal(merged['news.example'].requests, 2 * mine.sites['news.example'].requests);
  assert.deepEqual(merged['shop.example'], mine.sites['shop.example']);
  await page.waitForFunction(() => document.getElementById('sites-status').textContent === '5 sites.');
  assert.ok((await siteColumn(page)).includes('elsewhere.example'));

  // Imported visits are over: closed as they were, earning nothing.
  assert.ok(merged['elsewhere.example'].recent.every((v) => v.closed));
  assert.equal(merged['elsewhere.example'].score, other.sites['elsewhere.example'].score);

  // It is all kept: after a browser restart the merged ledger is there.
  await h.restart();
  assert.deepEqual((await ledger(h)).sites['elsewhere.example'], merged['elsewhere.example']);
});

// WCAG contrast of every text element against the background it is drawn on.
function lowContrast() {
  const rgb = (c) => c.match(/[\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length) continue;
    const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) bad.push(`${e.tagName.toLowerCase()}.${e.className} “${e.textContent.trim().slice(0, 30)}”: ${ratio.toFixed(2)}`);
  }
  return bad;
}

test('the popup and the options page are readable in light and dark', async (t) => {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const browse = await h.context.newPage();
  await untilObserving(h, browse);
  await h.visit(browse, 'https://news.example/');
  const page = await h.context.newPage();
  const backgrounds = {};
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    for (const path of ['popup/popup.html?site=news.example', 'options/options.html']) {
      await page.goto(`chrome-extension://${h.extensionId}/${path}`);
      await page.waitForSelector(path.startsWith('popup') ? '.score .value' : '#sites tbody tr');
      assert.deepEqual(await page.evaluate(lowContrast), [], `${path} in ${colorScheme}: text below 4.5:1 contrast`);
      backgrounds[`${path} ${colorScheme}`] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    }
  }
  assert.notEqual(backgrounds['options/options.html light'], backgrounds['options/options.html dark'], 'dark mode is dark');
});
