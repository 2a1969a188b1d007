// Fixture of CookieYes (the cloud banner, cdn-cookieyes.com/client_data/<site key>/script.js; the
// same markup ships in the "CookieYes | GDPR Cookie Consent" WordPress plugin, cookie-law-info).
//
// What it reproduces, and from where:
// - The markup is CookieYes' own banner template as a real site serves it (the `ckyBannerTemplate`
//   of a live WordPress page, found by code search): `.cky-overlay`, `.cky-consent-container` >
//   `.cky-consent-bar[data-cky-tag=notice]` > `.cky-notice-btn-wrapper[data-cky-tag=notice-buttons]`
//   with `.cky-btn-customize[data-cky-tag=settings-button]`, `.cky-btn-reject[data-cky-tag=reject-button]`,
//   `.cky-btn-accept[data-cky-tag=accept-button]`; the preference centre `.cky-modal` >
//   `.cky-preference-center[data-cky-tag=detail]` with one `.cky-accordion#ckyDetailCategory<slug>` per
//   category, its switch `.cky-switch[data-cky-tag=detail-category-toggle] > input#ckySwitch<slug>`, and
//   `.cky-prefrence-btn-wrapper[data-cky-tag=detail-buttons]` (sic: CookieYes spells it so) with
//   detail-reject / detail-save / detail-accept buttons. `cky-hide` hides, `cky-modal-open` opens the
//   modal (autoconsent's rules/autoconsent/cookieyes.json relies on both; Consent-O-Matic's
//   rules/cookieyes.json on the #ckySwitch<slug> ids).
// - The consent cookie is CookieYes' `cookieyes-consent`, a comma list of `key:value`:
//   `consentid:<id>,consent:yes|no,action:yes,necessary:yes,functional:no,analytics:no,
//   performance:no,advertisement:no,other:no` (values seen in real request headers; autoconsent's
//   self-test EVAL_COOKIEYES_0 looks for `advertisement:no`). `action:yes` means the visitor chose:
//   the banner is not shown again.
// - No scroll lock (CookieYes sets none for the bar); the overlay is shown while the preference
//   centre is open, and hidden again after a choice.
//
// Categories (CookieYes slug → ours): functional → preferences, analytics → statistics,
// performance → statistics, advertisement → marketing. `necessary` is strictly necessary (no
// switch, "Always Active"); `other` (uncategorised) has no category of ours and is left off.
//
// Simplified: one English banner of type "banner" at the bottom; no cookie audit table contents,
// no revisit button behaviour, no per-site configuration fetch. Variant: `?noreject=1` on the
// publisher page (read with CmpKit.param) is a site whose banner and preference centre have no
// "Reject All" button, as CookieYes lets a site configure.
'use strict';

