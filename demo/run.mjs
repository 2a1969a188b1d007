// The demo behind `./build.sh run`: Chromium with the built extension (dist/chromium) on the
// fixture sites of the browser tests (tests/e2e/sites: news, shop, blog, video, bank), whose
// pages load real tracker hostnames. The harness (tests/e2e/harness.mjs) maps every hostname
// onto its local server with --host-resolver-rules, so nothing leaves the machine.
//
//   ./build.sh run                                 # builds, then runs this
//   node demo/run.mjs [--headless] [--out DIR]     # after ./build.sh
//
// With a display ($DISPLAY or $WAYLAND_DISPLAY) and no --headless, it opens a window on the
// first demo site and waits until the window is closed or Ctrl-C. Headless, it visits every demo
// page, prints each site's ledger summary, and saves the popup of each site, light and dark, as
// popup-<site>-light.png and popup-<site>-dark.png, the options page's terms editor and site
// list (options-terms-*.png, options-sites-*.png, options-exception-light.png) and the first-run
// page (welcome-light.png), in DIR (default docs/screenshots/).
// Exits non-zero with a message if anything fails; the browser is always closed.

import { access, mkdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launch } from '../tests/e2e/harness.mjs';
import { ledger, untilObserving } from '../tests/e2e/trustledger.mjs';
import { INVENTORY } from '../tests/e2e/sites/inventory.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXTENSION_DIR = join(ROOT, 'dist', 'chromium');
const POPUP_WIDTH = 380; // popup.css: body { width: 380px }
const USAGE = 'usage: node demo/run.mjs [--headless] [--out DIR]';

// The demo pages, in the inventory's order, then news.example again so that its score moves.
const PAGES = [...Object.keys(INVENTORY), 'https://news.example/'];
// Every fixture host has a one-label suffix: the hostname is the site.
const SITES = [...new Set(PAGES.map((url) => new URL(url).hostname))];

const exists = (path) => access(path).then(() => true, () => false);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
// A path as typed from here when it is under the working directory, else absolute.
const shown = (path) => (relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path) || '.');

