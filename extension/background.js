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
import { ContentRequest, PageRequest } from './messages.js';
import { consentHandlers } from './consent-worker.js';

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
    state.observer.rememberConsent(state.ledger);
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

// A request the browser refused to make: blocked by the person's terms (our declarativeNetRequest
// rules) or by another blocker the person runs; either way it never left the device.
function onError(d) {
  if (d.error !== 'net::ERR_BLOCKED_BY_CLIENT' || isNavigation(d)) return;
  ready().then((s) => record(s, s.observer.blocked(d, at(d))));
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
chrome.webRequest.onErrorOccurred.addListener(onError, { urls: ['<all_urls>'] });
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
// which protects. The engine turns them into browser settings (src/policy/enforce.rs), applied
// here as they are: the extension's declarativeNetRequest dynamic rules (Sec-GPC, the GPC mark on
// documents for content/gpc.js, blocking by tracker category), and its chrome.contentSettings
// (permission defaults, per-site exceptions, time-limited grants). Both are applied at install,
// at browser start, when the terms change and when a grant ends (an alarm at its end). The
// browser keeps both across restarts; the extension owns every dynamic rule and every content
// setting it sets, so applying replaces all of them.

const GRANTS_ALARM = 'grants';
// The clock grants are measured by: the system's, which a test may move forward
// (`advanceClock`) to see a grant end without waiting for it.
let clockOffset = 0;
const now = () => Date.now() + clockOffset;

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

// Changes to the terms and their application run one after another: a change reads the terms the
// one before it stored, and content settings are never cleared and set by two at once.
let queue = Promise.resolve();
function inTurn(task) {
  const run = queue.then(task);
  queue = run.catch(() => {});
  return run;
}

/** Applies `terms` to the browser, after removing (and storing without) the grants that ended. */
async function applyNow(terms) {
  const { observer } = await ready();
  const at = now();
  if (terms.expire(at).length) await chrome.storage.local.set({ terms: terms.toJson() });
  const { rules, blocking } = terms.dynamicRules(observer);
  if (blocking.cut.length) console.warn('Trust Ledger: over the browser\'s rule limit, these categories are not blocked', blocking.cut);
  const current = await chrome.declarativeNetRequest.getDynamicRules();
  await chrome.declarativeNetRequest.updateDynamicRules({ removeRuleIds: current.map((r) => r.id), addRules: rules });
  for (const type of WasmTerms.contentSettingTypes()) await chrome.contentSettings[type].clear({});
  for (const { contentType, primaryPattern, setting } of terms.contentSettings(at)) {
    await chrome.contentSettings[contentType].set({ primaryPattern, setting });
  }
  const next = terms.nextExpiry(at);
  if (next === undefined) await chrome.alarms.clear(GRANTS_ALARM);
  else await chrome.alarms.create(GRANTS_ALARM, { when: next - clockOffset });
}

/** Replaces the terms with `json` if it is valid (else throws, changing nothing) and applies them. */
const setTerms = (json) => inTurn(async () => {
  const terms = WasmTerms.fromJson(json);
  await chrome.storage.local.set({ terms: terms.toJson() });
  await applyNow(terms);
  return terms.toJson();
});

/** Allows `capability` on `site` for `minutes`; answers the terms with the grant. */
const grant = (site, capability, minutes) => inTurn(async () => {
  const terms = await readTerms();
  terms.grant(site, capability, now() + minutes * 60_000);
  await chrome.storage.local.set({ terms: terms.toJson() });
  await applyNow(terms);
  return terms.toJson();
});

/**
 * What each of `sites` may use now, capability by capability (see PageRequest.ACCESS): the terms
 * are read once, whatever the number of sites. Resolves to [{ site, access }].
 */
async function accessOf(sites) {
  const terms = await readTerms();
  const at = now();
  const { grants } = JSON.parse(terms.toJson());
  const { capabilities } = WasmTerms.catalogue();
  const all = [];
  for (const site of sites) {
    const { permissions } = terms.forSite(site, at);
    const url = `https://${site}/`;
    const rows = [];
    for (const c of capabilities) {
      const grant = grants.find((g) => g.site === site && g.capability === c.key && g.until > at);
      if (grant) rows.push({ capability: c.key, name: c.name, source: 'grant', until: grant.until });
      else if (permissions[c.key] === 'allow') rows.push({ capability: c.key, name: c.name, source: 'terms' });
      else if (c.contentSetting && permissions[c.key] === 'ask') {
        // Asked for at a prompt and allowed there: the browser's own setting for the site.
        const { setting } = await chrome.contentSettings[c.contentSetting].get({ primaryUrl: url, secondaryUrl: url });
        if (setting === 'allow') rows.push({ capability: c.key, name: c.name, source: 'browser' });
      }
    }
    all.push({ site, access: rows });
  }
  return all;
}

/** Takes `capability` back from `site` (see PageRequest.REVOKE). */
const revoke = (site, capability) => inTurn(async () => {
  const at = now();
  const json = JSON.parse((await readTerms()).toJson());
  const granted = json.grants.some((g) => g.site === site && g.capability === capability && g.until > at);
  json.grants = json.grants.filter((g) => !(g.site === site && g.capability === capability));
  let terms = WasmTerms.fromJson(JSON.stringify(json));
  // Allowed only by a grant: the grant ends, and the site is back to the terms (ask or deny).
  // Allowed by the terms or at a browser prompt: denied on that site from now on.
  if (!granted || terms.forSite(site, at).permissions[capability] === 'allow') {
    json.exceptions[site] = { ...json.exceptions[site] };
    json.exceptions[site].permissions = { ...json.exceptions[site].permissions, [capability]: 'deny' };
    terms = WasmTerms.fromJson(JSON.stringify(json));
  }
  await chrome.storage.local.set({ terms: terms.toJson() });
  await applyNow(terms);
  return terms.toJson();
});

/** Applies the stored terms again (at install and start, and when a grant ends). */
const reapplyTerms = () => inTurn(async () => applyNow(await readTerms()));
const reportFailure = (e) => console.error('Trust Ledger: applying the terms failed', e);

chrome.runtime.onInstalled.addListener(({ reason }) => {
  ready().then(reapplyTerms).catch(reportFailure);
  // The first-run page says what the default terms do and offers the presets.
  if (reason === chrome.runtime.OnInstalledReason.INSTALL) chrome.tabs.create({ url: chrome.runtime.getURL('welcome/welcome.html') });
});
chrome.runtime.onStartup.addListener(() => ready().then(reapplyTerms).catch(reportFailure));
chrome.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === GRANTS_ALARM) ready().then(reapplyTerms).catch(reportFailure);
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
      return { json: (await readTerms()).toJson(), catalogue: WasmTerms.catalogue() };
    case PageRequest.PRESET:
      return { json: WasmTerms.preset(String(message.preset)).toJson() };
    case PageRequest.CONSENT_REOPENABLE:
      return typeof message.site === 'string' ? consentHandler.reopenable(s.ledger.consentInForce(message.site)) : {};
    case PageRequest.CONSENT_REOPEN: {
      if (typeof message.site !== 'string') return { error: 'no site given' };
      try {
        const tabId = Number.isInteger(message.tabId) ? message.tabId : null;
        return await consentHandler.reopen(message.site, s.ledger.consentInForce(message.site), tabId);
      } catch (e) {
        return { error: e.message };
      }
    }
    case PageRequest.SITE_OF: {
      const site = typeof message.input === 'string' ? WasmTerms.siteOf(message.input) : undefined;
      return site ? { site } : { error: `“${message.input}” names no site: type a site such as example.com` };
    }
    case PageRequest.ACCESS:
      return typeof message.site === 'string' ? { access: (await accessOf([message.site]))[0].access } : { error: 'no site given' };
    case PageRequest.ACCESS_ALL: {
      const terms = JSON.parse((await readTerms()).toJson());
      const names = new Set([...s.ledger.summaries().map((x) => x.site), ...Object.keys(terms.exceptions),
        ...terms.grants.map((g) => g.site)]);
      return { sites: (await accessOf([...names].sort())).filter((x) => x.access.length) };
    }
    case PageRequest.REVOKE: {
      if (typeof message.site !== 'string' || typeof message.capability !== 'string') return { error: 'a site and a capability' };
      try {
        return { json: await revoke(message.site, message.capability) };
      } catch (e) {
        return { error: e.message };
      }
    }
    case PageRequest.PROFFER:
      return { json: (await readTerms()).proffer(Date.now()) };
    case PageRequest.SET_TERMS: {
      if (typeof message.json !== 'string') return { error: 'no terms given' };
      try {
        return { json: await setTerms(message.json) };
      } catch (e) {
        return { error: e.message };
      }
    }
    case PageRequest.GRANT: {
      const { site, capability, minutes } = message;
      if (typeof site !== 'string' || typeof capability !== 'string' || !(minutes > 0)) {
        return { error: 'a grant needs a site, a capability and a number of minutes' };
      }
      try {
        return { json: await grant(site, capability, minutes) };
      } catch (e) {
        return { error: e.message };
      }
    }
    default:
      return { error: `unknown request ${message?.type}` };
  }
}