(() => {
  const COOKIE = 'cookieyes-consent';
  // A fixed consent id: the fixtures are deterministic (CookieYes makes a random one).
  const CONSENT_ID = 'Zml4dHVyZWNvbnNlbnRpZDAwMDAwMDAwMDAwMA';
  const CATEGORIES = [
    { slug: 'necessary', title: 'Necessary', necessary: true,
      text: 'Necessary cookies are required to enable the basic features of this site.' },
    { slug: 'functional', title: 'Functional', ours: 'preferences',
      text: 'Functional cookies help perform certain functionalities like sharing content on social media platforms.' },
    { slug: 'analytics', title: 'Analytics', ours: 'statistics',
      text: 'Analytical cookies are used to understand how visitors interact with the website.' },
    { slug: 'performance', title: 'Performance', ours: 'statistics',
      text: 'Performance cookies are used to understand and analyze the key performance indexes of the website.' },
    { slug: 'advertisement', title: 'Advertisement', ours: 'marketing',
      text: 'Advertisement cookies are used to provide visitors with customized advertisements.' },
  ];
  const noReject = CmpKit.param('noreject') === '1';

  const CSS = `
    .cky-hide { display: none !important; }
    .cky-overlay { position: fixed; inset: 0; background: rgba(0,0,0,.5); z-index: 9999998; }
    .cky-consent-container { position: fixed; left: 0; right: 0; bottom: 0; z-index: 9999999;
      font: 14px/1.5 sans-serif; }
    .cky-consent-bar { background: #fff; border-top: 1px solid #f4f4f4; color: #212121; padding: 16px 40px;
      box-shadow: 0 -1px 10px rgba(0,0,0,.1); }
    .cky-title { font-weight: 700; margin: 0 0 8px; }
    .cky-notice-group { display: flex; gap: 24px; align-items: center; justify-content: space-between; }
    .cky-notice-btn-wrapper { display: flex; gap: 8px; }
    .cky-btn { border: 2px solid #1863dc; border-radius: 2px; padding: 8px 24px; font-weight: 500;
      background: transparent; color: #1863dc; cursor: pointer; }
    .cky-btn-accept { background: #1863dc; color: #fff; }
    .cky-modal { display: none; }
    .cky-modal.cky-modal-open { display: block; position: fixed; top: 50%; left: 50%; z-index: 99999999;
      transform: translate(-50%, -50%); width: 640px; max-width: 96vw; max-height: 90vh; overflow: auto;
      background: #fff; color: #212121; font: 14px/1.5 sans-serif; box-shadow: 0 4px 20px rgba(0,0,0,.3); }
    .cky-preference-header { display: flex; justify-content: space-between; padding: 16px 24px;
      border-bottom: 1px solid #f4f4f4; font-weight: 700; }
    .cky-preference-body-wrapper { padding: 0 24px; }
    .cky-accordion { border-bottom: 1px solid #f4f4f4; padding: 10px 0; }
    .cky-accordion-header { display: flex; justify-content: space-between; align-items: center; }
    .cky-accordion-btn { border: 0; background: none; font-weight: 700; padding: 0; }
    .cky-always-active { color: #008000; font-weight: 600; }
    .cky-switch input[type="checkbox"] { width: 44px; height: 24px; margin: 0; cursor: pointer; }
    .cky-accordion-body { display: none; }
    .cky-footer-wrapper { padding: 16px 24px; border-top: 1px solid #f4f4f4; }
    .cky-prefrence-btn-wrapper { display: flex; gap: 8px; justify-content: flex-end; }
  `;

  // The stored choice, or null: `{ action, values: { slug: 'yes'|'no' } }`.
  function storedChoice() {
    const raw = CmpKit.readCookie(COOKIE);
    if (!raw) return null;
    const fields = Object.fromEntries(decodeURIComponent(raw).split(',').map((kv) => {
      const at = kv.indexOf(':');
      return [kv.slice(0, at), kv.slice(at + 1)];
    }));
    return fields.action === 'yes' ? fields : null;
  }

  function el(html) {
    const template = document.createElement('template');
    template.innerHTML = html.trim();
    return template.content;
  }

  const button = (cls, tag, label) =>
    `<button class="cky-btn ${cls}" aria-label="${label}" data-cky-tag="${tag}">${label}</button>`;

  function bannerMarkup() {
    return `
      <div class="cky-overlay cky-hide"></div>
      <div class="cky-consent-container cky-banner-bottom" tabindex="0">
        <div class="cky-consent-bar" data-cky-tag="notice">
          <div class="cky-notice">
            <p class="cky-title" role="heading" aria-level="1" data-cky-tag="title">We value your privacy</p>
            <div class="cky-notice-group">
              <div class="cky-notice-des" data-cky-tag="description">
                <p>We use cookies to enhance your browsing experience, serve personalized ads or content,
                and analyze our traffic. By clicking "Accept All", you consent to our use of cookies.</p>
              </div>
              <div class="cky-notice-btn-wrapper" data-cky-tag="notice-buttons">
                ${button('cky-btn-customize', 'settings-button', 'Customize')}
                ${noReject ? '' : button('cky-btn-reject', 'reject-button', 'Reject All')}
                ${button('cky-btn-accept', 'accept-button', 'Accept All')}
              </div>
            </div>
          </div>
        </div>
      </div>
      <div class="cky-modal" tabindex="-1">
        <div class="cky-preference-center" data-cky-tag="detail">
          <div class="cky-preference-header">
            <span class="cky-preference-title" role="heading" aria-level="1" data-cky-tag="detail-title">Customize Consent Preferences</span>
            <button class="cky-btn-close" aria-label="Close" data-cky-tag="detail-close">&times;</button>
          </div>
          <div class="cky-preference-body-wrapper">
            <div class="cky-preference-content-wrapper" data-cky-tag="detail-description">
              <p>We use cookies to help you navigate efficiently and perform certain functions.</p>
            </div>
            <div class="cky-accordion-wrapper" data-cky-tag="detail-categories">
              ${CATEGORIES.map(categoryMarkup).join('')}
            </div>
          </div>
          <div class="cky-footer-wrapper">
            <span class="cky-footer-shadow"></span>
            <div class="cky-prefrence-btn-wrapper" data-cky-tag="detail-buttons">
              ${noReject ? '' : button('cky-btn-reject', 'detail-reject-button', 'Reject All')}
              ${button('cky-btn-preferences', 'detail-save-button', 'Save My Preferences')}
              ${button('cky-btn-accept', 'detail-accept-button', 'Accept All')}
            </div>
          </div>
        </div>
      </div>`;
  }

  // As CookieYes renders a category: the necessary one keeps "Always Active" and loses its switch,
  // the others lose "Always Active" and keep an unchecked switch (opt-in).
  function categoryMarkup(c) {
    const control = c.necessary
      ? '<span class="cky-always-active">Always Active</span>'
      : `<div class="cky-switch" data-cky-tag="detail-category-toggle"><input type="checkbox" id="ckySwitch${c.slug}" aria-label="Enable ${c.title}" role="switch" autocomplete="off"></div>`;
    return `
      <div class="cky-accordion" id="ckyDetailCategory${c.slug}">
        <div class="cky-accordion-item">
          <div class="cky-accordion-chevron"><i class="cky-chevron-right"></i></div>
          <div class="cky-accordion-header-wrapper">
            <div class="cky-accordion-header">
              <button class="cky-accordion-btn" aria-expanded="false" aria-controls="ckyDetailCategory${c.slug}Body" aria-label="${c.title}" data-cky-tag="detail-category-title">${c.title}</button>
              ${control}
            </div>
            <div class="cky-accordion-header-des" data-cky-tag="detail-category-description"><p>${c.text}</p></div>
          </div>
        </div>
        <div class="cky-accordion-body" id="ckyDetailCategory${c.slug}Body">
          <div class="cky-audit-table" data-cky-tag="audit-table"><p class="cky-empty-cookies-text">No cookies to display.</p></div>
        </div>
      </div>`;
  }

  function show() {
    const style = document.createElement('style');
    style.id = 'cky-style';
    style.textContent = CSS;
    document.head.appendChild(style);
    document.body.appendChild(el(bannerMarkup()));
    const q = (s) => document.querySelector(s);
    const overlay = q('.cky-overlay');
    const banner = q('.cky-consent-container');
    const modal = q('.cky-modal');

    const openModal = () => {
      modal.classList.add('cky-modal-open');
      overlay.classList.remove('cky-hide');
    };
    const closeModal = () => {
      modal.classList.remove('cky-modal-open');
      overlay.classList.add('cky-hide');
    };
    const finish = (action, values) => {
      closeModal();
      banner.classList.add('cky-hide');
      save(action, values);
    };
    const all = (answer) => Object.fromEntries(CATEGORIES.filter((c) => !c.necessary).map((c) => [c.slug, answer]));

    document.addEventListener('click', (e) => {
      const tag = e.target.closest('[data-cky-tag]')?.dataset.ckyTag;
      switch (tag) {
        case 'settings-button': openModal(); break;
        case 'detail-close': closeModal(); break;
        case 'reject-button': case 'detail-reject-button': finish('reject-all', all('no')); break;
        case 'accept-button': case 'detail-accept-button': finish('accept-all', all('yes')); break;
        case 'detail-save-button': {
          const values = Object.fromEntries(CATEGORIES.filter((c) => !c.necessary)
            .map((c) => [c.slug, q(`#ckySwitch${c.slug}`).checked ? 'yes' : 'no']));
          finish('save', values);
          break;
        }
        default:
      }
    });
  }

  function save(action, values) {
    const anyYes = Object.values(values).includes('yes');
    const fields = [`consentid:${CONSENT_ID}`, `consent:${anyYes ? 'yes' : 'no'}`, 'action:yes', 'necessary:yes',
      ...Object.entries(values).map(([slug, v]) => `${slug}:${v}`), 'other:no'];
    CmpKit.cookie(COOKIE, fields.join(','));
    // Ours: a category is accepted only when every CookieYes category mapped to it is.
    const categories = {};
    for (const c of CATEGORIES.filter((x) => x.ours)) {
      categories[c.ours] = (categories[c.ours] ?? true) && values[c.slug] === 'yes';
    }
    CmpKit.record({ cmp: 'cookieyes', action, categories, purposes: null, specialFeatures: null, tcString: null });
  }

  // CookieYes' page API: what was chosen, per CookieYes category.
  window.getCkyConsent = () => {
    const stored = storedChoice();
    const categories = Object.fromEntries(CATEGORIES.map((c) => [c.slug, c.necessary || stored?.[c.slug] === 'yes']));
    return { activeLaw: 'gdpr', isUserActionCompleted: Boolean(stored), consentID: CONSENT_ID, categories };
  };

  CmpKit.whenReady(() => {
    if (storedChoice()) return; // a returning visitor: no banner
    show();
  });
})();
