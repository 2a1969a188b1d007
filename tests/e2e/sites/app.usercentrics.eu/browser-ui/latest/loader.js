// Usercentrics' Browser UI (v2, "browser-ui" 3.x), for the consent-dialog fixtures. Sites embed:
//   <script id="usercentrics-cmp" src="https://app.usercentrics.eu/browser-ui/latest/loader.js"
//           data-settings-id="Fx7kQ2pLm" async></script>
//
// What it reproduces of the real Usercentrics CMP, and from where:
// - the markup: a `<div id="usercentrics-root">` appended to <body> whose UI lives in a shadow
//   root (open, as Usercentrics ships it; closed with the page's ?shadow=closed). Inside, the
//   first layer `[data-testid=uc-default-wall]` (a centred dialog over an overlay) with
//   `[data-testid=uc-buttons-container]` holding `button[data-testid=uc-more-button]`
//   "Settings", `[data-testid=uc-deny-all-button]` "Deny", `[data-testid=uc-accept-all-button]`
//   "Accept All"; the second layer `[data-testid=uc-default-settings]` with one row per category
//   (`[data-testid=uc-expandable-button-<label>]`, and the switch
//   `button#toggle-toggle-<slug>[data-testid=uc-toggle-toggle-<slug>][role=switch][aria-checked]`;
//   the essential category's switch is disabled and, as in Usercentrics' code, has no
//   data-testid), and the buttons `uc-save-button` "Save Settings", `uc-deny-all-button`,
//   `uc-accept-all-button`; after a choice only `[data-testid=uc-privacy-button]` is left. From
//   Usercentrics' own browser-ui 3.66.0 bundle (the Toggle component: `id: toggle-${id}`,
//   `data-testid: uc-toggle-${id}`, role switch, aria-checked; the layer test ids
//   uc-default-banner / uc-default-wall / uc-default-settings; the SaveButton module's test ids),
//   a Playwright test against a live Usercentrics site (uc-more-button →
//   uc-toggle-toggle-functional / uc-toggle-toggle-marketing / uc-expandable-button-<name>),
//   autoconsent's usercentrics rules (`["#usercentrics-root", "[data-testid=uc-deny-all-button]"]`)
//   and /work/shared/reference/consent-tools.md §6 (body class `overflowHidden`).
// - the behaviour: the first layer and the settings layer lock the page (`overflowHidden` on
//   <body>) and dim it; any choice closes them; a returning visitor (uc_settings and
//   uc_user_interaction stored) gets only the privacy button.
// - the storage: localStorage `uc_settings` ({ controllerId, id, language, services: [{ id,
//   processorId, status, history: [{ action, language, status, timestamp, type, versions }] }],
//   version }), `uc_user_interaction` "true", `uc_ui_version`, `uc_gcm` (Google consent mode),
//   as Usercentrics keeps them; `window.UC_UI` (isInitialized, acceptAllConsents,
//   denyAllConsents, closeCMP, showFirstLayer, showSecondLayer, areAllConsentsAccepted,
//   getServicesBaseInfo) and the window events UC_UI_INITIALIZED, UC_UI_VIEW_CHANGED and
//   UC_UI_CMP_EVENT.
// Simplified: no services tab or service details, no TCF variant, no language switch, no
// settings fetched from api.usercentrics.eu (they are built in), one loader file instead of the
// loader plus its module chunks; the controller id is a constant (real ones are random).
//
// Usercentrics' default categories and ours (src/policy/purpose.rs), as recorded with
// CmpKit.record():
//   essential  → (strictly necessary: always on, not recorded)
//   functional → statistics  (Usercentrics' default "Functional" category describes analysing
//                             the use of the website to measure and improve performance)
//   marketing  → marketing
// Not a TCF CMP here: `purposes`, `specialFeatures` and `tcString` are recorded as null.
'use strict';

