// OneTrust's banner SDK (what otSDKStub.js loads), for the consent-dialog fixtures.
//
// What it reproduces of the real OneTrust Cookie Consent SDK, and from where:
// - the markup: `#onetrust-consent-sdk` appended to <body>, holding the "otFlat" banner
//   `#onetrust-banner-sdk` (buttons `#onetrust-pc-btn-handler` "Cookie Settings",
//   `#onetrust-reject-all-handler`, `#onetrust-accept-btn-handler` in `#onetrust-button-group`),
//   the dark filter `.onetrust-pc-dark-filter`, and the "otPcCenter" preference center
//   `#onetrust-pc-sdk` (`#accept-recommended-btn-handler` "Allow All", one `.ot-cat-item`
//   accordion per group with `input.category-switch-handler#ot-group-id-C000N` and its
//   `label.ot-switch`, footer `.ot-pc-refuse-all-handler` and
//   `.save-preference-btn-handler.onetrust-close-btn-handler` "Confirm My Choices"). Copied in
//   structure from a saved real preference center (a page capture in the code corpus) and the
//   selectors autoconsent (lib/cmps/onetrust.ts), Consent-O-Matic (rules/onetrust*.json) and
//   the Firefox list use; see /work/shared/reference/consent-tools.md §6.
// - the behaviour: hidden parts carry `ot-hide` and `display: none` (a closed preference center
//   and its filter stay in the DOM, as on real pages); the open preference center locks the
//   page with `ot-overflow-hidden` on <body> and shows the dark filter; the banner goes away
//   after any choice; a returning visitor (both cookies present) gets no banner, only the
//   hidden preference center.
// - the storage: the `OptanonConsent` cookie (`isGpcEnabled=0&datestamp=…&version=…&…&
//   groups=C0001%3A1%2CC0002%3A0%2C…&AwaitingReconsent=false`) and `OptanonAlertBoxClosed`
//   (an ISO date), as real sites carry them; `window.OnetrustActiveGroups` /
//   `OptanonActiveGroups` (",C0001,C0003,"), `OneTrust.OnConsentChanged`, the
//   `consent.onetrust` event, a dataLayer `OneTrustGroupsUpdated` push and calls of the site's
//   `OptanonWrapper()` after loading and after every choice.
// Simplified: one language, no geolocation rules, no IAB TCF groups, no cookie list, no
// vendor list; the group data comes from consent/<id>/<id>.json (real OneTrust fetches that,
// then a per-ruleset language file); the styles are a stylesheet of our own
// (assets/otCommonStyles.css) linked rather than injected as a <style> element, so the page
// keeps working under a style-src without 'unsafe-inline'.
//
// OneTrust's groups (the default OneTrust cookie categories) and our categories
// (src/policy/purpose.rs), as recorded with CmpKit.record():
//   C0001 Strictly Necessary Cookies → (strictly necessary: always on, not recorded)
//   C0002 Performance Cookies        → statistics
//   C0003 Functional Cookies         → preferences
//   C0004 Targeting Cookies          → marketing
//   C0005 Social Media Cookies       → socialMedia
// OneTrust here is not a TCF CMP: no __tcfapi, `purposes`, `specialFeatures` and `tcString`
// are recorded as null.
'use strict';

