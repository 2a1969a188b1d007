// Trust Ledger's service worker: sees every request (webRequest, observe only) and records it in
// the per-site ledger. JS here is glue: it owns the chrome.* calls; attribution, classification
// and the ledger's arithmetic are the wasm engine's (src/observer.rs, src/ledger/).
//
//   webRequest ──► observer (wasm): event {seq, site, visit, …} ──► storage.session ──► ledger (wasm)
//                                                                        │                │
//                                               replayed after a restart ┘  storage.local ◄┘ every second
//
// The browser kills an idle service worker after 30 s: everything in memory here is a cache.
// Events go to storage.session (which outlives the worker) within SESSION_BATCH_MS of being
// observed, with the attribution state (which tab shows which visit). The ledger, with the
// sequence number of the last event it holds, is saved to storage.local within SAVE_EVERY_MS,
// and only then are the events it holds dropped from storage.session. Starting up replays what
// storage.session still has; the ledger ignores what it already counted.

import init, { WasmEngine, WasmLedger, WasmObserver } from './wasm/trustledger.js';
import { PageRequest } from './messages.js';

const SAVE_EVERY_MS = 1000;
const SESSION_BATCH_MS = 20;

// Milliseconds since this worker started (its time origin), step by step: this script running
// (its modules loaded), the wasm module compiled, the snapshot fetched, storage read, the engine
// ready, the first request classified, the stored ledger read. For the cold-start benchmark
// (`startupTimings()`).
const timings = { scriptStart: performance.now(), wasmReady: null, snapshotFetched: null, storageRead: null,
  engineReady: null, firstClassified: null, ledgerReady: null };
const mark = (step) => (value) => {
  timings[step] ??= performance.now();
  return value;
};

let state = null; // { observer, ledger (null until read), backlog (events waiting for it) }
let saveTimer = null;
let unsaved = {}; // storage.session writes not yet made
let sessionTimer = null;

// Everything a cold start needs is read at once; requests are classified as soon as the engine
// is up, and the stored ledger is parsed after (its events wait in the backlog meanwhile).
async function start() {
  const [, snapshot, local, session] = await Promise.all([
    init({ module_or_path: chrome.runtime.getURL('wasm/trustledger_bg.wasm') }).then(mark('wasmReady')),
    fetch(chrome.runtime.getURL('engine.bin')).then((r) => r.arrayBuffer()).then(mark('snapshotFetched')),
    chrome.storage.local.get(['ledger', 'ledgerId', 'seq']),
    chrome.storage.session.get(null).then(mark('storageRead')),
  ]);
  const engine = WasmEngine.fromSnapshot(new Uint8Array(snapshot));
  const pending = Object.entries(session).filter(([k]) => k.startsWith('e:')).map(([, e]) => e).sort((a, b) => a.seq - b.seq);
  // Event numbers carry on from the last one used: saved with the ledger (`seq`), or pending.
  // A ledger saved before `seq` was kept beside it is read now, to learn its last number.
  let ledger = null;
  if (local.ledger && local.seq === undefined) ledger = await readLedger(local);
  const seq = Math.max(local.seq ?? 0, ledger?.lastSeq() ?? 0, ...pending.map((e) => e.seq), 0);
  state = { observer: new WasmObserver(engine, session.attribution ?? null, seq), ledger: null, backlog: pending };
  timings.engineReady ??= performance.now();
  ledgerLoaded = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 0)); // the events that woke the worker first
    state.ledger = ledger ?? await readLedger(local);
    state.ledger.apply(state.backlog);
    state.backlog = [];
    // Visits no tab shows any more end now (after a browser restart, all of them).
    record(state, state.observer.leaveUnheld(state.ledger, Date.now()));
    if (pending.length) scheduleSave();
    mark('ledgerReady')();
    return state;
  })();
  return state;
}

async function readLedger({ ledger: stored, ledgerId }) {
  try {
    if (stored) return WasmLedger.fromJson(stored);
  } catch (e) {
    console.error('Trust Ledger: the stored ledger is unreadable; it is kept under ledgerUnreadable', e);
    await chrome.storage.local.set({ ledgerUnreadable: stored });
  }
  const id = ledgerId ?? crypto.randomUUID();
  await chrome.storage.local.set({ ledgerId: id });
  return new WasmLedger(id);
}

let starting = null;
let ledgerLoaded = null;
const ready = () => (starting ??= start());
/** The state once the ledger is read too. */
const withLedger = async () => {
  await ready();
  return ledgerLoaded;
};

// -- Recording ------------------------------------------------------------------------------------

function record(s, events) {
  if (!events?.length) return;
  for (const event of events) unsaved[`e:${event.seq}`] = event;
  sessionTimer ??= setTimeout(flushSession, SESSION_BATCH_MS);
  if (s.ledger) s.ledger.apply(events);
  else s.backlog.push(...events);
  scheduleSave();
}

