// Consent dialogs, the service worker's side: the rules and the sessions live in the engine
// (WasmConsent, src/consent/); this module takes content/consent.js's messages, checks that
// each comes from the frame it concerns, and files what came of it in the ledger. Every site
// is the top-level site of the sender's tab, as the browser names it; nothing the page says is
// taken for it.
//
//   frame                          worker (this module)              engine
//   consentPlan ────────────────►  plan(frame URL, top?) ──────────► rules for this frame
//   consentFound {rule} ────────►  a reload loop? ─ no ─► start ───► first command
//   consentStep {session, reply} ► same frame? ──────────► step ───► next command … done
//                                  done: the receipt → ledger
//   consentUnknown {candidates} ─► judgeUnknown ─────────────────────► which button, if any
//   consentRecord {tcf|gpp} ─────► checkTcf / checkGpp ───────────────► the check → ledger
//   consentCookies {names} ──────► → ledger (tracking cookies after a refusal)
//
//   popup: reopen ──────────────► the rule's `reopen` (a page function or a click) in the tab;
//                                  its dialogs are shown and left to the person; → ledger

import { WasmConsent, WasmTerms } from './wasm/trustledger.js';

/** A dialog answered on a site is not answered again in the same tab within this time. */
const AGAIN_WITHIN_MS = 30_000;
/** The latest commands and replies, for the worker's console and the tests (`consentTrace()`). */
const TRACE = 200;
const trace = [];
globalThis.consentTrace = () => [...trace];

/**
 * Installs the handlers. `deps`: `ready()` (the worker's state, with `observer`), `readTerms()`,
 * `now()`, `record(state, events)`.
 */
