// What the browser tests, the demo and the page-load benchmark ask of Trust Ledger's service
// worker, through the harness (harness.mjs): its whole ledger, a warm-up until it observes, a
// change of the terms, and axe-core's verdict on an extension page.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const WARMUP_URL = 'https://warmup.example/';
const WARMUP_TRIES = 20;

/** The whole ledger as the worker has it, saved to storage first (as an idle stop would). */
export async function ledger(h) {
  const sw = await h.serviceWorker();
  await sw.evaluate(() => globalThis.flushLedger());
  return JSON.parse(await sw.evaluate(() => globalThis.ledgerJson()));
}

/**
 * A freshly installed worker's listeners reach the browser a moment after it starts: visits
 * warmup.example in `page` until the ledger has it, so that every later page is observed.
 * Throws if it never does.
 */
export async function untilObserving(h, page) {
  for (let i = 0; i < WARMUP_TRIES; i++) {
    await h.visit(page, WARMUP_URL);
    if ((await ledger(h)).sites['warmup.example']) return;
  }
  throw new Error(`the extension recorded nothing after ${WARMUP_TRIES} visits to ${WARMUP_URL}: ` +
    'is its service worker listening to requests? (see its console in chrome://extensions)');
}

/**
 * Changes the person's terms as the options page does: `change(terms)` edits their JSON document
 * (docs/terms.md) in place. Resolves to the terms in force after; throws with the engine's error
 * if it refused them.
 */
export async function changeTerms(h, change) {
  const page = await h.context.newPage();
  try {
    await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
    const terms = JSON.parse((await page.evaluate(() => chrome.runtime.sendMessage({ type: 'terms' }))).json);
    change(terms);
    const reply = await page.evaluate((json) => chrome.runtime.sendMessage({ type: 'setTerms', json }), JSON.stringify(terms));
    if (reply.error) throw new Error(reply.error);
    return JSON.parse(reply.json);
  } finally {
    await page.close();
  }
}

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on `page` as it is now, in a readable form. */
export async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the extension page's CSP does not restrict.
  await page.evaluate(AXE);
  const { violations } = await page.evaluate(() => globalThis.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
  }));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
