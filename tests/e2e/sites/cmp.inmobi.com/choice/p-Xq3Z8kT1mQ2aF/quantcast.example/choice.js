// Fixture of Quantcast Choice, now InMobi Choice (TCF CMP id 10, "Quantcast International
// Limited" in IAB's CMP list), as a publisher installs it: the tag loads
// cmp.inmobi.com/choice/<p-id>/<host>/choice.js, whose real counterpart then loads
// cmp.inmobi.com/tcfv2/cmp2.js; here this one file is both.
//
// What it reproduces, and from where:
// - Markup of "CMP2": `#qc-cmp2-container.qc-cmp2-container` > `.qc-cmp-cleanslate` > `#qc-cmp2-main`
//   (the dimmed full-screen layer) > `#qc-cmp2-ui[role=dialog]`. The first layer is
//   `.qc-cmp2-summary-section` with `.qc-cmp2-summary-info` and `.qc-cmp2-summary-buttons`, whose
//   buttons carry a `mode` attribute: `#more-options-btn[mode=secondary]`, `#disagree-btn[mode=secondary]`
//   (second of the secondary ones), `#accept-btn[mode=primary]` (autoconsent
//   rules/autoconsent/quantcast.json; the button ids from a site's own Quantcast integration found by
//   code search). `#disagree-btn` renders disabled and is enabled a moment later (autoconsent waits
//   for `#disagree-btn:not([disabled])`).
// - The settings layer ("MORE OPTIONS"): `.qc-cmp2-consent-info` with `.qc-cmp2-header-links`
//   (REJECT ALL / ACCEPT ALL, `mode=link`), `.qc-cmp2-scrollable-section` > `.qc-cmp2-consent-list` >
//   `.qc-cmp2-list-item`, each with `.qc-cmp2-list-item-title` and switches
//   `.qc-cmp2-toggle-switch > button.qc-cmp2-toggle[role=switch][aria-checked]` (Consent-O-Matic
//   rules/quantcast2b.json: the consent switch is the first `.qc-cmp2-toggle-switch` of the item;
//   the "Consent toggle" label from a site's own integration), and the footer `.qc-cmp2-footer` with
//   `.qc-cmp2-footer-links` and `.qc-cmp2-buttons-desktop > button[mode=primary]` "SAVE & EXIT". Each
//   purpose item's id is `Purposes-id:<TCF purpose id>` (as on quantcast.com's own banner, from a
//   public click script that targets `#Purposes-id\:8`); special features are `SpecialFeatures-id:<id>`
//   by analogy (not confirmed).
// - Storage: the TC string in the `euconsent-v2` cookie; `__tcfapi` (CmpKit.tcfApi) with cmpId 10.
//   "DISAGREE" refuses every consent but, as a real InMobi refusal does, keeps legitimate interest
//   (the purposes that allow it: 2, 7, 8, 9, 10, 11, and the vendors' legitimate interests); objecting
//   takes the legitimate-interest switches of the settings layer.
//
// Categories: a TCF CMP; ours are derived from the TCF purposes with src/policy/purpose.rs's table
// (marketing = 2, 3, 4, 7; personalisation = 5, 6, 11; statistics = 8, 9, 10; preciseGeolocation =
// special feature 1), each true only when every purpose in it is consented.
//
// Simplified: the legitimate-interest switch of each purpose is shown in the purpose's own item (the
// real UI also has a separate "LEGITIMATE INTEREST" screen behind the footer link, whose buttons do
// nothing here), no partners screen, no stacks, English only, no GPP/USP APIs. Variant: `?late=ms`
// (CmpKit.whenReady) builds the dialog ms after DOMContentLoaded.
'use strict';

