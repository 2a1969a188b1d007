// What the extension costs a page load, and how fast its service worker answers from cold, in
// real Chromium (tests/e2e/harness.mjs) on the fixture sites (tests/e2e/sites, the pages of
// INVENTORY).
//
// 1. Page load with and without the extension. Four browsers run side by side:
//    - with: Trust Ledger, its blocking turned off so that every side loads the same requests
//      (with the default terms, blocked advertising makes pages load less, and faster);
//    - floor: the same manifest, so the same page scripts (content/*.js: GPC, the permission
//      observers, their relay), and a worker (bench/floor/background.js) that registers the same
//      webRequest listeners and does nothing;
//    - listeners: the floor without the page scripts;
//    - without: no extension.
//    Every page is visited in each, one visit at a time, the order of the four cycling through
//    all 24 permutations, over ROUNDS rounds after WARMUP unmeasured rounds. That way a change
//    in the machine's speed falls on all sides alike. Each visit starts from about:blank, so it
//    is a fresh navigation. The fixture server sends no-store, so every visit fetches everything
//    again. A visit's time is the page's own Navigation Timing, loadEventEnd - startTime, not
//    Node's wall clock. A ratio is the sum over pages of the median on one side, divided by the
//    same sum on another. That is the cost of loading every page once, with long pages weighing
//    more. Target: with ÷ without ≤ 1.05. listeners ÷ without is what observing every request
//    and response costs any extension here; floor ÷ listeners is what the page scripts cost;
//    with ÷ floor is the rest of Trust Ledger's own work.
// 2. Service-worker cold start. The ledger is flushed (as it is before the browser stops an idle
//    worker), the worker is stopped through DevTools, and a page is visited, whose requests wake
//    it. The worker's startupTimings() then gives engineReady and firstClassified in ms since it
//    started (its time origin). Any other numeric field it returns is reported too. Also shown:
//    the time from the page's navigation start to the worker's start, and to its first
//    classification. Target: firstClassified ≤ 20 ms (median). The same runs with the floor
//    worker give firstRequest: when the first request reaches a worker that does nothing else,
//    the soonest any extension could classify it.
//
// Benchmarks report; they do not assert: the exit status is non-zero only on errors.
//
// usage: node bench/pageload.mjs [EXTENSION_DIR] [OUT.json] [ROUNDS]
//        EXTENSION_DIR defaults to dist/chromium (./build.sh); ROUNDS to 15.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch } from '../tests/e2e/harness.mjs';
import { changeTerms, ledger, untilObserving } from '../tests/e2e/trustledger.mjs';
import { INVENTORY } from '../tests/e2e/sites/inventory.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const extensionDir = resolve(process.argv[2] ?? join(ROOT, 'dist', 'chromium'));
const outPath = process.argv[3];
const ROUNDS = Number(process.argv[4] ?? 15);
const WARMUP = 3;
const COLD_RUNS = 15;
const LOAD_TARGET = 1.05;
const COLD_TARGET_MS = 20;
const PAGES = Object.keys(INVENTORY);

const SIDES = ['with', 'floor', 'listeners', 'without'];
const permutations = (xs) => (xs.length <= 1 ? [xs]
  : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest])));
const ORDERS = permutations(SIDES);

// The floor extension: the built extension with bench/floor/background.js as its worker; with
// `pageScripts` false, also without the manifest's content scripts.
function floorExtension({ pageScripts }) {
  const dir = mkdtempSync(join(tmpdir(), 'trustledger-floor-'));
  cpSync(extensionDir, dir, { recursive: true });
  cpSync(join(ROOT, 'bench', 'floor', 'background.js'), join(dir, 'background.js'));
  if (!pageScripts) {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    delete manifest.content_scripts;
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  }
  return dir;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const stats = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });
const fmt = (x, digits = 1) => (x == null ? '—' : x.toFixed(digits));
const met = (ok) => (ok ? 'MET' : 'NOT MET');

// One visit: a fresh navigation from about:blank, then the harness's visit (load, then until the
// network is quiet, so that nothing of this page spills into the next). Returns the page's timing.
async function timedVisit(h, page, url) {
  await page.goto('about:blank');
  await h.visit(page, url);
  const nav = await page.evaluate(() => {
    const e = performance.getEntriesByType('navigation')[0];
    return e && { loadMs: e.loadEventEnd - e.startTime, dclMs: e.domContentLoadedEventEnd - e.startTime, timeOrigin: performance.timeOrigin };
  });
  if (!nav || !(nav.loadMs > 0)) throw new Error(`${url}: no navigation timing (load event not finished?)`);
  return nav;
}

const harnesses = [];
const floorDirs = [];
const removeFloors = () => floorDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
process.on('SIGINT', async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  removeFloors();
  process.exit(130);
});