async function main() {
  let args;
  try {
    args = parseArgs({ options: { headless: { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }).values;
  } catch (error) {
    throw new Error(`${error.message}\n${USAGE}`);
  }
  if (args.help) return console.log(USAGE);
  const headless = args.headless || !(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  const outDir = args.out ? resolve(args.out) : join(ROOT, 'docs', 'screenshots');
  if (!(await exists(join(EXTENSION_DIR, 'manifest.json')))) {
    throw new Error(`no built extension in ${EXTENSION_DIR}: run ./build.sh first`);
  }

  console.log(`Starting Chromium ${headless ? 'headless' : 'in a window'} with ${shown(EXTENSION_DIR)}…`);
  const h = await launch({ extensionDir: EXTENSION_DIR, headless });
  try {
    // A tab of its own: the first-run page, which the install opened, stays as it is.
    const page = await h.context.newPage();
    await untilObserving(h, page);
    if (headless) await tour(h, page, outDir);
    else await openWindow(h, page);
  } finally {
    await h.close();
  }
}


async function openWindow(h, page) {
  const options = join(EXTENSION_DIR, 'options', 'options.html');
  await h.visit(page, PAGES[0]);
  if (await exists(options)) {
    await (await h.context.newPage()).goto(`chrome-extension://${h.extensionId}/options/options.html`);
    await page.bringToFront();
  }
  console.log([
    '',
    'Trust Ledger is running in the Chromium window, on these demo pages (all served locally):',
    ...Object.keys(INVENTORY).map((url) => `  ${url}`),
    '',
    'To see a site\'s ledger: click the puzzle icon in the toolbar, pin Trust Ledger, then click',
    'its icon on any demo site. The badge counts the tracker requests of the page in front.',
    `Any site's ledger: chrome-extension://${h.extensionId}/popup/popup.html?site=news.example`,
    '',
    'Close the browser window or press Ctrl-C to stop.',
  ].join('\n'));
  await new Promise((done) => {
    h.context.on('close', done);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  console.log('Closing…');
}

async function tour(h, page, outDir) {
  for (const url of PAGES) {
    process.stdout.write(`visiting ${url}\n`);
    await h.visit(page, url);
  }
  const { sites } = await ledger(h);
  const missing = SITES.filter((site) => !sites[site]);
  if (missing.length) throw new Error(`the ledger has nothing for ${missing.join(', ')}`);
  for (const site of SITES) console.log(`\n${summary(sites[site])}`);

  await mkdir(outDir, { recursive: true });
  const popup = await h.context.newPage();
  const written = [];
  for (const site of SITES) {
    for (const scheme of ['light', 'dark']) {
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.setViewportSize({ width: POPUP_WIDTH, height: 600 });
      await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=${encodeURIComponent(site)}`);
      // The popup shows "Loading…" (#status) until the worker has answered.
      await popup.waitForFunction(() => !document.getElementById('status'), null, { timeout: 10_000 });
      const text = await popup.textContent('main');
      if (!text.includes(site) || /Nothing recorded/.test(text)) throw new Error(`the popup for ${site} shows: ${text.trim()}`);
      const height = await popup.evaluate(() => Math.ceil(document.body.scrollHeight));
      await popup.setViewportSize({ width: POPUP_WIDTH, height });
      const path = join(outDir, `popup-${site}-${scheme}.png`);
      await popup.screenshot({ path });
      written.push(path);
    }
  }
  // The options page: the terms editor, an exception for one site, and every site.
  const shot = async (name, target) => {
    const path = join(outDir, name);
    await target.screenshot({ path });
    written.push(path);
  };
  await popup.setViewportSize({ width: 1100, height: 900 });
  for (const scheme of ['light', 'dark']) {
    await popup.emulateMedia({ colorScheme: scheme });
    await popup.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    await popup.waitForSelector('#sites tbody tr');
    await popup.waitForSelector('#terms-editor:not([hidden])');
    await shot(`options-terms-${scheme}.png`, popup);
    await shot(`options-sites-${scheme}.png`, popup.locator('section[aria-labelledby=sites-title]'));
  }
  // An exception: shop.example without Global Privacy Control, its notifications allowed.
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.fill('#exception-site', 'shop.example');
  await popup.click('#add-exception button');
  await popup.waitForSelector('#exceptions details[open]');
  for (const [path, value] of [['signals.gpc', 'false'], ['permissions.notifications', 'allow']]) {
    await popup.selectOption(`#exceptions select[data-path="${path}"]`, value);
    await popup.waitForFunction((p) => document.querySelector(`#exceptions select[data-path="${p}"]`).value !== '', path);
  }
  await popup.waitForFunction(() => /no GPC/.test(document.querySelector('#exceptions summary').textContent));
  await popup.evaluate(() => document.getElementById('exceptions-title').scrollIntoView());
  await shot('options-exception-light.png', popup);
  // The first-run page, as a new install opens it.
  await popup.goto(`chrome-extension://${h.extensionId}/welcome/welcome.html`);
  await popup.waitForSelector('#presets button');
  await popup.setViewportSize({ width: 1000, height: 560 });
  await shot('welcome-light.png', popup);
  console.log(`\nScreenshots (${written.length}):`);
  for (const path of written) console.log(`  ${shown(path)}`);
}

// A site's ledger, in a few lines: totals, companies, and the latest score changes.
function summary(s) {
  const companies = Object.entries(s.companies)
    .sort((a, b) => b[1].seen.requests - a[1].seen.requests)
    .map(([name, c]) => `${name} (${(c.category ?? 'tracker').replaceAll('_', ' ')}, ${c.seen.requests})`);
  const reasons = s.changes.slice(-3).reverse()
    .map((c) => `    ${c.delta > 0 ? '+' : ''}${c.delta}  ${c.reason} (${c.visit ? `visit ${c.visit}` : 'no page open'})`);
  return [
    `${s.site}  score ${s.score}/100`,
    `  ${plural(s.visits, 'visit')}, ${plural(s.requests, 'request')}: ${s.thirdPartyRequests} third-party, ` +
      `${s.trackerRequests} to trackers; ${plural(s.cookies, 'third-party cookie')}`,
    `  companies: ${companies.join(', ') || 'none'}`,
    '  latest reasons:',
    ...(reasons.length ? reasons : ['    none yet']),
  ].join('\n');
}

main().catch((error) => {
  console.error(`demo: ${error.message}`);
  process.exitCode = 1;
});
