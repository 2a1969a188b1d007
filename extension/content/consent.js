// The consent-dialog executor: a small, rule-free script in every frame (isolated world, from
// document start) that carries out what the engine in the service worker decides. It never
// decides anything itself, and it needs no WebAssembly, so it works on pages whose
// Content-Security-Policy forbids compiling wasm (see docs/ARCHITECTURE.md, "Consent dialogs").
//
//   plan ──── asks the worker which rules may run in this frame (their detection selectors)
//   watch ─── DOM mutations and timers, bounded: a rule's `present` selector matches → found
//   run ───── the worker answers "found" with commands (probe, click, set, wait, sleep, hide);
//             each is carried out here and its result sent back, until the worker says done
//   unknown ─ top frame, nothing found by then: the visible popups, as text and buttons, for
//             the worker's heuristic, which may name one button to press
//   reveal ── known dialogs are pre-hidden from document start by content/consent-prehide.css;
//             the <html> attribute data-trustledger-reveal lifts it when no answer is coming
//             (nothing to answer, a failure, a pay-or-consent wall, the watch is over)
//
// Selectors are CSS strings or chains (arrays): each next one is searched in the previous
// match's shadow root, open or closed (chrome.dom.openOrClosedShadowRoot), or in a same-origin
// iframe's document. "xpath/…" strings are XPath. Visible means rendered with a box, ignoring
// opacity (so what this script pre-hides still counts as shown).
'use strict';

