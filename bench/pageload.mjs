// What the extension costs a page load, and how fast its service worker answers from cold, in
// real Chromium (tests/e2e/harness.mjs) on the fixture sites (tests/e2e/sites, the pages of
// INVENTORY).
//
// 1. Page load with and without the extension. Three browsers run side by side: one with the
//    extension, one with the floor (bench/floor/background.js: the same manifest and the same
//    webRequest listeners, doing nothing), one without. Every page is visited in each, one visit
//    at a time, the order of the three cycling through all six permutations, over ROUNDS rounds
//    after WARMUP unmeasured rounds. That way a change in the machine's speed falls on all sides
//    alike. Each visit starts from
//    about:blank, so it is a fresh navigation. The fixture server sends no-store, so every visit
//    fetches everything again. A visit's time is the page's own Navigation Timing,
//    loadEventEnd - startTime, not Node's wall clock. The ratio is the sum over pages of the
//    median with the extension, divided by the same sum without. That is the cost of loading
//    every page once, with long pages weighing more. Target ≤ 1.05. The floor's ratio is what
//    observing every request and response costs any extension here; with ÷ floor is Trust
//    Ledger's own share.
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

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch } from '../tests/e2e/harness.mjs';
import { ledger, untilObserving } from '../tests/e2e/trustledger.mjs';
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

const SIDES = ['with', 'floor', 'without'];
const ORDERS = [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1], [2, 0, 1], [1, 0, 2]].map((o) => o.map((i) => SIDES[i]));

// The floor extension: the built extension with bench/floor/background.js as its worker.
function floorExtension() {
  const dir = mkdtempSync(join(tmpdir(), 'trustledger-floor-'));
  cpSync(extensionDir, dir, { recursive: true });
  cpSync(join(ROOT, 'bench', 'floor', 'background.js'), join(dir, 'background.js'));
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
let floorDir = null;
process.on('SIGINT', async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  if (floorDir) rmSync(floorDir, { recursive: true, force: true });
  process.exit(130);
});

floorDir = floorExtension();
try {
  const [withExt, floor, without] = await Promise.all([launch({ extensionDir }), launch({ extensionDir: floorDir }), launch({ extensionDir: null })]);
  harnesses.push(withExt, floor, without);
  const sides = {
    with: { h: withExt, page: await withExt.context.newPage() },
    floor: { h: floor, page: await floor.context.newPage() },
    without: { h: without, page: await without.context.newPage() },
  };
  const browserVersion = withExt.context.browser()?.version() ?? 'unknown';

  await untilObserving(withExt, sides.with.page);
  await untilObserving(floor, sides.floor.page);

  // -- 1. Page load, with, floor and without ----------------------------------------------------------
  const samples = Object.fromEntries(PAGES.map((url) => [url, { with: [], floor: [], without: [] }]));
  process.stderr.write(`page load: ${WARMUP} warm-up + ${ROUNDS} rounds × ${PAGES.length} pages × 3 browsers `);
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
      url, withMs: m.with, floorMs: m.floor, withoutMs: m.without, ratio: m.with / m.without, floorRatio: m.floor / m.without,
      with: stats(samples[url].with), floor: stats(samples[url].floor), without: stats(samples[url].without),
    };
  });
  const sum = (key) => perPage.reduce((a, p) => a + p[key], 0);
  const [sumWith, sumFloor, sumWithout] = [sum('withMs'), sum('floorMs'), sum('withoutMs')];
  const loadRatio = sumWith / sumWithout;
  const floorRatio = sumFloor / sumWithout;
  await without.close();

  // -- 2. Service-worker cold start -----------------------------------------------------------------
  async function coldStarts({ h, page }, label) {
    const runs = [];
    process.stderr.write(`cold start (${label}): ${COLD_RUNS} runs `);
    for (let run = 0; run < COLD_RUNS; run++) {
      await (await h.serviceWorker()).evaluate(() => globalThis.flushLedger());
      await page.goto('about:blank');
      await h.stopServiceWorker();
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
  console.log(`\nPage load (Navigation Timing loadEventEnd - startTime, ms): median of ${ROUNDS} visits per page and side, after ${WARMUP} warm-up rounds, the three sides' order cycling\n`);
  const w = Math.max(...PAGES.map((u) => u.length), 'sum of medians'.length);
  const row = (name, cells) => console.log(`${name.padEnd(w)}  ${cells.map((c) => c.padStart(7)).join('  ')}`);
  row('page', ['with', 'floor', 'without', 'with÷wo', 'floor÷wo']);
  for (const p of perPage) row(p.url, [fmt(p.withMs), fmt(p.floorMs), fmt(p.withoutMs), fmt(p.ratio, 3), fmt(p.floorRatio, 3)]);
  row('sum of medians', [fmt(sumWith), fmt(sumFloor), fmt(sumWithout), fmt(loadRatio, 3), fmt(floorRatio, 3)]);
  console.log(`\npage-load ratio (sum of medians with ÷ without) ${fmt(loadRatio, 3)}: target ≤ ${LOAD_TARGET} ${met(loadRatio <= LOAD_TARGET)}`);
  console.log(`  the floor (the same listeners, doing nothing) ÷ without: ${fmt(floorRatio, 3)}; Trust Ledger's own share, with ÷ floor: ${fmt(sumWith / sumFloor, 3)}`);

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
      pageLoad: { metric: 'sum of per-page medians with ÷ without', ratio: loadRatio, floorRatio, target: LOAD_TARGET, met: loadRatio <= LOAD_TARGET, sumWith, sumFloor, sumWithout, perPage, samples },
      coldStart: { target: COLD_TARGET_MS, met: coldOk, ledgerBytes, summary: coldSummary, samples: cold.runs, floor: { summary: floorCold.summary, samples: floorCold.runs } },
    }, null, 2));
    console.log(`\nwrote ${outPath}`);
  }
} finally {
  await Promise.all(harnesses.map((h) => h.close()));
  rmSync(floorDir, { recursive: true, force: true });
}
