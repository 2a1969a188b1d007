// The floor the page-load benchmark (bench/pageload.mjs) compares Trust Ledger with: a service
// worker that registers exactly Trust Ledger's listeners, with the same options, and does
// nothing with what they report. What a page load costs with this worker is what Chromium's
// webRequest machinery costs any extension that observes every request and its response
// headers; the difference with Trust Ledger is Trust Ledger's own work. For the cold start it
// notes when the first request reaches it: no extension can classify a request sooner.
//
// The benchmark runs it with dist/chromium's manifest (same permissions, same CSP).

const timings = { scriptStart: performance.now(), firstRequest: null };
let warmedUp = false;

chrome.webRequest.onBeforeRequest.addListener((d) => {
  timings.firstRequest ??= performance.now();
  if (d.url.startsWith('https://warmup.example/')) warmedUp = true;
}, { urls: ['<all_urls>'] });
chrome.webRequest.onHeadersReceived.addListener(() => {}, { urls: ['<all_urls>'] }, ['responseHeaders', 'extraHeaders']);
chrome.webRequest.onErrorOccurred.addListener(() => {}, { urls: ['<all_urls>'] });
chrome.tabs.onRemoved.addListener(() => {});
chrome.tabs.onUpdated.addListener(() => {});

// The benchmark's hooks (see extension/background.js): nothing to save, an empty ledger but for
// the warm-up site, which only tells the benchmark that the worker listens.
globalThis.flushLedger = async () => {};
globalThis.ledgerJson = async () => JSON.stringify({ sites: warmedUp ? { 'warmup.example': {} } : {} });
globalThis.startupTimings = () => ({ ...timings });