// -- What content scripts report ----------------------------------------------------------------

// A permission call in a frame: filed under the sender the browser names.
function onPermission(report, sender) {
  const { capability, call, probe, activation, outcome, byTerms } = report ?? {};
  const at = Date.now();
  ready().then((s) => record(s, s.observer.permission({
    tabId: sender.tab.id, frameId: sender.frameId, documentId: sender.documentId ?? null, frameUrl: sender.url,
    frameOrigin: sender.origin, capability, call, probe, activation, outcome, byTerms, at,
  }))).catch((e) => console.warn('Trust Ledger: a permission report was refused', e?.message ?? e));
}

// The terms' decision for one capability on the sender's top-level site (the tab's page).
async function decision(capability, sender) {
  if (typeof capability !== 'string') return 'ask';
  const site = new URL(sender.tab.url ?? sender.url).hostname;
  return (await readTerms()).forSite(site, now()).permissions?.[capability] ?? 'ask';
}

const consentHandler = consentHandlers({ ready, readTerms, now, record });
const CONSENT_TYPES = new Set([
  ContentRequest.CONSENT_PLAN, ContentRequest.CONSENT_FOUND, ContentRequest.CONSENT_STEP, ContentRequest.CONSENT_UNKNOWN,
  ContentRequest.CONSENT_UNKNOWN_DONE, ContentRequest.CONSENT_RECORD, ContentRequest.CONSENT_COOKIES,
]);

chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (sender.id !== chrome.runtime.id) return false;
  // Our own pages (popup, options, first run; in a tab or not).
  if (sender.url?.startsWith(chrome.runtime.getURL(''))) {
    withLedger().then((s) => answer(s, message)).then(reply, (e) => reply({ error: String(e?.message ?? e) }));
    return true;
  }
  // Content scripts in web pages: the permission reports and decisions, and the consent
  // executor's messages (consent-worker.js), nothing else.
  if (!sender.tab) return false;
  const consent = CONSENT_TYPES.has(message?.type) && consentHandler[message.type];
  if (consent) {
    consent(message, sender).then(reply, (e) => {
      console.warn('Trust Ledger: a consent message failed', e?.message ?? e);
      reply({});
    });
    return true;
  }
  switch (message?.type) {
    case ContentRequest.PERMISSION:
      onPermission(message.report, sender);
      return false;
    case ContentRequest.DECIDE:
      decision(message.capability, sender).then((d) => reply({ decision: d }), () => reply({ decision: 'ask' }));
      return true;
    default:
      return false;
  }
});

// For tests and the demo, from the worker's console: the whole ledger (`await ledgerJson()`),
// saving now (`await flushLedger()`), and the startup timings.
globalThis.ledgerJson = async () => (await withLedger()).ledger.toJson();
globalThis.flushLedger = async () => { await withLedger(); await save(); };
globalThis.startupTimings = () => ({ ...timings });
// Moves the grants' clock forward by `ms` and re-applies the terms, as the alarm at a grant's
// end would: a test sees a one-hour grant end without waiting an hour.
globalThis.advanceClock = async (ms) => {
  clockOffset += ms;
  await reapplyTerms();
};
globalThis.grantsAlarm = () => chrome.alarms.get(GRANTS_ALARM);
