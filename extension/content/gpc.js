// Global Privacy Control in the page: `navigator.globalPrivacyControl`, from document start, in
// every frame (a MAIN-world content script declared in the manifest, so it runs before any of the
// page's scripts, on the first navigation after install too).
//
// Its value is the one the Sec-GPC header carried for this document, which the person's terms
// set per top-level site. A script here cannot read the terms (nor any extension storage), so the
// decision travels with the document: the extension's declarativeNetRequest rules, whose
// conditions are the header rule's own (`topDomains`/`excludedTopDomains`, the top-level site
// of the frame tree), append `Server-Timing: gpc;desc=1` (or `desc=0`) to every document
// response, and this script reads the last `gpc` entry of its navigation timing. The rules are
// generated in src/policy/enforce.rs. A frame with no navigation of its own (about:blank,
// srcdoc) takes its parent's value; with neither (the moment between install and the rules being
// applied, or an opaque data: frame), GPC is on, as the default terms say.

(() => {
  const MARK = 'gpc';

  function fromNavigation() {
    const [navigation] = performance.getEntriesByType('navigation');
    const marks = (navigation?.serverTiming ?? []).filter((entry) => entry.name === MARK);
    return marks.length ? marks[marks.length - 1].description === '1' : undefined;
  }

  function fromParent() {
    try {
      return window.parent !== window ? window.parent.navigator.globalPrivacyControl : undefined;
    } catch {
      return undefined; // a cross-origin parent
    }
  }

  const gpc = fromNavigation() ?? fromParent() ?? true;
  // A getter named as the browser names its own (`get globalPrivacyControl`), on the prototype
  // where a native attribute would be.
  const { get } = Object.getOwnPropertyDescriptor({ get globalPrivacyControl() { return gpc; } }, 'globalPrivacyControl');
  Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get, configurable: true, enumerable: true });
})();
