// What every fixture CMP shares (the consent-dialog tests, tests/e2e/consent*.test.mjs): each
// vendor's script (served from the vendor's real host, e.g. cdn.cookielaw.org) builds the
// vendor's real markup and behaves as the vendor does, and uses this kit for the parts that are
// the same everywhere. Load it before the vendor script:
//   <script src="https://cmp-kit.example/kit.js"></script>
//
// - `CmpKit.record(state)`: what the page received, for the tests to compare with the terms.
//   `state` is { cmp, action ('reject-all' | 'accept-all' | 'save' | …), categories: { name: bool },
//   purposes: { consent: [tcf ids], legitimateInterest: [tcf ids] }, specialFeatures: [ids],
//   tcString }; kept in localStorage 'fixture-consent' (one entry per CMP name) and, from a frame,
//   posted to the top page, which keeps it the same way.
// - `CmpKit.param(name)`: the top page's query parameter: the variants (late=ms, reload=1, …).
// - `CmpKit.cookie(name, value)`: a first-party cookie for a year; `CmpKit.readCookie(name)`.
// - `await CmpKit.tcString(choice)`: a TC string from IAB's codec (the fixture server's
//   POST /__tcf/encode; choice as tests/e2e/tcf.mjs encodeTcString).
// - `CmpKit.tcfApi({ cmpId, cmpVersion })`: installs `__tcfapi` (ping, addEventListener,
//   removeEventListener, getTCData) and the `__tcfapiLocator` frame with its postMessage
//   protocol; resolves to { shown(), decided(tcString) } to move it through cmpuishown and
//   useractioncomplete; `loaded(tcString)` for a returning visitor (tcloaded).
// - `CmpKit.whenReady(fn)`: runs `fn` after DOMContentLoaded, later by `?late=ms`.
// - `CmpKit.lockScroll(el, cls)` / `unlockScroll(el, cls)`: the scroll lock CMPs put on html/body.
'use strict';

(() => {
  const KEY = 'fixture-consent';
  const topParams = (() => {
    try {
      return new URLSearchParams(window.top.location.search);
    } catch {
      return new URLSearchParams(location.search);
    }
  })();

  function keep(state) {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    all[state.cmp] = { ...state, at: Date.now() };
    localStorage.setItem(KEY, JSON.stringify(all));
  }

  // A frame's record reaches the top page as { 'fixture-consent': state }.
  if (window === window.top) {
    addEventListener('message', (e) => {
      if (e.data && typeof e.data === 'object' && e.data[KEY]) keep(e.data[KEY]);
    });
  }

  function record(state) {
    if (window === window.top) keep(state);
    else window.top.postMessage({ [KEY]: state }, '*');
  }

  const param = (name) => topParams.get(name);

  function cookie(name, value, { days = 365 } = {}) {
    document.cookie = `${name}=${value}; path=/; max-age=${days * 86400}; SameSite=Lax`;
  }
  function readCookie(name) {
    const found = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
    return found === undefined ? null : found.slice(name.length + 1);
  }

  async function tcString(choice) {
    const response = await fetch('/__tcf/encode', { method: 'POST', body: JSON.stringify(choice) });
    if (!response.ok) throw new Error(`TC string: ${await response.text()}`);
    return response.text();
  }

  // The IAB TCF v2 CMP API, as a CMP installs it (TCF "CMP API v2").
  function tcfApi({ cmpId, cmpVersion = 1 }) {
    let tcString = '';
    let eventStatus = 'cmpuishown';
    let displayStatus = 'hidden';
    const listeners = new Map();
    let nextId = 1;
    const tcData = (listenerId) => ({
      tcString, tcfPolicyVersion: 5, cmpId, cmpVersion, gdprApplies: true, eventStatus, cmpStatus: 'loaded',
      listenerId, isServiceSpecific: true, useNonStandardTexts: false, publisherCC: 'DE', purposeOneTreatment: false,
    });
    const api = (command, version, callback, parameter) => {
      if (typeof callback !== 'function') return;
      if (version !== 2) { callback(null, false); return; }
      switch (command) {
        case 'ping':
          callback({ gdprApplies: true, cmpLoaded: true, cmpStatus: 'loaded', displayStatus, apiVersion: '2.3', cmpVersion, cmpId, gvlVersion: 150, tcfPolicyVersion: 5 }, true);
          break;
        case 'addEventListener': {
          const id = nextId++;
          listeners.set(id, callback);
          callback(tcData(id), true);
          break;
        }
        case 'removeEventListener':
          callback(listeners.delete(parameter), true);
          break;
        case 'getTCData':
          callback(tcData(undefined), true);
          break;
        default:
          callback(null, false);
      }
    };
    const notify = () => { for (const [id, cb] of listeners) cb(tcData(id), true); };
    window.__tcfapi = api;
    // Frames below find the API through a frame named __tcfapiLocator and postMessage.
    const addLocator = () => {
      if (window.frames.__tcfapiLocator) return;
      if (!document.body) { setTimeout(addLocator, 5); return; }
      const locator = document.createElement('iframe');
      locator.name = '__tcfapiLocator';
      locator.style.display = 'none';
      document.body.appendChild(locator);
    };
    addLocator();
    addEventListener('message', (e) => {
      let call = e.data;
      if (typeof call === 'string') { try { call = JSON.parse(call); } catch { return; } }
      call = call?.__tcfapiCall;
      if (!call) return;
      api(call.command, call.version, (returnValue, success) => {
        e.source?.postMessage({ __tcfapiReturn: { returnValue, success, callId: call.callId } }, '*');
      }, call.parameter);
    });
    return {
      shown() { displayStatus = 'visible'; eventStatus = 'cmpuishown'; notify(); },
      decided(string) { tcString = string; displayStatus = 'hidden'; eventStatus = 'useractioncomplete'; notify(); },
      loaded(string) { tcString = string; displayStatus = 'hidden'; eventStatus = 'tcloaded'; notify(); },
    };
  }

  function whenReady(fn) {
    const late = Number(param('late') ?? 0);
    const go = () => setTimeout(fn, late);
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go, { once: true });
    else go();
  }

  const lockScroll = (el, cls) => { el.classList.add(cls); };
  const unlockScroll = (el, cls) => { el.classList.remove(cls); };

  window.CmpKit = { record, param, cookie, readCookie, tcString, tcfApi, whenReady, lockScroll, unlockScroll };
})();
