// Trust Ledger's service worker: sees every request (webRequest, observe only), classifies it
// with the wasm engine, and records it in the per-site ledger (wasm too). JS here is glue: it owns
// the chrome.* calls; decisions and arithmetic are the engine's and the ledger's.
//
//   webRequest ──► event {seq, site, visit, …} ──► storage.session (at once) ──► ledger (wasm)
//                                                          │                      │
//                                 replayed after a restart ┘     storage.local ◄──┘ every second
//
// The browser kills an idle service worker after 30 s: everything in memory here is a cache.
// An event is written to storage.session (which outlives the worker) as soon as it exists; the
// ledger, with the sequence number of the last event it holds, is saved to storage.local within
// a second, and only then are the events it holds dropped from storage.session. Starting up
// replays what storage.session still has, and the ledger ignores what it already counted.

import init, { WasmEngine, WasmLedger } from './wasm/trustledger.js';
import { PageRequest } from './messages.js';

const SAVE_EVERY_MS = 1000;

// Milliseconds since this worker started (its time origin): when the engine was ready and when
// the first request was classified. Read by the cold-start benchmark (`startupTimings()`).
const timings = { engineReady: null, firstClassified: null };

let state = null; // { engine, ledger, seq, tabs }
let saveTimer = null;

async function start() {
  await init({ module_or_path: chrome.runtime.getURL('wasm/trustledger_bg.wasm') });
  const snapshot = await fetch(chrome.runtime.getURL('engine.bin')).then((r) => r.arrayBuffer());
  const engine = WasmEngine.fromSnapshot(new Uint8Array(snapshot));
  const { ledger: stored, ledgerId } = await chrome.storage.local.get(['ledger', 'ledgerId']);
  let ledger;
  try {
    ledger = stored ? WasmLedger.fromJson(stored) : null;
  } catch (e) {
    console.error('Trust Ledger: the stored ledger is unreadable; it is kept under ledgerUnreadable', e);
    await chrome.storage.local.set({ ledgerUnreadable: stored });
  }
  if (!ledger) {
    const id = ledgerId ?? crypto.randomUUID();
    await chrome.storage.local.set({ ledgerId: id });
    ledger = new WasmLedger(id);
  }
  const session = await chrome.storage.session.get(null);
  const pending = Object.entries(session).filter(([k]) => k.startsWith('e:')).map(([, e]) => e).sort((a, b) => a.seq - b.seq);
  if (pending.length) ledger.apply(pending);
  const seq = Math.max(ledger.lastSeq(), ...pending.map((e) => e.seq), 0);
  state = { engine, ledger, seq, tabs: session.tabs ?? {} };
  timings.engineReady ??= performance.now();
  if (pending.length) scheduleSave();
  return state;
}

let starting = null;
const ready = () => (starting ??= start());

// -- Recording ------------------------------------------------------------------------------------

function record(s, event) {
  event.seq = ++s.seq;
  chrome.storage.session.set({ [`e:${event.seq}`]: event });
  s.ledger.apply([event]);
  scheduleSave();
}

function scheduleSave() {
  saveTimer ??= setTimeout(save, SAVE_EVERY_MS);
}

async function save() {
  saveTimer = null;
  const s = state;
  if (!s) return;
  const upTo = s.ledger.lastSeq();
  await chrome.storage.local.set({ ledger: s.ledger.toJson() });
  const session = await chrome.storage.session.get(null);
  const done = Object.keys(session).filter((k) => k.startsWith('e:') && Number(k.slice(2)) <= upTo);
  await chrome.storage.session.remove(done);
}

// -- Observation ----------------------------------------------------------------------------------

function onRequest(details) {
  ready().then((s) => observe(s, details));
}

function observe(s, d) {
  timings.firstClassified ??= performance.now();
  if (d.type === 'main_frame') {
    if (d.frameId !== 0 || d.tabId < 0) return; // prerendering and the like: not a visit yet
    const page = s.engine.classify(d.url, d.url, 'main_frame');
    if (!page.domain) return; // not a web page
    const visit = `${d.tabId}:${d.requestId}:${d.timeStamp}`;
    s.tabs[d.tabId] = { site: page.domain, visit, url: d.url, trackers: 0 };
    chrome.storage.session.set({ tabs: s.tabs });
    record(s, { kind: 'visit', at: Math.round(d.timeStamp), site: page.domain, visit, url: d.url });
    badge(d.tabId, 0);
    return;
  }
  const tab = s.tabs[d.tabId];
  if (!tab) return; // no page of ours: browser-internal or a worker without a tab
  const c = s.engine.classify(d.url, tab.url, d.type);
  if (!c.domain) return;
  record(s, {
    kind: 'request', at: Math.round(d.timeStamp), site: tab.site, visit: tab.visit, domain: c.domain,
    thirdParty: c.thirdParty, tracker: Boolean(c.match), organization: c.organization, category: c.category,
  });
  if (c.match) badge(d.tabId, ++tab.trackers);
}

function onHeaders(d) {
  if (!d.responseHeaders?.some((h) => h.name.toLowerCase() === 'set-cookie')) return;
  ready().then((s) => {
    const tab = s.tabs[d.tabId];
    if (!tab || d.type === 'main_frame') return;
    const c = s.engine.classify(d.url, tab.url, d.type);
    if (!c.domain || !c.thirdParty) return;
    record(s, { kind: 'cookie', at: Math.round(d.timeStamp), site: tab.site, visit: tab.visit, domain: c.domain, organization: c.organization, category: c.category });
  });
}

function badge(tabId, count) {
  chrome.action.setBadgeText({ tabId, text: count ? String(count) : '' }).catch(() => {});
  chrome.action.setBadgeBackgroundColor({ tabId, color: '#5b4bc4' }).catch(() => {});
}

// Listeners are registered synchronously, so that an event wakes a stopped worker.
chrome.webRequest.onBeforeRequest.addListener(onRequest, { urls: ['<all_urls>'] });
chrome.webRequest.onHeadersReceived.addListener(onHeaders, { urls: ['<all_urls>'] }, ['responseHeaders', 'extraHeaders']);
chrome.tabs.onRemoved.addListener((tabId) => ready().then((s) => {
  delete s.tabs[tabId];
  chrome.storage.session.set({ tabs: s.tabs });
}));

// -- Extension pages ------------------------------------------------------------------------------

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only our own pages (popup, options; in a tab or not) may ask. A content script's sender URL
  // is its web page's, so it never passes.
  if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
  ready().then((s) => {
    switch (message?.type) {
      case PageRequest.SITE:
        reply({ site: typeof message.site === 'string' ? s.ledger.site(message.site) : null });
        break;
      case PageRequest.TAB:
        reply(s.tabs[message.tabId] ?? {});
        break;
      default:
        reply({ error: `unknown request ${message?.type}` });
    }
  });
  return true;
});

// For tests and the demo: the whole ledger, from the worker's console (`await ledgerJson()`).
globalThis.ledgerJson = async () => (await ready()).ledger.toJson();
globalThis.startupTimings = () => ({ ...timings });
globalThis.flushLedger = async () => { await ready(); clearTimeout(saveTimer); await save(); };