export function consentHandlers({ ready, readTerms, now, record }) {
  let rules = null;
  const sessions = new Map(); // session → { tabId, frameId, documentId, site, rule, refused }
  const answered = new Map(); // `${tabId} ${site} ${rule}` → when
  const editing = new Map(); // tabId → the top document whose consent settings the person reopened

  async function engine() {
    await ready();
    rules ??= (async () => {
      const consent = new WasmConsent();
      const text = await fetch(chrome.runtime.getURL('consent-rules.json')).then((r) => r.text());
      consent.load('consent-rules.json', text);
      return consent;
    })().catch((e) => {
      rules = null; // tried again by the next frame that asks
      throw new Error(`the consent rules could not be loaded: ${e?.message ?? e}`);
    });
    return rules;
  }

  const siteOf = (sender) => WasmTerms.siteOf(sender.tab?.url ?? sender.url) ?? '';
  const sameFrame = (a, sender) => a.tabId === sender.tab?.id && a.frameId === sender.frameId
    && (a.documentId ?? null) === (sender.documentId ?? null);

  async function file(sender, body) {
    const s = await ready();
    record(s, s.observer.consent({
      tabId: sender.tab.id, frameId: sender.frameId, documentId: sender.documentId ?? null,
      frameUrl: sender.url, frameOrigin: sender.origin, at: Date.now(), body,
    }));
  }

  // A frame's new document (a reload, a navigation) ends the sessions of its old one: the site
  // may reload the moment it has the answer.
  async function endSessionsReplacedBy(sender) {
    const consent = await engine();
    for (const [session, info] of sessions) {
      if (info.tabId !== sender.tab.id || info.frameId !== sender.frameId || info.documentId === (sender.documentId ?? null)) continue;
      sessions.delete(session);
      const done = consent.pageGone(session);
      if (done?.op === 'done') await finish(info, done.answer, { ...sender, documentId: info.documentId, url: info.url, origin: info.origin });
    }
  }

  // The person is choosing in the site's own settings: nothing is answered in that tab until
  // its top frame has a new document.
  const personChooses = (sender) => editing.has(sender.tab.id);

  async function plan(sender) {
    if (sender.frameId === 0 && editing.has(sender.tab.id) && editing.get(sender.tab.id) !== (sender.documentId ?? null)) {
      editing.delete(sender.tab.id);
    }
    await endSessionsReplacedBy(sender);
    const consent = await engine();
    const top = sender.frameId === 0;
    const plan = consent.plan(sender.url, top);
    return { plan: { ...plan, heuristic: top } };
  }

  async function found(rule, sender) {
    const site = siteOf(sender);
    const key = `${sender.tab.id} ${site} ${rule}`;
    if (personChooses(sender) || now() - (answered.get(key) ?? -Infinity) < AGAIN_WITHIN_MS) {
      // Shown again right after an answer (a reload, say): the person's, not answered twice.
      return { command: { op: 'done', answer: null, shownAgain: true } };
    }
    const consent = await engine();
    const terms = await readTerms();
    const started = consent.start(rule, terms, site, now());
    trace.push({ rule, command: started.command });
    if (trace.length > TRACE) trace.shift();
    const refused = WasmConsent.refusedCategories(terms, site, now());
    const info = {
      tabId: sender.tab.id, frameId: sender.frameId, documentId: sender.documentId ?? null, url: sender.url, origin: sender.origin,
      site, rule, key, refused,
    };
    if (started.command.op === 'done') await finish(info, started.command.answer, sender);
    else sessions.set(started.session, info);
    return started;
  }

  async function step(session, reply, sender) {
    const info = sessions.get(session);
    if (!info || !sameFrame(info, sender)) return { command: { op: 'done', answer: null } };
    const consent = await engine();
    const command = consent.step(session, reply);
    trace.push({ rule: info.rule, reply, command });
    if (trace.length > TRACE) trace.shift();
    if (command.op === 'done') {
      sessions.delete(session);
      await finish(info, command.answer, sender);
    }
    return { command };
  }

  async function finish(info, answer, sender) {
    if (!answer || answer.outcome === 'notShowing') return;
    if (answer.outcome === 'answered') {
      for (const [key, at] of answered) if (now() - at >= AGAIN_WITHIN_MS) answered.delete(key);
      answered.set(info.key, now());
    }
    await file(sender, { kind: 'answer', answer, refusedCategories: info.refused });
  }

  const unknown = new Map(); // session → { tabId, frameId, documentId, role, label }
  let nextUnknown = 1;

  async function judge(message, sender) {
    if (sender.frameId !== 0 || !Array.isArray(message.candidates) || personChooses(sender)) return {};
    const site = siteOf(sender);
    const verdict = WasmConsent.judgeUnknown(message.candidates.slice(0, 5), await readTerms(), site, now());
    if (!verdict.press) {
      if (verdict.verdicts.some((v) => v.kind === 'payOrConsent')) await file(sender, { kind: 'wall', rule: 'heuristic', vendor: 'unknown' });
      return { press: null };
    }
    const session = nextUnknown++;
    const { candidate, button, role } = verdict.press;
    const label = String(message.candidates[candidate]?.buttons?.[button]?.text ?? '').slice(0, 200);
    unknown.set(session, { tabId: sender.tab.id, frameId: sender.frameId, documentId: sender.documentId ?? null, role, label });
    return { press: { candidate, button }, session };
  }

  async function unknownDone(message, sender) {
    const info = unknown.get(message.session);
    if (!info || !sameFrame(info, sender)) return;
    unknown.delete(message.session);
    await file(sender, { kind: 'unknown', pressed: info.label, role: info.role, gone: message.gone === true && message.pressed === true });
  }

  // A CMP records the answer as its button is clicked, before the session that clicked it ends:
  // the check waits for the tab's sessions (at most SETTLE_MS), so it follows the receipt.
  const SETTLE_MS = 5_000;
  async function settled(tabId) {
    const until = Date.now() + SETTLE_MS;
    while ([...sessions.values()].some((s) => s.tabId === tabId) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function consentRecord(message, sender) {
    const r = message.record;
    const tcf = r?.kind === 'tcf' && typeof r.tcString === 'string';
    const gpp = r?.kind === 'gpp' && typeof r.gppString === 'string';
    if (!tcf && !gpp) return;
    await settled(sender.tab.id);
    const site = siteOf(sender);
    const terms = await readTerms();
    if (tcf) await file(sender, { kind: 'tcf', check: WasmConsent.checkTcf(r, terms, site, now()) });
    else {
      const report = { gppString: r.gppString, applicableSections: Array.isArray(r.applicableSections) ? r.applicableSections.filter(Number.isInteger) : [] };
      await file(sender, { kind: 'gpp', check: WasmConsent.checkGpp(report, terms, site, now()) });
    }
  }

  async function consentCookies(message, sender) {
    if (!Array.isArray(message.names)) return;
    await settled(sender.tab.id);
    const names = message.names.filter((n) => typeof n === 'string').slice(0, 200);
    await file(sender, { kind: 'cookies', names });
  }

  // A closed tab's sessions will never hear from their frames again.
  chrome.tabs.onRemoved.addListener((tabId) => {
    for (const [session, info] of sessions) {
      if (info.tabId !== tabId) continue;
      sessions.delete(session);
      rules?.then((consent) => consent.abort(session, 'the tab was closed')).catch(() => {});
    }
    for (const [session, info] of unknown) if (info.tabId === tabId) unknown.delete(session);
    editing.delete(tabId);
  });

  // -- Reopening a site's own settings (the popup) -----------------------------------------------

  // `receipt`: the ledger's answer in force on the site (`WasmLedger.consentInForce`), or null.
  async function reopenable(receipt) {
    if (!receipt) return {};
    const how = (await engine()).reopen(receipt.rule);
    return how ? { vendor: receipt.vendor } : {};
  }

  // A tab showing `name`: `tabId` if it does, else the active one of those that do.
  async function tabShowing(name, tabId) {
    const of = (tab) => tab?.url && WasmTerms.siteOf(tab.url) === name;
    if (tabId !== null) {
      const tab = await chrome.tabs.get(tabId).catch(() => null);
      if (of(tab)) return tab;
    }
    const tabs = (await chrome.tabs.query({})).filter(of);
    return tabs.find((t) => t.active) ?? tabs[0] ?? null;
  }

  async function reopen(site, receipt, tabId) {
    if (!receipt) throw new Error('Trust Ledger has not answered a consent dialog on this site');
    const how = (await engine()).reopen(receipt.rule);
    if (!how) throw new Error(`Trust Ledger does not know how to open ${receipt.vendor}’s settings`);
    const tab = await tabShowing(site, tabId);
    if (!tab) throw new Error(`open ${site} in a tab first`);
    // Pre-hidden dialogs are shown from now on, in every frame of the tab.
    await chrome.scripting.executeScript({
      target: { tabId: tab.id, allFrames: true },
      func: (attribute) => document.documentElement?.setAttribute(attribute, ''),
      args: ['data-trustledger-reveal'],
    });
    const [result] = await chrome.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [0] },
      world: how.kind === 'call' ? 'MAIN' : 'ISOLATED',
      func: openSettings,
      args: [how],
    });
    if (!result?.result) throw new Error(`${receipt.vendor}’s settings are not on this page any more (reload it, then try again)`);
    editing.set(tab.id, result.documentId ?? null);
    const origin = new URL(tab.url).origin;
    await file({ tab, frameId: 0, documentId: result.documentId ?? null, url: tab.url, origin },
      { kind: 'reopened', rule: receipt.rule, vendor: receipt.vendor });
    return { vendor: receipt.vendor };
  }

  // Each handler answers a message from a content script (sender.tab is set); `reopenable` and
  // `reopen` answer the popup.
  return {
    reopenable,
    reopen,
    consentPlan: (m, sender) => plan(sender),
    consentFound: (m, sender) => found(String(m.rule), sender),
    consentStep: (m, sender) => step(Number(m.session), m.reply ?? null, sender),
    consentUnknown: (m, sender) => judge(m, sender),
    consentUnknownDone: (m, sender) => unknownDone(m, sender).then(() => ({})),
    consentRecord: (m, sender) => consentRecord(m, sender).then(() => ({})),
    consentCookies: (m, sender) => consentCookies(m, sender).then(() => ({})),
  };
}

// Runs in the tab's top frame (the page's world for a call): opens the dialog's settings as the
// rule says; true if it could.
function openSettings(how) {
  try {
    if (how.kind === 'click') {
      const target = document.querySelector(how.selector);
      target?.click();
      return Boolean(target);
    }
    let owner = window;
    for (const name of how.path.slice(0, -1)) owner = owner?.[name];
    const fn = owner?.[how.path[how.path.length - 1]];
    if (typeof fn !== 'function') return false;
    fn.apply(owner, how.args);
    return true;
  } catch {
    return false;
  }
}
