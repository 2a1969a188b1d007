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

import init, { WasmEngine, WasmLedger, WasmObserver, WasmTerms } from './wasm/trustledger.js';
import { PageRequest } from './messages.js';

const SAVE_EVERY_MS = 1000;
const SESSION_BATCH_MS = 50;
const BADGE_EVERY_MS = 50;
const BADGE_COLOR = '#5b4bc4';

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
let lastAttribution; // the attribution state as last written to storage.session

// Everything a cold start needs is read at once, and only that: the stored ledger, which grows
// with every site, is read after the first requests are classified (their events wait in the
// backlog meanwhile).
async function start() {
  const [, snapshot, local, session] = await Promise.all([
    init({ module_or_path: chrome.runtime.getURL('wasm/trustledger_bg.wasm') }).then(mark('wasmReady')),
    fetch(chrome.runtime.getURL('engine.bin')).then((r) => r.arrayBuffer()).then(mark('snapshotFetched')),
    chrome.storage.local.get(['seq']),
    chrome.storage.session.get(null).then(mark('storageRead')),
  ]);
  const engine = WasmEngine.fromSnapshot(new Uint8Array(snapshot));
  const pending = Object.entries(session).filter(([k]) => k.startsWith('e:')).map(([, e]) => e).sort((a, b) => a.seq - b.seq);
  // Event numbers carry on from the last one used: saved with the ledger (`seq`), or pending.
  // Without a saved `seq` (a first start), the ledger is read now, in case it knows a later one.
  let ledger = null;
  if (local.seq === undefined) ledger = await readLedger();
  const seq = Math.max(local.seq ?? 0, ledger?.lastSeq() ?? 0, ...pending.map((e) => e.seq), 0);
  state = { observer: new WasmObserver(engine, session.attribution ?? null, seq), ledger: null, backlog: pending };
  lastAttribution = session.attribution;
  timings.engineReady ??= performance.now();
  ledgerLoaded = (async () => {
    await new Promise((resolve) => setTimeout(resolve, 0)); // the events that woke the worker first
    state.ledger = ledger ?? await readLedger();
    state.ledger.apply(state.backlog);
    state.backlog = [];
    // Visits no tab shows any more end now (after a browser restart, all of them).
    record(state, state.observer.leaveUnheld(state.ledger, Date.now()));
    if (pending.length || storedWhole) scheduleSave();
    mark('ledgerReady')();
    setTimeout(compileRegexes, 0);
    return state;
  })();
  return state;
}

// The ledger is stored in pieces (docs/ledger-format.md): `ledgerHead`, and one `site:NAME`
// entry per site, so that a save writes only the sites that changed. An unreadable site entry
// is kept aside under `unreadable:NAME` and the other sites are read; an unreadable head is
// kept under `ledgerUnreadable` and a new ledger starts (the site entries stay, and are
// overwritten as those sites are visited again).
const SITE_KEY = 'site:';
let storedWhole = false; // the ledger was found stored whole, under `ledger`, as the first builds stored it

async function readLedger() {
  const stored = await chrome.storage.local.get(null);
  try {
    if (stored.ledger) {
      const whole = WasmLedger.fromJson(stored.ledger);
      storedWhole = true;
      return whole;
    }
    if (stored.ledgerHead) {
      const sites = Object.entries(stored).filter(([k]) => k.startsWith(SITE_KEY)).map(([k, v]) => [k.slice(SITE_KEY.length), v]);
      const ledger = WasmLedger.fromStored(stored.ledgerHead, sites);
      const unreadable = ledger.unreadable();
      if (unreadable.length) {
        for (const [site, problem] of unreadable) console.error(`Trust Ledger: the stored record of ${site} is unreadable (${problem}); it is kept under unreadable:${site}`);
        await chrome.storage.local.set(Object.fromEntries(unreadable.map(([site]) => [`unreadable:${site}`, stored[SITE_KEY + site]])));
      }
      return ledger;
    }
  } catch (e) {
    console.error('Trust Ledger: the stored ledger is unreadable; it is kept under ledgerUnreadable', e);
    await chrome.storage.local.set({ ledgerUnreadable: stored.ledger ?? stored.ledgerHead });
    storedWhole = false;
  }
  const id = stored.ledgerId ?? crypto.randomUUID();
  await chrome.storage.local.set({ ledgerId: id });
  return new WasmLedger(id);
}