floorDirs.push(floorExtension({ pageScripts: true }), floorExtension({ pageScripts: false }));
try {
  const [withExt, floor, listeners, without] = await Promise.all([
    launch({ extensionDir }), launch({ extensionDir: floorDirs[0] }), launch({ extensionDir: floorDirs[1] }), launch({ extensionDir: null }),
  ]);
  harnesses.push(withExt, floor, listeners, without);
  const sides = Object.fromEntries(await Promise.all(
    Object.entries({ with: withExt, floor, listeners, without }).map(async ([side, h]) => [side, { h, page: await h.context.newPage() }])));
  const browserVersion = withExt.context.browser()?.version() ?? 'unknown';

  for (const side of ['with', 'floor', 'listeners']) await untilObserving(sides[side].h, sides[side].page);
  // The same requests on every side: nothing blocked.
  await changeTerms(withExt, (terms) => { terms.blocking = []; });

  // -- 1. Page load, on every side ------------------------------------------------------------------
  const samples = Object.fromEntries(PAGES.map((url) => [url, Object.fromEntries(SIDES.map((side) => [side, []]))]));
  process.stderr.write(`page load: ${WARMUP} warm-up + ${ROUNDS} rounds × ${PAGES.length} pages × ${SIDES.length} browsers `);
  for (let round = -WARMUP; round < ROUNDS; round++) {
    for (const [i, url] of PAGES.entries()) {
      for (const side of ORDERS[(round + WARMUP + i) % ORDERS.length]) {
        const { h, page } = sides[side];
        const nav = await timedVisit(h, page, url);
        if (round >= 0) samples[url][side].push(nav.loadMs);
      }
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const perPage = PAGES.map((url) => {
    const m = Object.fromEntries(SIDES.map((side) => [side, median(samples[url][side])]));
    return {
      url, withMs: m.with, floorMs: m.floor, listenersMs: m.listeners, withoutMs: m.without,
      ratio: m.with / m.without, floorRatio: m.floor / m.without, pageScriptsRatio: m.floor / m.listeners,
      ...Object.fromEntries(SIDES.map((side) => [side, stats(samples[url][side])])),
    };
  });
  const sum = (key) => perPage.reduce((a, p) => a + p[key], 0);
  const [sumWith, sumFloor, sumListeners, sumWithout] = [sum('withMs'), sum('floorMs'), sum('listenersMs'), sum('withoutMs')];
  const loadRatio = sumWith / sumWithout;
  const floorRatio = sumFloor / sumWithout;
  const listenersRatio = sumListeners / sumWithout;
  const pageScriptsRatio = sumFloor / sumListeners;
  await without.close();
  await listeners.close();

  // -- 2. Service-worker cold start -----------------------------------------------------------------
  async function coldStarts({ h, page }, label) {
    const runs = [];
    process.stderr.write(`cold start (${label}): ${COLD_RUNS} runs `);
    for (let run = 0; run < COLD_RUNS; run++) {
      await (await h.serviceWorker()).evaluate(() => globalThis.flushLedger());
      await page.goto('about:blank');
      // A worker the browser will not stop (it happens, rarely, under load) is a run lost, not
      // the whole benchmark.
      const stopped = await h.stopServiceWorker().then(() => true, () => false);
      if (!stopped) {
        process.stderr.write('x');
        continue;
      }
      await sleep(200); // let the browser finish tearing the worker down
      const url = PAGES[run % PAGES.length];
      const nav = await timedVisit(h, page, url);
      const sw = await h.serviceWorker();
      const { timings, timeOrigin } = await sw.evaluate(() => ({ timings: globalThis.startupTimings(), timeOrigin: performance.timeOrigin }));
      const sinceNav = (t) => (t == null ? null : timeOrigin + t - nav.timeOrigin);
      runs.push({
        url, ...timings, pageLoadMs: nav.loadMs,
        workerStartAfterNavMs: timeOrigin - nav.timeOrigin,
        firstClassifiedAfterNavMs: sinceNav(timings.firstClassified ?? timings.firstRequest),
      });
      process.stderr.write('.');
    }
    process.stderr.write('\n');
    const keys = [...new Set(runs.flatMap((c) => Object.keys(c)))].filter((k) => k !== 'url');
    const summary = Object.fromEntries(keys.map((k) => {
      const xs = runs.map((c) => c[k]).filter((x) => typeof x === 'number');
      return [k, xs.length ? { ...stats(xs), missing: runs.length - xs.length } : { missing: runs.length }];
    }));
    return { runs, keys, summary };
  }
  const cold = await coldStarts(sides.with, 'Trust Ledger');
  const ledgerBytes = (await (await withExt.serviceWorker()).evaluate(() => globalThis.ledgerJson())).length;
  const floorCold = await coldStarts(sides.floor, 'floor');
  const coldKeys = cold.keys;
  const coldSummary = cold.summary;
  const firstClassified = coldSummary.firstClassified;

  // -- Report ---------------------------------------------------------------------------------------
  const env = { chromium: browserVersion, node: process.version, cpus: cpus().length, extensionDir };
  console.log(`\nChromium ${env.chromium}, Node ${env.node}, ${env.cpus} CPUs, extension ${extensionDir}`);
  console.log(`\nPage load (Navigation Timing loadEventEnd - startTime, ms): median of ${ROUNDS} visits per page and side, after ${WARMUP} warm-up rounds, the four sides' order cycling\n`);
  const w = Math.max(...PAGES.map((u) => u.length), 'sum of medians'.length);
  const row = (name, cells) => console.log(`${name.padEnd(w)}  ${cells.map((c) => c.padStart(7)).join('  ')}`);
  row('page', ['with', 'floor', 'listen.', 'without', 'with÷wo', 'scripts']);
  for (const p of perPage) {
    row(p.url, [fmt(p.withMs), fmt(p.floorMs), fmt(p.listenersMs), fmt(p.withoutMs), fmt(p.ratio, 3), fmt(p.pageScriptsRatio, 3)]);
  }
  row('sum of medians', [fmt(sumWith), fmt(sumFloor), fmt(sumListeners), fmt(sumWithout), fmt(loadRatio, 3), fmt(pageScriptsRatio, 3)]);
  console.log(`\npage-load ratio (sum of medians with ÷ without) ${fmt(loadRatio, 3)}: target ≤ ${LOAD_TARGET} ${met(loadRatio <= LOAD_TARGET)}`);
  console.log(`  observing requests (the listeners, doing nothing) ÷ without: ${fmt(listenersRatio, 3)}`);
  console.log(`  the page scripts (floor ÷ listeners, "scripts" above): ${fmt(pageScriptsRatio, 3)}`);
  console.log(`  the rest of Trust Ledger's work (with ÷ floor): ${fmt(sumWith / sumFloor, 3)}; the floor ÷ without: ${fmt(floorRatio, 3)}`);

  console.log(`\nService-worker cold start, ${COLD_RUNS} runs (ms; worker fields are since the worker started, "…AfterNav" since the page's navigation start)\n`);
  const kw = Math.max(...coldKeys.map((k) => k.length));
  console.log(`${'measure'.padEnd(kw)}  ${'median'.padStart(7)}  ${'min'.padStart(7)}  ${'max'.padStart(7)}  missing`);
  for (const k of coldKeys) {
    const s = coldSummary[k];
    console.log(`${k.padEnd(kw)}  ${fmt(s.median).padStart(7)}  ${fmt(s.min).padStart(7)}  ${fmt(s.max).padStart(7)}  ${s.missing}`);
  }
  console.log(`(ledger in storage at the end: ${ledgerBytes} bytes of JSON)`);
  console.log(`\nThe floor worker, ${COLD_RUNS} runs: the first request reached it after`);
  for (const k of ['scriptStart', 'firstRequest', 'workerStartAfterNavMs']) {
    const s = floorCold.summary[k];
    console.log(`${k.padEnd(kw)}  ${fmt(s.median).padStart(7)}  ${fmt(s.min).padStart(7)}  ${fmt(s.max).padStart(7)}  ${s.missing}`);
  }
  const coldOk = firstClassified.missing === 0 && firstClassified.median <= COLD_TARGET_MS;
  console.log(`\ncold start to first classified request, median ${fmt(firstClassified.median)} ms (max ${fmt(firstClassified.max)}): ` +
    `target ≤ ${COLD_TARGET_MS} ms ${met(coldOk)}${firstClassified.missing ? ` (${firstClassified.missing} runs had no firstClassified)` : ''}`);
  console.log(`  the floor: a worker doing nothing else receives its first request after ${fmt(floorCold.summary.firstRequest.median)} ms (median)`);

  if (outPath) {
    writeFileSync(outPath, JSON.stringify({
      env, rounds: ROUNDS, warmup: WARMUP, pages: PAGES,
      pageLoad: {
        metric: 'sum of per-page medians with ÷ without', ratio: loadRatio, floorRatio, listenersRatio, pageScriptsRatio,
        target: LOAD_TARGET, met: loadRatio <= LOAD_TARGET, sumWith, sumFloor, sumListeners, sumWithout, perPage, samples,
      },
      coldStart: { target: COLD_TARGET_MS, met: coldOk, ledgerBytes, summary: coldSummary, samples: cold.runs, floor: { summary: floorCold.summary, samples: floorCold.runs } },
    }, null, 2));
    console.log(`\nwrote ${outPath}`);
  }
} finally {
  await Promise.all(harnesses.map((h) => h.close()));
  removeFloors();
}
