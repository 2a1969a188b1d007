// What the browser tests, the demo and the page-load benchmark ask of Trust Ledger's service
// worker, through the harness (harness.mjs): its whole ledger, and a warm-up until it observes.

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