// The engine's regex filters compile on first use, which can hold up a request for tens of
// milliseconds: they are compiled after start-up instead, one per task, between events.
function compileRegexes() {
  if (state.observer.compileRegexes(1) > 0) setTimeout(compileRegexes, 0);
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

// The attribution state is written with the events, when it changed.
async function flushSession() {
  clearTimeout(sessionTimer);
  sessionTimer = null;
  const writes = unsaved;
  unsaved = {};
  const attribution = state?.observer.state();
  if (attribution !== undefined && attribution !== lastAttribution) {
    writes.attribution = attribution;
    lastAttribution = attribution;
  }
  if (Object.keys(writes).length) await chrome.storage.session.set(writes);
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
  const changed = s.ledger.takeChanged();
  const writes = { ledgerHead: s.ledger.headJson(), seq: s.observer.seq() };
  for (const [site, entry] of changed) writes[SITE_KEY + site] = entry;
  try {
    await chrome.storage.local.set(writes);
  } catch (e) {
    s.ledger.markChanged(changed.map(([site]) => site));
    throw e;
  }
  if (storedWhole) {
    storedWhole = false;
    await chrome.storage.local.remove('ledger');
  }
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

// The toolbar badge: a tab's latest count, shown at most every BADGE_EVERY_MS (a page's burst
// of tracker requests is one update, not one per request).
const badges = new Map();
let badgeTimer = null;

function badge(tabId, count) {
  badges.set(tabId, count);
  badgeTimer ??= setTimeout(showBadges, BADGE_EVERY_MS);
}

function showBadges() {
  badgeTimer = null;
  for (const [tabId, count] of badges) chrome.action.setBadgeText({ tabId, text: count ? String(count) : '' }).catch(() => {});
  badges.clear();
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
chrome.action.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(() => {});

// -- The person's terms ---------------------------------------------------------------------------
//
// Stored as their JSON under `terms` in storage.local (docs/terms.md); without any, the default,
// which protects. They are applied to the browser when they change (and at install): the Sec-GPC
// header is a declarativeNetRequest dynamic rule, which the browser keeps across restarts.

async function readTerms() {
  const { terms } = await chrome.storage.local.get('terms');
  if (terms === undefined) return new WasmTerms();
  try {
    return WasmTerms.fromJson(terms);
  } catch (e) {
    console.error('Trust Ledger: the stored terms are unreadable; they are kept under termsUnreadable, and the default applies', e);
    await chrome.storage.local.set({ termsUnreadable: terms });
    return new WasmTerms();
  }
}

const isGpcRule = (rule) => rule.action.requestHeaders?.some((h) => h.header.toLowerCase() === 'sec-gpc');

async function applyTerms(terms) {
  const current = await chrome.declarativeNetRequest.getDynamicRules();
  await chrome.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: current.filter(isGpcRule).map((r) => r.id),
    addRules: terms.gpcRules(),
  });
}

/** Replaces the terms with `json` if it is valid (else throws, changing nothing) and applies them. */
async function setTerms(json) {
  const terms = WasmTerms.fromJson(json);
  const stored = terms.toJson();
  await chrome.storage.local.set({ terms: stored });
  await applyTerms(terms);
  return stored;
}

chrome.runtime.onInstalled.addListener(() => {
  ready().then(readTerms).then(applyTerms).catch((e) => console.error('Trust Ledger: applying the terms failed', e));
});

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
    case PageRequest.TERMS:
      return { json: (await readTerms()).toJson() };
    case PageRequest.SET_TERMS: {
      if (typeof message.json !== 'string') return { error: 'no terms given' };
      try {
        return { json: await setTerms(message.json) };
      } catch (e) {
        return { error: e.message };
      }
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