(() => {
  const UI_VERSION = '3.66.0';
  const SETTINGS_ID = document.currentScript?.dataset.settingsId ?? 'Fx7kQ2pLm';
  const CONTROLLER_ID = '7d3c0b8e94f1a2d6e5c4b3a29180f7e6d5c4b3a2918f7e6d5c4b3a29180f7e6d';
  const CATEGORIES = [
    { slug: 'essential', label: 'Essential', essential: true, description: 'These technologies are required to activate the core functionality of our website.' },
    { slug: 'functional', label: 'Functional', ours: 'statistics', description: 'These technologies enable us to analyse the use of the website in order to measure and improve performance.' },
    { slug: 'marketing', label: 'Marketing', ours: 'marketing', description: 'These technologies are used by advertisers to serve ads that are relevant to your interests.' },
  ];
  const SERVICES = [
    { id: 'H1Vl5NidjWX', name: 'Usercentrics Consent Management Platform', category: 'essential', processorId: 'a1f4c2e9b7d3' },
    { id: 'HkocEodjb7', name: 'Google Analytics', category: 'functional', processorId: 'b2e5d3fa08c4' },
    { id: 'S1_9Vsuj-Q', name: 'Google Ads', category: 'marketing', processorId: 'c3f6e40b19d5' },
    { id: 'ko1w5PpFl', name: 'Facebook Pixel', category: 'marketing', processorId: 'd4071f5c2ae6' },
  ];
  const closed = CmpKit.param('shadow') === 'closed';

  // --- storage -----------------------------------------------------------------------------

  function readSettings() {
    if (localStorage.getItem('uc_user_interaction') !== 'true') return null;
    try {
      const settings = JSON.parse(localStorage.getItem('uc_settings') ?? 'null');
      return Array.isArray(settings?.services) ? settings : null;
    } catch {
      return null;
    }
  }

  // `chosen` = { functional: bool, marketing: bool }; `action` as Usercentrics names it.
  function writeSettings(chosen, action) {
    const previous = readSettings();
    const now = Date.now();
    const services = SERVICES.map((s) => {
      const status = s.category === 'essential' || Boolean(chosen[s.category]);
      const before = previous?.services.find((p) => p.id === s.id)?.history ?? [];
      return {
        history: [...before, { action, language: 'en', status, timestamp: now, type: 'explicit', versions: { application: 'browser-sdk@4.42.0', service: '1.0.0', settings: '2.1.0' } }],
        id: s.id,
        processorId: s.processorId,
        status,
      };
    });
    localStorage.setItem('uc_settings', JSON.stringify({ controllerId: CONTROLLER_ID, id: SETTINGS_ID, language: 'en', services, version: '2.1.0' }));
    localStorage.setItem('uc_user_interaction', 'true');
    localStorage.setItem('uc_ui_version', UI_VERSION);
    const grant = (on) => (on ? 'granted' : 'denied');
    localStorage.setItem('uc_gcm', JSON.stringify({
      adsDataRedaction: !chosen.marketing, adPersonalization: grant(chosen.marketing), adStorage: grant(chosen.marketing),
      adUserData: grant(chosen.marketing), analyticsStorage: grant(chosen.functional),
    }));
  }

  const categoryState = (settings) => Object.fromEntries(CATEGORIES.filter((c) => !c.essential).map((c) => [
    c.slug, SERVICES.filter((s) => s.category === c.slug).every((s) => settings.services.find((x) => x.id === s.id)?.status),
  ]));

  // --- markup ------------------------------------------------------------------------------

  const STYLE = `
:host { all: initial; }
* { box-sizing: border-box; }
[data-testid="uc-overlay"] { position: fixed; inset: 0; z-index: 2147483639; background: rgba(0, 0, 0, .5); }
[role="dialog"] { position: fixed; z-index: 2147483640; top: 50%; left: 50%; transform: translate(-50%, -50%);
  width: 600px; max-width: calc(100vw - 20px); max-height: 85vh; display: flex; flex-direction: column; overflow: hidden;
  background: #fff; color: #303030; border-radius: 8px; box-shadow: 0 5px 26px rgba(0, 0, 0, .22);
  font: 14px/1.5 BlinkMacSystemFont, -apple-system, "Segoe UI", Roboto, sans-serif; }
[data-testid="uc-header"] { padding: 20px 24px 8px; }
[data-testid="uc-heading-title"] { margin: 0; font-size: 20px; }
[data-testid="uc-message-container"], [data-testid="uc-category-list"] { padding: 0 24px; overflow-y: auto; min-height: 0; }
[data-testid="uc-footer"] { padding: 16px 24px; border-top: 1px solid #dedede; }
[data-testid="uc-buttons-container"] { display: flex; gap: 8px; }
[data-testid="uc-buttons-container"] button { flex: 1; padding: 11px 12px; border: 0; border-radius: 4px; font: inherit; font-weight: 600;
  cursor: pointer; background: #f5f5f5; color: #0045a5; }
[data-testid="uc-accept-all-button"] { background: #0045a5 !important; color: #fff !important; }
[data-testid="uc-anchors"] { display: flex; gap: 12px; margin-top: 8px; font-size: 12px; }
[data-testid="uc-anchors"] a { color: #0045a5; }
.uc-category { display: flex; align-items: center; gap: 12px; padding: 12px 0; border-bottom: 1px solid #eee; }
.uc-category-text { flex: 1; }
.uc-category-text button { border: 0; background: none; padding: 0; font: inherit; font-weight: 600; color: #303030; cursor: pointer; }
.uc-category-text p { margin: 2px 0 0; font-size: 12px; color: #595959; }
button[role="switch"] { width: 48px; height: 26px; border: 0; border-radius: 13px; background: #595959; position: relative; cursor: pointer; flex: none; }
button[role="switch"]::after { content: ""; position: absolute; top: 3px; left: 3px; width: 20px; height: 20px; border-radius: 50%; background: #fff; transition: left .15s; }
button[role="switch"][aria-checked="true"] { background: #0045a5; }
button[role="switch"][aria-checked="true"]::after { left: 25px; }
button[role="switch"][aria-disabled="true"] { opacity: .5; cursor: default; }
[data-testid="uc-privacy-button"] { position: fixed; z-index: 2147483640; left: 20px; bottom: 20px; width: 44px; height: 44px; border: 0;
  border-radius: 50%; background: #0045a5; color: #fff; cursor: pointer; font: 20px/1 sans-serif; }
`;

  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  function firstLayerHtml() {
    return `<div data-testid="uc-overlay"></div>
<div id="uc-center-container" role="dialog" aria-modal="true" aria-labelledby="uc-heading-title" data-testid="uc-default-wall">
<div data-testid="uc-header"><h2 id="uc-heading-title" data-testid="uc-heading-title">Privacy Settings</h2></div>
<div data-testid="uc-message-container"><div id="uc-privacy-description" data-testid="uc-privacy-description">This site uses third-party website tracking technologies to provide and continually improve our services, and to display advertisements according to users' interests. I agree and may revoke or change my consent at any time with effect for the future.</div></div>
<div data-testid="uc-footer">
<div data-testid="uc-buttons-container">
<button role="button" data-testid="uc-more-button">Settings</button>
<button role="button" data-testid="uc-deny-all-button">Deny</button>
<button role="button" data-testid="uc-accept-all-button">Accept All</button>
</div>
<div data-testid="uc-anchors"><a data-testid="uc-anchor-link" href="/privacy.html" target="_blank" rel="noopener">Privacy Policy</a><a data-testid="uc-anchor-link" href="/imprint.html" target="_blank" rel="noopener">Legal Notice</a></div>
</div>
</div>`;
  }

  function toggleHtml(category, checked) {
    const id = `toggle-${category.slug}`;
    const label = `<span id="toggle-label-${id}">${esc(category.label)}</span>`;
    if (category.essential) {
      return `${label}<button id="toggle-${id}" tabindex="-1" role="switch" aria-disabled="true" aria-checked="true" aria-readonly="true" aria-labelledby="toggle-label-${id}"></button>`;
    }
    return `${label}<button id="toggle-${id}" data-testid="uc-toggle-${id}" role="switch" aria-disabled="false" aria-checked="${checked}" aria-readonly="false" aria-labelledby="toggle-label-${id}"></button>`;
  }

  function secondLayerHtml(state) {
    const rows = CATEGORIES.map((c) => `<div class="uc-category" data-testid="uc-category-${c.slug}">
<div class="uc-category-text"><button data-testid="uc-expandable-button-${c.label.toLowerCase()}" aria-expanded="false">${esc(c.label)}</button><p>${esc(c.description)}</p></div>
<div data-testid="uc-category-toggle">${toggleHtml(c, c.essential || Boolean(state[c.slug]))}</div>
</div>`).join('\n');
    return `<div data-testid="uc-overlay"></div>
<div id="uc-center-container" role="dialog" aria-modal="true" aria-labelledby="uc-heading-title" data-testid="uc-default-settings">
<div data-testid="uc-header"><h2 id="uc-heading-title" data-testid="uc-heading-title">Privacy Settings</h2></div>
<div data-testid="uc-category-list">${rows}</div>
<div data-testid="uc-footer"><div data-testid="uc-buttons-container">
<button role="button" data-testid="uc-save-button">Save Settings</button>
<button role="button" data-testid="uc-deny-all-button">Deny All</button>
<button role="button" data-testid="uc-accept-all-button">Accept All</button>
</div></div>
</div>`;
  }

  const privacyButtonHtml = () => '<button data-testid="uc-privacy-button" aria-label="Open Privacy settings" title="Privacy settings">&#x2699;</button>';

  // --- the UI ------------------------------------------------------------------------------

  let host = null;
  let shadow = null;
  let view = 'NONE';
  let current = { functional: false, marketing: false };

  function mount() {
    const bodyStyle = document.createElement('style');
    bodyStyle.textContent = '.overflowHidden { overflow: hidden !important; }';
    document.head.appendChild(bodyStyle);
    host = document.createElement('div');
    host.id = 'usercentrics-root';
    host.dataset.createdAt = String(Date.now());
    shadow = host.attachShadow({ mode: closed ? 'closed' : 'open' });
    document.body.appendChild(host);
    shadow.addEventListener('click', onClick);
  }

  function render(next, html, locked) {
    const previousView = view;
    view = next;
    shadow.innerHTML = `<style>${STYLE}</style><div data-testid="uc-app-container">${html}</div>`;
    document.body.classList.toggle('overflowHidden', locked);
    window.dispatchEvent(new CustomEvent('UC_UI_VIEW_CHANGED', { detail: { view, previousView } }));
  }

  const showFirstLayer = () => render('FIRST_LAYER', firstLayerHtml(), true);
  const showSecondLayer = () => render('SECOND_LAYER', secondLayerHtml(current), true);
  const showPrivacyButton = () => render('PRIVACY_BUTTON', privacyButtonHtml(), false);

  function onClick(e) {
    const target = e.target.closest('button');
    if (!target) return;
    const source = view;
    switch (target.dataset.testid) {
      case 'uc-accept-all-button': decide('accept-all', { functional: true, marketing: true }, 'onAcceptAllServices', 'ACCEPT_ALL', source); break;
      case 'uc-deny-all-button': decide('reject-all', { functional: false, marketing: false }, 'onDenyAllServices', 'DENY_ALL', source); break;
      case 'uc-save-button': decide('save', readToggles(), 'onUpdateServices', 'SAVE', source); break;
      case 'uc-more-button': case 'uc-privacy-button': showSecondLayer(); break;
      default:
        if (target.getAttribute('role') === 'switch' && target.getAttribute('aria-disabled') !== 'true') {
          target.setAttribute('aria-checked', String(target.getAttribute('aria-checked') !== 'true'));
        }
    }
  }

  function readToggles() {
    const on = (slug) => shadow.querySelector(`[data-testid="uc-toggle-toggle-${slug}"]`)?.getAttribute('aria-checked') === 'true';
    return { functional: on('functional'), marketing: on('marketing') };
  }

  function decide(action, chosen, ucAction, eventType, source) {
    current = chosen;
    writeSettings(chosen, ucAction);
    showPrivacyButton();
    CmpKit.record({
      cmp: 'usercentrics',
      action,
      categories: Object.fromEntries(CATEGORIES.filter((c) => c.ours).map((c) => [c.ours, Boolean(chosen[c.slug])])),
      purposes: null,
      specialFeatures: null,
      tcString: null,
    });
    window.dispatchEvent(new CustomEvent('UC_UI_CMP_EVENT', { detail: { source, type: eventType } }));
  }

  // --- window.UC_UI --------------------------------------------------------------------------

  let initialized = false;
  window.UC_UI = {
    isInitialized: () => initialized,
    acceptAllConsents: () => { decide('accept-all', { functional: true, marketing: true }, 'onAcceptAllServices', 'ACCEPT_ALL', 'NONE'); return Promise.resolve(); },
    denyAllConsents: () => { decide('reject-all', { functional: false, marketing: false }, 'onDenyAllServices', 'DENY_ALL', 'NONE'); return Promise.resolve(); },
    closeCMP: () => { showPrivacyButton(); return Promise.resolve(); },
    showFirstLayer: () => showFirstLayer(),
    showSecondLayer: () => showSecondLayer(),
    areAllConsentsAccepted: () => SERVICES.every((s) => s.category === 'essential' || current[s.category]),
    getServicesBaseInfo: () => SERVICES.map((s) => ({
      id: s.id, name: s.name, categorySlug: s.category, consent: { status: s.category === 'essential' || Boolean(current[s.category]) },
    })),
  };

  // --- start -------------------------------------------------------------------------------

  CmpKit.whenReady(() => {
    const stored = readSettings();
    mount();
    if (stored) {
      current = categoryState(stored);
      showPrivacyButton();
    } else {
      showFirstLayer();
    }
    initialized = true;
    window.dispatchEvent(new Event('UC_UI_INITIALIZED'));
  });
})();