(() => {
  const VERSION = '202310.1.0';
  const CDN = 'https://cdn.cookielaw.org';
  const CONSENT_ID = '5d9e4c1a-8b7f-4a2e-9c3d-1f6b0a7e2c48';
  const OUR_CATEGORY = { C0002: 'statistics', C0003: 'preferences', C0004: 'marketing', C0005: 'socialMedia' };
  const stub = window.otStubData ?? {};
  const domainId = stub.domainId;

  const changeListeners = [];
  let domainData = null;
  let groups = []; // [{ id, name, description, alwaysActive }]

  // --- storage ---------------------------------------------------------------------------

  const encodeValue = (v) => encodeURIComponent(v).replace(/%20/g, '+');

  function writeConsent(state) {
    const fields = [
      ['isGpcEnabled', '0'], ['datestamp', new Date().toString()], ['version', VERSION],
      ['browserGpcFlag', '0'], ['isIABGlobal', 'false'], ['hosts', ''], ['consentId', CONSENT_ID],
      ['interactionCount', '1'], ['isAnonUser', '1'], ['landingPath', 'NotLandingPage'],
      ['groups', groups.map((g) => `${g.id}:${state[g.id] ? 1 : 0}`).join(',')],
      ['AwaitingReconsent', 'false'],
    ];
    CmpKit.cookie('OptanonConsent', fields.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&'));
    CmpKit.cookie('OptanonAlertBoxClosed', new Date().toISOString());
  }

  // The stored state ({ C0001: true, … }), or null when the visitor has not answered yet.
  function readConsent() {
    const closed = CmpKit.readCookie('OptanonAlertBoxClosed');
    const consent = CmpKit.readCookie('OptanonConsent');
    if (!closed || !consent) return null;
    const list = new URLSearchParams(consent).get('groups');
    if (!list) return null;
    return Object.fromEntries(list.split(',').map((pair) => {
      const [id, on] = pair.split(':');
      return [id, on === '1'];
    }));
  }

  function publish(state) {
    const active = groups.filter((g) => state[g.id]).map((g) => g.id);
    window.OnetrustActiveGroups = `,${active.join(',')},`;
    window.OptanonActiveGroups = window.OnetrustActiveGroups;
    (window.dataLayer = window.dataLayer ?? []).push({ event: 'OneTrustGroupsUpdated', OnetrustActiveGroups: window.OnetrustActiveGroups });
    return active;
  }

  function callWrapper() {
    if (typeof window.OptanonWrapper === 'function') window.OptanonWrapper();
  }

  // --- markup ----------------------------------------------------------------------------

  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  function bannerHtml(d) {
    return `<div role="dialog" aria-label="Privacy"><div class="ot-sdk-container"><div class="ot-sdk-row">
<div id="onetrust-group-container" class="ot-sdk-eight ot-sdk-columns"><div id="onetrust-policy">
<div id="onetrust-policy-text">${esc(d.AlertNoticeText)} <a class="ot-cookie-policy-link" href="/privacy.html" aria-label="More information about your privacy, opens in a new tab" rel="noopener" target="_blank">Cookie Policy</a></div>
</div></div>
<div id="onetrust-button-group-parent" class="ot-sdk-three ot-sdk-columns"><div id="onetrust-button-group">
<button id="onetrust-pc-btn-handler">${esc(d.AlertMoreInfoText)}</button>
<button id="onetrust-reject-all-handler">${esc(d.BannerRejectAllButtonText)}</button>
<button id="onetrust-accept-btn-handler">${esc(d.AlertAllowCookiesText)}</button>
</div></div>
</div></div></div>`;
  }

  function groupHtml(g) {
    const head = `<h4 class="ot-cat-header" id="ot-header-id-${g.id}">${esc(g.name)}</h4>`;
    const control = g.alwaysActive
      ? `<div id="ot-status-id-${g.id}" class="ot-always-active">${esc(domainData.AlwaysActiveText)}</div>`
      : `<div class="ot-tgl"><input type="checkbox" name="ot-group-id-${g.id}" id="ot-group-id-${g.id}" role="switch" class="category-switch-handler" data-optanongroupid="${g.id}" aria-checked="false" aria-labelledby="ot-header-id-${g.id}"> <label class="ot-switch" for="ot-group-id-${g.id}"><span class="ot-switch-nob" aria-label="${esc(g.name)}"></span> <span class="ot-label-txt">${esc(g.name)}</span></label></div>`;
    return `<div class="ot-accordion-layout ot-cat-item ot-vs-config" data-optanongroupid="${g.id}">
<button ot-accordion="true" aria-expanded="false" aria-controls="ot-desc-id-${g.id}" aria-labelledby="ot-header-id-${g.id}"></button>
<div class="ot-acc-hdr${g.alwaysActive ? ' ot-always-active-group' : ''}"><div class="ot-plus-minus"><span></span><span></span></div>${head}${control}</div>
<div class="ot-acc-grpcntr ot-acc-txt"><p class="ot-acc-grpdesc ot-category-desc" id="ot-desc-id-${g.id}">${esc(g.description)}</p></div>
</div>`;
  }

  function preferenceCenterHtml(d) {
    return `<div role="dialog" aria-modal="true" aria-label="Privacy Preference Center">
<div class="ot-pc-header"><div class="ot-pc-logo" role="img" aria-label="Company Logo"></div><button id="close-pc-btn-handler" class="ot-close-icon" aria-label="Close"></button></div>
<div id="ot-pc-content" class="ot-pc-scrollbar">
<h2 id="ot-pc-title">${esc(d.MainText)}</h2>
<div id="ot-pc-desc">${esc(d.MainInfoText)}</div>
<button id="accept-recommended-btn-handler">${esc(d.ConfirmText)}</button>
<section class="ot-sdk-row ot-cat-grp"><h3 id="ot-category-title"> Manage Consent Preferences</h3>
${groups.map(groupHtml).join('\n')}
</section>
</div>
<div class="ot-pc-footer ot-pc-scrollbar"><div class="ot-btn-container">
<button class="ot-pc-refuse-all-handler">${esc(d.PCenterRejectAllButtonText)}</button>
<button class="save-preference-btn-handler onetrust-close-btn-handler">${esc(d.AllowAllText)}</button>
</div></div>
</div>`;
  }

  let sdk; let banner; let filter; let pc;

  const show = (el) => { el.classList.remove('ot-hide'); el.style.display = 'block'; };
  const hide = (el) => { el.classList.add('ot-hide'); el.style.display = 'none'; };

  function buildSdk(withBanner) {
    sdk = document.createElement('div');
    sdk.id = 'onetrust-consent-sdk';
    if (withBanner) {
      banner = document.createElement('div');
      banner.id = 'onetrust-banner-sdk';
      banner.className = 'otFlat bottom ot-wo-title vertical-align-content';
      banner.tabIndex = 0;
      banner.setAttribute('role', 'region');
      banner.setAttribute('aria-label', 'Cookie banner');
      banner.innerHTML = bannerHtml(domainData);
      sdk.appendChild(banner);
    }
    filter = document.createElement('div');
    filter.className = 'onetrust-pc-dark-filter ot-hide ot-fade-in';
    filter.style.display = 'none';
    pc = document.createElement('div');
    pc.id = 'onetrust-pc-sdk';
    pc.className = 'otPcCenter ot-hide ot-fade-in';
    pc.lang = 'en';
    pc.setAttribute('role', 'region');
    pc.setAttribute('aria-label', 'Preference center');
    pc.style.display = 'none';
    pc.innerHTML = preferenceCenterHtml(domainData);
    sdk.append(filter, pc);
    document.body.appendChild(sdk);

    banner?.querySelector('#onetrust-accept-btn-handler').addEventListener('click', () => decide('accept-all', allOn(true)));
    banner?.querySelector('#onetrust-reject-all-handler').addEventListener('click', () => decide('reject-all', allOn(false)));
    banner?.querySelector('#onetrust-pc-btn-handler').addEventListener('click', openPreferenceCenter);
    pc.querySelector('#accept-recommended-btn-handler').addEventListener('click', () => decide('accept-all', allOn(true)));
    pc.querySelector('.ot-pc-refuse-all-handler').addEventListener('click', () => decide('reject-all', allOn(false)));
    pc.querySelector('.save-preference-btn-handler').addEventListener('click', () => decide('save', switches()));
    pc.querySelector('#close-pc-btn-handler').addEventListener('click', closePreferenceCenter);
    for (const input of pc.querySelectorAll('input.category-switch-handler')) {
      input.addEventListener('change', () => input.setAttribute('aria-checked', String(input.checked)));
    }
  }

  function allOn(on) {
    return Object.fromEntries(groups.map((g) => [g.id, g.alwaysActive || on]));
  }

  function switches() {
    return Object.fromEntries(groups.map((g) => [g.id, g.alwaysActive || pc.querySelector(`#ot-group-id-${g.id}`).checked]));
  }

  function setSwitches(state) {
    for (const g of groups) {
      const input = pc.querySelector(`#ot-group-id-${g.id}`);
      if (!input) continue;
      input.checked = Boolean(state[g.id]);
      input.setAttribute('aria-checked', String(input.checked));
    }
  }

  function openPreferenceCenter() {
    show(filter);
    show(pc);
    document.body.classList.add('ot-overflow-hidden');
  }

  function closePreferenceCenter() {
    hide(pc);
    hide(filter);
    document.body.classList.remove('ot-overflow-hidden');
  }

  function decide(action, state) {
    writeConsent(state);
    setSwitches(state);
    closePreferenceCenter();
    if (banner) banner.style.display = 'none';
    const active = publish(state);
    CmpKit.record({
      cmp: 'onetrust',
      action,
      categories: Object.fromEntries(Object.entries(OUR_CATEGORY).map(([id, ours]) => [ours, Boolean(state[id])])),
      purposes: null,
      specialFeatures: null,
      tcString: null,
    });
    window.dispatchEvent(new CustomEvent('consent.onetrust', { detail: active }));
    for (const listener of changeListeners) listener({ detail: active });
    callWrapper();
  }

  // --- the public API (the parts sites use) -----------------------------------------------

  window.OneTrust = window.Optanon = {
    OnConsentChanged(listener) { if (typeof listener === 'function') changeListeners.push(listener); },
    ToggleInfoDisplay() { if (pc && pc.classList.contains('ot-hide')) openPreferenceCenter(); else if (pc) closePreferenceCenter(); },
    IsAlertBoxClosed() { return readConsent() !== null; },
    GetDomainData() { return { Groups: groups.map((g) => ({ CustomGroupId: g.id, GroupName: g.name })) }; },
  };

  // --- start -----------------------------------------------------------------------------

  async function start() {
    const response = await fetch(`${CDN}/consent/${domainId}/${domainId}.json`);
    domainData = await response.json();
    groups = domainData.Groups.map((g) => ({
      id: g.CustomGroupId, name: g.GroupName, description: g.GroupDescription, alwaysActive: g.Status === 'always active',
    }));
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = `${CDN}/scripttemplates/${VERSION}/assets/otCommonStyles.css`;
    document.head.appendChild(link);
    await new Promise((resolve) => { link.onload = resolve; link.onerror = resolve; });

    CmpKit.whenReady(() => {
      const stored = readConsent();
      buildSdk(stored === null);
      if (stored !== null) {
        setSwitches(stored);
        publish(stored);
      } else {
        publish(allOn(false));
      }
      callWrapper();
    });
  }

  start();
})();