(() => {
  const CMP_ID = 10;
  const CMP_VERSION = 63;
  const COOKIE = 'euconsent-v2';
  const VENDORS = [2, 21, 91, 755, 804]; // tests/e2e/tcf.mjs's vendor list
  const LI_PURPOSES = [2, 7, 8, 9, 10, 11]; // TCF 2.2: no legitimate interest for 1, 3, 4, 5, 6
  const PURPOSES = [
    [1, 'Store and/or access information on a device'],
    [2, 'Use limited data to select advertising'],
    [3, 'Create profiles for personalised advertising'],
    [4, 'Use profiles to select personalised advertising'],
    [5, 'Create profiles to personalise content'],
    [6, 'Use profiles to select personalised content'],
    [7, 'Measure advertising performance'],
    [8, 'Measure content performance'],
    [9, 'Understand audiences through statistics or combinations of data from different sources'],
    [10, 'Develop and improve services'],
    [11, 'Use limited data to select content'],
  ];
  const SPECIAL_FEATURES = [
    [1, 'Use precise geolocation data'],
    [2, 'Actively scan device characteristics for identification'],
  ];
  const CATEGORY_PURPOSES = { marketing: [2, 3, 4, 7], personalisation: [5, 6, 11], statistics: [8, 9, 10] };

  const CSS = `
    #qc-cmp2-main { position: fixed; inset: 0; z-index: 2147483647; background: rgba(33,41,52,.66);
      display: flex; align-items: center; justify-content: center; font: 14px/1.5 sans-serif; }
    #qc-cmp2-ui { background: #fff; color: #141e23; width: 720px; max-width: 96vw; max-height: 86vh;
      display: flex; flex-direction: column; border-radius: 5px; overflow: hidden; }
    #qc-cmp2-ui .qc-cmp2-summary-section, #qc-cmp2-ui .qc-cmp2-consent-info { padding: 16px 24px; }
    #qc-cmp2-ui .qc-cmp2-summary-buttons { display: flex; gap: 8px; justify-content: flex-end; }
    #qc-cmp2-ui button[mode] { border: 1px solid #206dc5; border-radius: 4px; padding: 10px 18px;
      background: #fff; color: #206dc5; font-weight: 700; cursor: pointer; }
    #qc-cmp2-ui button[mode=primary] { background: #206dc5; color: #fff; }
    #qc-cmp2-ui button[mode=link] { border: 0; padding: 4px 8px; }
    #qc-cmp2-ui button[disabled] { opacity: .5; cursor: default; }
    #qc-cmp2-ui .qc-cmp2-scrollable-section { overflow: auto; padding: 0 24px; flex: 1; }
    #qc-cmp2-ui .qc-cmp2-list-item { border-bottom: 1px solid #d8d8d8; padding: 8px 0; }
    #qc-cmp2-ui .qc-cmp2-list-item-header { display: flex; justify-content: space-between; width: 100%;
      border: 0; background: none; text-align: left; padding: 0; font: inherit; }
    #qc-cmp2-ui .qc-cmp2-list-item-title { font-weight: 700; margin: 0; }
    #qc-cmp2-ui .qc-cmp2-toggle-switch { display: flex; justify-content: space-between; align-items: center;
      padding: 4px 0; }
    #qc-cmp2-ui .qc-cmp2-toggle { width: 44px; height: 22px; border-radius: 11px; border: 1px solid #999;
      background: #ccc; cursor: pointer; }
    #qc-cmp2-ui .qc-cmp2-toggle[aria-checked='true'] { background: #206dc5; border-color: #206dc5; }
    #qc-cmp2-ui .qc-cmp2-footer { display: flex; justify-content: space-between; padding: 12px 24px;
      border-top: 1px solid #d8d8d8; }
    #qc-cmp2-ui h2 { font-size: 18px; margin: 0 0 8px; }
  `;

  const api = CmpKit.tcfApi({ cmpId: CMP_ID, cmpVersion: CMP_VERSION });
  const ids = (n) => Array.from({ length: n }, (_, i) => i + 1);

  function categoriesOf(consent, specialFeatures) {
    const categories = Object.fromEntries(Object.entries(CATEGORY_PURPOSES)
      .map(([name, purposes]) => [name, purposes.every((id) => consent.includes(id))]));
    categories.preciseGeolocation = specialFeatures.includes(1);
    return categories;
  }

  // Writes the TC string, tells __tcfapi listeners, records, and removes the dialog.
  async function decide(action, { consent, legitimateInterest, specialFeatures }) {
    const tcString = await CmpKit.tcString({
      cmpId: CMP_ID, cmpVersion: CMP_VERSION, consentLanguage: 'EN', publisherCountryCode: 'GB',
      purposeConsents: consent, purposeLegitimateInterests: legitimateInterest, specialFeatureOptins: specialFeatures,
      vendorConsents: consent.length ? VENDORS : [], vendorLegitimateInterests: legitimateInterest.length ? VENDORS : [],
    });
    CmpKit.cookie(COOKIE, tcString, { days: 390 });
    document.querySelector('#qc-cmp2-container .qc-cmp-cleanslate')?.replaceChildren();
    api.decided(tcString);
    CmpKit.record({
      cmp: 'quantcast', action, categories: categoriesOf(consent, specialFeatures),
      purposes: { consent, legitimateInterest }, specialFeatures, tcString,
    });
  }

  const summaryMarkup = () => `
    <div class="qc-cmp2-summary-section">
      <div class="qc-cmp2-summary-info">
        <h2>We value your privacy</h2>
        <div><p>We and our partners store and/or access information on a device, such as cookies, and
        process personal data, such as unique identifiers and standard information sent by a device, for
        personalised advertising and content, advertising and content measurement, audience research and
        services development. With your permission we and our partners may use precise geolocation data.
        You may click to consent, or to refuse, or access more detailed information and change your
        preferences before consenting. Some partners process your data on the basis of legitimate
        interest, which you can object to by clicking "MORE OPTIONS".</p></div>
      </div>
      <div class="qc-cmp2-summary-buttons">
        <button mode="secondary" size="large" class=" css-47sehv" aria-pressed="false" id="more-options-btn"><span>MORE OPTIONS</span></button>
        <button mode="secondary" size="large" class=" css-47sehv" aria-pressed="false" id="disagree-btn" disabled><span>DISAGREE</span></button>
        <button mode="primary" size="large" class=" css-47sehv" aria-pressed="false" id="accept-btn"><span>AGREE</span></button>
      </div>
    </div>`;

  const switchMarkup = (label, kind, on) => `
    <div class="qc-cmp2-toggle-switch">
      <span class="qc-cmp2-toggle-label">${kind === 'consent' ? 'Consent' : 'Legitimate interest'}</span>
      <button role="switch" class="qc-cmp2-toggle" aria-checked="${on}" aria-label="${kind === 'consent' ? 'Consent toggle' : 'Legitimate interest toggle'}" data-kind="${kind}"><span class="qc-cmp2-visually-hidden">${label}</span></button>
    </div>`;

  const itemMarkup = (prefix, [id, title], li) => `
    <div class="qc-cmp2-list-item qc-cmp2-expandable-list" id="${prefix}-id:${id}" data-id="${id}">
      <button class="qc-cmp2-list-item-header" aria-expanded="false" aria-pressed="false"><p class="qc-cmp2-list-item-title">${title}</p></button>
      ${switchMarkup(title, 'consent', false)}
      ${li ? switchMarkup(title, 'legitimate-interest', true) : ''}
    </div>`;

  const settingsMarkup = () => `
    <div class="qc-cmp2-consent-info">
      <h2>We value your privacy</h2>
      <p>You can set your consent preferences and determine how you want your data to be used based on the
      purposes below. Each purpose may also be processed on the basis of legitimate interest, which you can
      object to with its switch.</p>
      <div class="qc-cmp2-header-links">
        <button mode="link" size="small" class=" css-8rroe4" data-action="reject-all">REJECT ALL</button>
        <button mode="link" size="small" class=" css-8rroe4" data-action="accept-all">ACCEPT ALL</button>
      </div>
    </div>
    <div class="qc-cmp2-scrollable-section">
      <div class="qc-cmp2-consent-list">
        <p class="qc-cmp2-list-header">Purposes</p>
        ${PURPOSES.map((p) => itemMarkup('Purposes', p, LI_PURPOSES.includes(p[0]))).join('')}
        <p class="qc-cmp2-list-header">Special Features</p>
        ${SPECIAL_FEATURES.map((f) => itemMarkup('SpecialFeatures', f, false)).join('')}
      </div>
    </div>
    <div class="qc-cmp2-footer qc-cmp2-footer-overlay qc-cmp2-footer-scrolled">
      <div class="qc-cmp2-footer-links">
        <button mode="link" size="small" class=" css-8rroe4">PARTNERS</button>
        <button mode="link" size="small" class=" css-8rroe4">LEGITIMATE INTEREST</button>
      </div>
      <div class="qc-cmp2-buttons-desktop">
        <button mode="primary" size="large" class=" css-47sehv" data-action="save">SAVE &amp; EXIT</button>
      </div>
    </div>`;

  function readSwitches(ui) {
    const on = (prefix, kind) => [...ui.querySelectorAll(`[id^="${prefix}-id:"] button[data-kind="${kind}"][aria-checked="true"]`)]
      .map((b) => Number(b.closest('[data-id]').dataset.id)).sort((a, b) => a - b);
    return {
      consent: on('Purposes', 'consent'),
      legitimateInterest: on('Purposes', 'legitimate-interest'),
      specialFeatures: on('SpecialFeatures', 'consent'),
    };
  }

  function show() {
    const style = document.createElement('style');
    style.textContent = CSS;
    document.head.appendChild(style);
    const container = document.createElement('div');
    container.id = 'qc-cmp2-container';
    container.className = 'qc-cmp2-container';
    container.setAttribute('data-nosnippet', '');
    container.innerHTML = `<div class="qc-cmp-cleanslate css-1rkz9yr"><div id="qc-cmp2-main" class="css-1kdd3ad">
      <div id="qc-cmp2-ui" role="dialog" aria-label="qc-cmp2-ui" aria-modal="true" tabindex="0" class=" css-tb7wb7">
        ${summaryMarkup()}
      </div></div></div>`;
    document.body.appendChild(container);
    const ui = container.querySelector('#qc-cmp2-ui');
    // The reject button is enabled once the vendor list has "loaded".
    setTimeout(() => ui.querySelector('#disagree-btn')?.removeAttribute('disabled'), 300);

    ui.addEventListener('click', (e) => {
      const target = e.target.closest('button');
      if (!target || target.disabled) return;
      if (target.id === 'accept-btn') {
        decide('accept-all', { consent: ids(11), legitimateInterest: LI_PURPOSES, specialFeatures: [1, 2] });
      } else if (target.id === 'disagree-btn') {
        decide('reject-all', { consent: [], legitimateInterest: LI_PURPOSES, specialFeatures: [] });
      } else if (target.id === 'more-options-btn') {
        ui.innerHTML = settingsMarkup();
      } else if (target.getAttribute('role') === 'switch') {
        target.setAttribute('aria-checked', String(target.getAttribute('aria-checked') !== 'true'));
      } else if (target.dataset.action === 'reject-all' || target.dataset.action === 'accept-all') {
        const on = String(target.dataset.action === 'accept-all');
        for (const s of ui.querySelectorAll('button[data-kind="consent"]')) s.setAttribute('aria-checked', on);
      } else if (target.dataset.action === 'save') {
        decide('save', readSwitches(ui));
      }
    });
    api.shown();
  }

  const stored = CmpKit.readCookie(COOKIE);
  if (stored) {
    api.loaded(stored); // a returning visitor: no dialog
    return;
  }
  CmpKit.whenReady(show);
})();