(() => {
  const WATCH_AFTER_LOAD_MS = 10_000;
  const SCAN_EVERY_MS = 100;
  const HEURISTIC_AFTER_LOAD_MS = 1_000;
  const MAX_TEXT = 4_000;
  const REVEAL = 'data-trustledger-reveal';
  const top = window === window.top;

  const send = (message) => chrome.runtime.sendMessage(message).catch(() => ({}));
  const reveal = () => document.documentElement?.setAttribute(REVEAL, '');

  // -- Selectors --------------------------------------------------------------------------------

  function innerRoot(el) {
    if (el.tagName === 'IFRAME' || el.tagName === 'FRAME') {
      try {
        return el.contentDocument;
      } catch {
        return null; // another origin: that frame's own executor answers there
      }
    }
    return chrome.dom?.openOrClosedShadowRoot?.(el) ?? el.shadowRoot ?? null;
  }

  function queryOne(root, selector) {
    try {
      if (selector.startsWith('xpath/')) {
        const doc = root.ownerDocument ?? root;
        const found = doc.evaluate(selector.slice(6), root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        return Array.from({ length: found.snapshotLength }, (_, i) => found.snapshotItem(i)).filter((n) => n instanceof Element);
      }
      return [...root.querySelectorAll(selector)];
    } catch {
      return []; // an invalid selector matches nothing
    }
  }

  /** Every element a selector (string or chain) matches. */
  function resolve(selector) {
    const chain = typeof selector === 'string' ? [selector] : selector;
    let roots = [document];
    let found = [];
    for (const [i, part] of chain.entries()) {
      found = roots.flatMap((root) => queryOne(root, part));
      if (i < chain.length - 1) roots = found.map(innerRoot).filter(Boolean);
    }
    return found;
  }

  function visible(el) {
    if (!el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }

  // -- Switches ---------------------------------------------------------------------------------

  const kindName = (kind) => (typeof kind === 'string' ? kind : kind?.class !== undefined ? 'class' : 'checkbox');

  function readState(el, kind) {
    switch (kindName(kind)) {
      case 'aria': {
        const value = el.getAttribute('aria-checked') ?? el.getAttribute('aria-pressed');
        return value === null ? null : value === 'true';
      }
      case 'class':
        return el.classList.contains(kind.class);
      case 'radio':
      case 'checkbox':
      default: {
        const input = el instanceof HTMLInputElement ? el : el.querySelector('input[type=checkbox], input[type=radio]');
        if (input) return input.checked;
        const aria = el.getAttribute('aria-checked');
        return aria === null ? null : aria === 'true';
      }
    }
  }

  // One button of a radio pair is chosen: checked (or its input), aria-checked or aria-pressed
  // "true", or marked with the class active or selected (TrustArc's switches).
  function radioState(yes, no) {
    const checked = (el) => readState(el, 'checkbox') ?? (el.getAttribute('aria-pressed') === 'true'
      || el.classList.contains('active') || el.classList.contains('selected'));
    if (checked(yes)) return true;
    if (no && checked(no)) return false;
    return null;
  }

  // A click that would take the person away from the page is never made.
  function leavesPage(el) {
    const link = el.closest?.('a[href]');
    if (!link) return false;
    const href = link.getAttribute('href');
    if (href === '' || href.startsWith('#') || /^javascript:/i.test(href)) return false;
    try {
      const to = new URL(link.href);
      return to.origin !== location.origin || to.pathname !== location.pathname || to.search !== location.search;
    } catch {
      return true;
    }
  }

  function click(el) {
    if (leavesPage(el)) return false;
    el.click();
    return true;
  }

  // -- Commands ---------------------------------------------------------------------------------

  function probe(p) {
    if (p.exists !== undefined) return resolve(p.exists).length > 0;
    if (p.visible !== undefined) {
      const shown = resolve(p.visible).map(visible);
      if (p.check === 'all') return shown.length > 0 && shown.every(Boolean);
      if (p.check === 'none') return !shown.some(Boolean);
      return shown.some(Boolean);
    }
    if (p.state !== undefined) {
      const [el] = resolve(p.state);
      return el ? readState(el, p.kind) : null;
    }
    return null;
  }

  function waitFor(until, want, timeoutMs) {
    return new Promise((done) => {
      if (probe(until) === want) { done({ met: true }); return; }
      let timer;
      let poll;
      const observer = new MutationObserver(() => check());
      const finish = (met) => {
        observer.disconnect();
        clearTimeout(timer);
        clearInterval(poll);
        done({ met });
      };
      const check = () => { if (probe(until) === want) finish(true); };
      observer.observe(document, { childList: true, subtree: true, attributes: true });
      poll = setInterval(check, SCAN_EVERY_MS); // shadow roots and frames send no mutations here
      timer = setTimeout(() => finish(false), timeoutMs);
    });
  }

  async function execute(command) {
    switch (command.op) {
      case 'probe':
        return { results: command.probes.map(probe) };
      case 'click': {
        const targets = resolve(command.target).filter(visible);
        const chosen = command.all ? targets : targets.slice(0, 1);
        return { clicked: chosen.filter(click).length };
      }
      case 'set': {
        const [el] = resolve(command.target);
        if (!el) return { was: null, now: null };
        // A radio pair: "yes" is the target, "no" the `off` button; neither chosen reads null,
        // and then the wished one is clicked all the same.
        const [off] = command.off ? resolve(command.off) : [];
        const radio = kindName(command.kind) === 'radio';
        const state = () => (radio ? radioState(el, off) : readState(el, command.kind));
        const was = state();
        if ((radio || was !== null) && was !== command.on) click(!command.on && off ? off : el);
        return { was, now: state() };
      }
      case 'wait':
        return waitFor(command.until, command.want ?? true, command.timeoutMs);
      case 'sleep':
        await new Promise((r) => setTimeout(r, command.ms));
        return {};
      case 'hide': {
        const targets = resolve(command.target);
        for (const el of targets) el.style.setProperty('display', 'none', 'important');
        return { hidden: targets.length };
      }
      default:
        return { error: `unknown command ${command.op}` };
    }
  }

  // -- Answering ----------------------------------------------------------------------------------

  let busy = false;
  const tried = new Set();

  /** Runs the worker's session for `rule` to its end; resolves to its answer. */
  async function answer(rule) {
    busy = true;
    try {
      let { session, command } = await send({ type: 'consentFound', rule });
      while (command && command.op !== 'done') {
        const reply = await execute(command);
        ({ command } = await send({ type: 'consentStep', session, reply }));
      }
      return command?.answer ?? null;
    } finally {
      busy = false;
    }
  }

  // The page's own cookies a moment after an answer: a tracker's identifier set after a refusal
  // is a broken promise (the worker knows which names are whose).
  const COOKIES_AFTER_MS = 2_000;
  function reportCookies() {
    setTimeout(() => {
      const names = document.cookie.split('; ').map((c) => c.split('=')[0]).filter(Boolean);
      send({ type: 'consentCookies', names });
    }, COOKIES_AFTER_MS);
  }

  // -- Watching -----------------------------------------------------------------------------------

  let plan = null;
  let watchUntil = Infinity;
  let observer = null;
  let scanTimer = null;
  let heuristicTried = false;

  // The first selector of each chain: presence on this page, cheaply.
  const firstPart = (selector) => (typeof selector === 'string' ? selector : selector[0]);

  // All rules' first selectors in one list, so that a scan of a page with no dialog is one
  // query (a selector the browser cannot parse would spoil the list: each is tried alone first).
  let anyPresent = null;
  function presenceQuery() {
    const probe = document.createDocumentFragment();
    const valid = plan.rules.flatMap((rule) => rule.present.map(firstPart)).filter((s) => {
      if (s.startsWith('xpath/')) return false;
      try {
        probe.querySelector(s);
        return true;
      } catch {
        return false;
      }
    });
    const xpath = plan.rules.some((rule) => rule.present.some((s) => firstPart(s).startsWith('xpath/')));
    return xpath ? null : [...new Set(valid)].join(',');
  }

  function findRule() {
    anyPresent ??= presenceQuery();
    if (anyPresent !== null && (anyPresent === '' || !document.querySelector(anyPresent))) return null;
    for (const rule of plan.rules) {
      if (tried.has(rule.name)) continue;
      if (rule.present.some((s) => !firstPart(s).startsWith('xpath/') && queryOne(document, firstPart(s)).length)
        && rule.present.some((s) => resolve(s).length)) return rule;
    }
    return null;
  }

  async function scan() {
    scanTimer = null;
    if (busy || !plan) return;
    if (Date.now() > watchUntil) { stopWatching(); return; }
    const rule = findRule();
    if (rule) {
      tried.add(rule.name);
      const result = await answer(rule.name);
      // Shown again (failed), a wall for the person, or nothing to do: the dialog is theirs.
      if (!result || result.outcome !== 'notShowing') {
        if (result?.outcome === 'answered') reportCookies();
        else reveal();
      } else {
        tried.delete(rule.name); // present but not shown yet: look again on the next change
      }
      schedule();
      return;
    }
    if (top && plan.heuristic && !heuristicTried && loadedAt && Date.now() - loadedAt >= HEURISTIC_AFTER_LOAD_MS) {
      heuristicTried = true;
      await tryHeuristic();
    }
  }

  function schedule() {
    if (scanTimer === null && plan) scanTimer = setTimeout(scan, SCAN_EVERY_MS);
  }

  function startWatching() {
    if (observer || !document.documentElement) return;
    observer = new MutationObserver(schedule);
    observer.observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style', 'hidden', 'open'] });
    schedule();
  }

  function stopWatching() {
    observer?.disconnect();
    observer = null;
    reveal();
  }

  let loadedAt = 0;
  addEventListener('load', () => {
    loadedAt = Date.now();
    watchUntil = loadedAt + WATCH_AFTER_LOAD_MS;
    setTimeout(schedule, HEURISTIC_AFTER_LOAD_MS);
    setTimeout(schedule, WATCH_AFTER_LOAD_MS + SCAN_EVERY_MS);
  }, { once: true });

  // A single-page app's navigation: a new page for the person, so a new watch.
  window.navigation?.addEventListener('navigatesuccess', () => {
    if (!plan) return;
    tried.clear();
    heuristicTried = false;
    loadedAt = Date.now();
    watchUntil = loadedAt + WATCH_AFTER_LOAD_MS;
    document.documentElement?.removeAttribute(REVEAL);
    startWatching();
  });

  // -- Unknown dialogs (top frame) ----------------------------------------------------------------

  const BUTTONS = 'button, [role=button], input[type=button], input[type=submit], a';

  function candidates() {
    const found = new Set(document.querySelectorAll('dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]'));
    const deadline = performance.now() + 50;
    for (const el of document.body?.children ?? []) {
      if (performance.now() > deadline) break;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT);
      for (let node = walker.currentNode; node && performance.now() <= deadline; node = walker.nextNode()) {
        const position = getComputedStyle(node).position;
        if (position === 'fixed' || position === 'sticky') { found.add(node); break; }
      }
    }
    return [...found].filter(visible).slice(0, 5).map((el) => ({
      el,
      buttons: [...el.querySelectorAll(BUTTONS)].filter(visible).slice(0, 20),
    }));
  }

  async function tryHeuristic() {
    const found = candidates().filter((c) => c.buttons.length);
    if (!found.length) return;
    const reply = await send({
      type: 'consentUnknown',
      lang: document.documentElement.lang || null,
      candidates: found.map(({ el, buttons }) => ({
        text: (el.innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_TEXT),
        buttons: buttons.map((b) => ({
          text: (b.innerText ?? b.value ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
          ariaLabel: b.getAttribute('aria-label'),
          title: b.getAttribute('title'),
        })),
      })),
    });
    if (reply?.press === undefined || reply.press === null) return;
    const { candidate, button } = reply.press;
    const target = found[candidate]?.buttons[button];
    const pressed = Boolean(target) && click(target);
    await new Promise((r) => setTimeout(r, 500));
    await send({ type: 'consentUnknownDone', session: reply.session, pressed, gone: !visible(found[candidate].el) });
    if (pressed) reportCookies();
  }

  // -- Start ----------------------------------------------------------------------------------------

  send({ type: 'consentPlan', top }).then((reply) => {
    plan = reply?.plan ?? null;
    if (!plan || (!plan.rules.length && !plan.heuristic)) {
      plan = null;
      reveal();
      return;
    }
    if (document.documentElement) startWatching();
    else document.addEventListener('readystatechange', startWatching, { once: true });
  });
})();