// The attribution state changes with almost every request: it is written with the events.
async function flushSession() {
  clearTimeout(sessionTimer);
  sessionTimer = null;
  const writes = unsaved;
  unsaved = {};
  if (state) writes.attribution = state.observer.state();
  await chrome.storage.session.set(writes);
}

function scheduleSave() {
  saveTimer ??= setTimeout(save, SAVE_EVERY_MS);
}

async function save() {
  clearTimeout(saveTimer);
  saveTimer = null;
  if (!state) return;
  const s = await withLedger();
  await flushSession();
  const upTo = s.ledger.lastSeq();
  await chrome.storage.local.set({ ledger: s.ledger.toJson(), seq: s.observer.seq() });
  const session = await chrome.storage.session.get(null);
  const done = Object.keys(session).filter((k) => k.startsWith('e:') && Number(k.slice(2)) <= upTo);
  await chrome.storage.session.remove(done);
}

// -- Observation ----------------------------------------------------------------------------------

const at = (d) => Math.round(d.timeStamp);

// A tab's top frame requesting a page (not a document fetching the next page ahead of time).
const isNavigation = (d) => d.type === 'main_frame' && !d.documentId;

function onRequest(d) {
  if (isNavigation(d)) {
    onNavigation(d);
    return;
  }
  ready().then((s) => {
    const observed = s.observer.request(d, at(d));
    timings.firstClassified ??= performance.now();
    if (!observed) return;
    const [events, badgeCount] = observed;
    record(s, events);
    if (badgeCount) badge(badgeCount[0], badgeCount[1]);
  });
}

function onNavigation(d) {
  ready().then((s) => {
    const events = s.observer.navigated(d, at(d));
    record(s, events);
    if (d.frameId === 0 && events.some((e) => e.kind === 'visit')) badge(d.tabId, 0);
  });
}

function onHeaders(d) {
  if (!d.responseHeaders?.some((h) => h.name.toLowerCase() === 'set-cookie')) return;
  ready().then((s) => record(s, s.observer.cookie(d, at(d))));
}

function badge(tabId, count) {
  chrome.action.setBadgeText({ tabId, text: count ? String(count) : '' }).catch(() => {});
  chrome.action.setBadgeBackgroundColor({ tabId, color: '#5b4bc4' }).catch(() => {});
}

// Listeners are registered synchronously, so that an event wakes a stopped worker.
chrome.webRequest.onBeforeRequest.addListener(onRequest, { urls: ['<all_urls>'] });
chrome.webRequest.onHeadersReceived.addListener(onHeaders, { urls: ['<all_urls>'] }, ['responseHeaders', 'extraHeaders']);
chrome.tabs.onRemoved.addListener((tabId) => ready().then((s) => record(s, s.observer.tabClosed(tabId, Date.now()))));
chrome.tabs.onUpdated.addListener((tabId, change) => {
  if (change.url) ready().then((s) => record(s, s.observer.shown(tabId, change.url, Date.now())));
});

// The worker only ever starts for an event: start loading at once rather than when it arrives.
ready();

// -- Extension pages ------------------------------------------------------------------------------

async function answer(s, message) {
  switch (message?.type) {
    case PageRequest.SITE:
      return { site: typeof message.site === 'string' ? s.ledger.site(message.site) : null };
    case PageRequest.TAB: {
      const tab = s.observer.tab(message.tabId);
      return tab ? { site: tab.page.site, visit: tab.page.visit } : {};
    }
    case PageRequest.SITES:
      return { sites: s.ledger.summaries() };
    case PageRequest.EXPORT:
      return { json: s.ledger.toJson() };
    case PageRequest.IMPORT: {
      if (typeof message.json !== 'string') return { error: 'no file content' };
      let added, combined;
      try {
        [added, combined] = s.ledger.merge(message.json);
      } catch (e) {
        return { error: e.message };
      }
      await save();
      return { added, combined };
    }
    default:
      return { error: `unknown request ${message?.type}` };
  }
}

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  // Only our own pages (popup, options; in a tab or not) may ask. A content script's sender URL
  // is its web page's, so it never passes.
  if (sender.id !== chrome.runtime.id || !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
  withLedger().then((s) => answer(s, message)).then(reply, (e) => reply({ error: String(e?.message ?? e) }));
  return true;
});

// For tests and the demo, from the worker's console: the whole ledger (`await ledgerJson()`),
// saving now (`await flushLedger()`), and the startup timings.
globalThis.ledgerJson = async () => (await withLedger()).ledger.toJson();
globalThis.flushLedger = async () => { await withLedger(); await save(); };
globalThis.startupTimings = () => ({ ...timings });
