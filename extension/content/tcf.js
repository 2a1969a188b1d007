// What the site's consent dialog recorded, read where the page keeps it: the IAB TCF v2 API
// (`__tcfapi`) and, where present, the Global Privacy Platform's (`__gpp`). A MAIN-world content
// script in every frame, so it can call the page's own functions; in a frame without the API it
// uses the TCF's frame protocol (a `__tcfapiLocator` frame above it, postMessage).
//
// It registers one TCF listener (addEventListener; getTCData is deprecated since TCF 2.2) and
// reports the TC string each time the dialog is answered (`useractioncomplete`) or a stored
// answer is loaded (`tcloaded`), with the few TCData fields the service worker compares with
// the string. The worker decodes the string itself (src/consent/tcf.rs) and files the report
// under the sender the browser names, never under anything the page says.
//
// Reports go to content/relay.js over a MessagePort it hands over at document start
// ('trustledger:tcf-port'), which the page never holds.

(() => {
  'use strict';

  const { apply } = Reflect;
  const { getOwnPropertyDescriptor } = Object;
  const postMessage = MessagePort.prototype.postMessage;
  const windowPostMessage = window.postMessage;
  const addEventListener = EventTarget.prototype.addEventListener;
  const removeEventListener = EventTarget.prototype.removeEventListener;
  const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
  const getter = (proto, name) => getOwnPropertyDescriptor(proto, name)?.get;
  const eventData = getter(MessageEvent.prototype, 'data');
  const eventPorts = getter(MessageEvent.prototype, 'ports');
  const eventSource = getter(MessageEvent.prototype, 'source');
  const setTimer = setTimeout;
  const StringCtor = String;
  const NumberCtor = Number;
  const isArray = Array.isArray;
  const parse = JSON.parse;

  const LOOK_FOR_MS = 10_000; // how long after load a CMP may take to appear
  const LOOK_EVERY_MS = 250;
  const MAX_STRING = 16_384;

  // -- The channel to the relay ---------------------------------------------------------------------

  let port = null;
  const pending = [];
  function send(message) {
    if (port) apply(postMessage, port, [message]);
    else if (pending.length < 20) pending[pending.length] = message;
  }
  function onPort(event) {
    const ports = apply(eventPorts, event, []);
    if (apply(eventData, event, []) !== 'trustledger:tcf-port' || apply(eventSource, event, []) !== window || ports.length !== 1) return;
    apply(stopImmediatePropagation, event, []);
    apply(removeEventListener, window, ['message', onPort, true]);
    port = ports[0];
    for (let i = 0; i < pending.length; i++) apply(postMessage, port, [pending[i]]);
    pending.length = 0;
  }
  apply(addEventListener, window, ['message', onPort, true]);

  // -- What is reported ---------------------------------------------------------------------------

  // Only plain values leave the page: a string, numbers, booleans, id lists.
  const text = (v) => (typeof v === 'string' ? StringCtor(v).slice(0, MAX_STRING) : null);
  const ids = (map) => {
    const out = [];
    if (!map || typeof map !== 'object') return out;
    for (const key in map) {
      if (map[key] === true && out.length < 1000) {
        const id = NumberCtor(key);
        if (id > 0 && id < 65536) out[out.length] = id;
      }
    }
    return out;
  };

  let lastReported = null;
  function reportTcData(tcData, how) {
    try {
      const status = tcData?.eventStatus;
      if (status !== 'useractioncomplete' && status !== 'tcloaded') return;
      const tcString = text(tcData.tcString);
      if (!tcString || tcString === lastReported) return;
      lastReported = tcString;
      send({
        kind: 'tcf',
        how,
        eventStatus: status,
        tcString,
        cmpId: NumberCtor(tcData.cmpId) || 0,
        cmpVersion: NumberCtor(tcData.cmpVersion) || 0,
        gdprApplies: tcData.gdprApplies === true,
        // What the CMP's object says, to compare with what its string says.
        purposeConsents: tcData.purpose ? ids(tcData.purpose.consents) : null,
        purposeLegitimateInterests: tcData.purpose ? ids(tcData.purpose.legitimateInterests) : null,
      });
    } catch { /* a page's odd object: nothing reported */ }
  }

  function reportGpp(data) {
    try {
      const gppString = text(data?.pingData?.gppString ?? data?.gppString);
      if (!gppString) return;
      const sections = data?.pingData?.applicableSections ?? data?.applicableSections;
      send({ kind: 'gpp', gppString, applicableSections: isArray(sections) ? sections.slice(0, 50).map(NumberCtor) : [] });
    } catch { /* as above */ }
  }

  // -- Finding the API -------------------------------------------------------------------------------

  function listenHere(api) {
    try {
      api('addEventListener', 2, (tcData, success) => { if (success) reportTcData(tcData, 'main'); });
    } catch { /* a broken stub */ }
  }

  // A frame below the CMP's: the frame protocol through the nearest ancestor that has the locator.
  function locatorWindow() {
    let w = window;
    for (let depth = 0; depth < 10 && w !== w.parent; depth++) {
      w = w.parent;
      try {
        if (w.frames.__tcfapiLocator) return w;
      } catch { /* cross-origin access to frames is allowed; anything else just stops the search */ }
    }
    return null;
  }

  function listenThroughFrames(target) {
    const callId = `trustledger-${Math.random()}`;
    apply(addEventListener, window, ['message', (event) => {
      let data = apply(eventData, event, []);
      if (typeof data === 'string') {
        try { data = parse(data); } catch { return; }
      }
      const ret = data?.__tcfapiReturn;
      if (ret?.callId === callId && ret.success) reportTcData(ret.returnValue, 'frame');
    }]);
    apply(windowPostMessage, target, [{ __tcfapiCall: { command: 'addEventListener', version: 2, callId, parameter: null } }, '*']);
  }

  let found = false;
  let gppFound = false;
  let deadline = 0;
  function look() {
    try {
      lookOnce();
    } catch { /* a hostile getter: look again */ }
    if ((!found || !gppFound) && Date.now() < deadline) setTimer(look, LOOK_EVERY_MS);
  }
  function lookOnce() {
    if (!found) {
      const api = window.__tcfapi;
      if (typeof api === 'function') {
        found = true;
        listenHere(api);
      } else if (window !== window.top) {
        const target = locatorWindow();
        if (target) {
          found = true;
          listenThroughFrames(target);
        }
      }
    }
    if (!gppFound && typeof window.__gpp === 'function') {
      gppFound = true;
      try {
        window.__gpp('addEventListener', (data, success) => { if (success) reportGpp(data); });
      } catch { /* as above */ }
    }
  }

  apply(addEventListener, window, ['load', () => {
    deadline = Date.now() + LOOK_FOR_MS;
    look();
  }, { once: true }]);
})();
