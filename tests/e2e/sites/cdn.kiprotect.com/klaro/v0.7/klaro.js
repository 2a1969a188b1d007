// Fixture of Klaro! 0.7 (KIProtect's open-source consent manager; not a TCF CMP), served from
// its real CDN path https://cdn.kiprotect.com/klaro/v0.7/klaro.js. The site configures it with a
// global `klaroConfig` (the script's `data-config` attribute names it).
//
// What it reproduces, and from which evidence (klaro-org/klaro-js src/components/
// consent-notice.jsx, consent-modal.jsx, purposes.jsx, purpose-item.jsx, consent-manager.js;
// autoconsent lib/cmps/klaro.ts and its EVAL_KLARO_* snippets):
// - `#klaro` (config.elementID) > `.klaro` holds either the notice
//   `div#klaro-cookie-notice.cookie-notice[role=dialog]` > `.cn-body` > `.cn-ok` with
//   `a.cm-link.cn-learn-more` ("Let me choose") and `.cn-buttons` with
//   `button.cm-btn.cm-btn-danger.cn-decline` and `button.cm-btn.cm-btn-success` (accept all when
//   `acceptAll` is set), or the modal `#cookieScreen.cookie-modal` > `.cm-bg` + `.cm-modal.cm-klaro`
//   with `ul.cm-purposes` > `li.cm-purpose` > `input#purpose-item-<purpose>.cm-list-input`
//   (+ `required` / `only-required` / `half-checked` classes computed as Klaro does) and its
//   `label.cm-list-label`, the "toggle all" item `li.cm-purpose.cm-toggle-all` >
//   `#purpose-item-disableAll`, and the footer buttons `.cm-btn-decline.cn-decline`,
//   `.cm-btn-accept` ("Accept selected") and `.cm-btn-accept-all`.
// - From the modal, "accept all" and "decline" show the confirmation for 800 ms before the modal
//   goes (consent-notice.jsx executeButtonClicked).
// - Consent storage: the `klaro` cookie (config.cookieName), the URL-encoded JSON of
//   `{ <service name>: true|false }` (EVAL_KLARO_1 decodes it so). With it, no notice.
// - `window.klaro` with `show()` and `getManager()` (changeAll, saveAndApplyConsents, consents).
//
// Simplified: no translations but English; no per-service list under a purpose; no contextual
// consent notices; no script blocking; the notice is never shown as a modal (`noticeAsModal`).
//
// Categories (Klaro purpose -> our category): analytics -> statistics, marketing and
// advertising -> marketing, functional (required) -> none.
'use strict';

(() => {
  const CATEGORY = { analytics: 'statistics', marketing: 'marketing', advertising: 'marketing' };
  const TITLES = { analytics: 'Analytics', marketing: 'Marketing', advertising: 'Advertising', functional: 'Essential' };
  const config = window[document.currentScript?.dataset.config ?? 'klaroConfig'] ?? window.klaroConfig;
  const services = config.services ?? config.apps ?? [];
  const cookieName = config.cookieName ?? config.storageName ?? 'klaro';

  const stored = (() => {
    const raw = CmpKit.readCookie(cookieName);
    try { return raw && JSON.parse(decodeURIComponent(raw)); } catch { return null; }
  })();
  const consents = Object.fromEntries(services.map((s) => [s.name, stored?.[s.name] ?? Boolean(s.required || (s.default ?? config.default))]));
  let confirmed = Boolean(stored);

  const purposes = {};
  for (const s of services) for (const p of s.purposes ?? []) (purposes[p] ??= []).push(s);
  const togglable = Object.keys(purposes).filter((p) => purposes[p].some((s) => !s.required));

  const manager = {
    get consents() { return { ...consents }; },
    get confirmed() { return confirmed; },
    updateConsent(name, value) { consents[name] = value; },
    changeAll(value) {
      let changed = 0;
      for (const s of services) {
        const v = s.required ? true : value;
        if (consents[s.name] !== v) changed++;
        consents[s.name] = v;
      }
      return changed;
    },
    saveAndApplyConsents(eventType = 'save') {
      const days = config.cookieExpiresAfterDays ?? 120;
      CmpKit.cookie(cookieName, encodeURIComponent(JSON.stringify(consents)), { days });
      confirmed = true;
      const categories = {};
      for (const p of togglable) {
        const category = CATEGORY[p];
        if (!category) continue;
        const on = purposes[p].filter((s) => !s.required).every((s) => consents[s.name]);
        categories[category] = (categories[category] ?? true) && on;
      }
      const action = { accept: 'accept-all', decline: 'reject-all', save: 'save' }[eventType];
      CmpKit.record({ cmp: 'klaro', action, categories, purposes: null, specialFeatures: null, tcString: null });
    },
  };

  let root;
  const el = (html) => {
    const t = document.createElement('template');
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  };

  function status(list) {
    const s = { allEnabled: true, onlyRequiredEnabled: true, allDisabled: true, allRequired: true };
    for (const app of list) {
      if (!app.required) s.allRequired = false;
      if (consents[app.name]) {
        if (!app.required) s.onlyRequiredEnabled = false;
        s.allDisabled = false;
      } else if (!app.required) s.allEnabled = false;
    }
    if (s.allDisabled) s.onlyRequiredEnabled = false;
    return s;
  }

  // purpose-item.jsx: the input's classes and checked state.
  function paintInput(input, list) {
    const s = status(list);
    input.className = 'cm-list-input' + (s.allRequired ? ' required' : '') +
      (!s.allEnabled ? (s.onlyRequiredEnabled ? ' only-required' : ' half-checked') : '');
    input.disabled = s.allRequired;
    input.checked = s.allEnabled || (!s.allDisabled && !s.onlyRequiredEnabled);
  }

  function purposeItem(name, title, description, extraClass = '') {
    const id = `purpose-item-${name}`;
    return `
      <li class="cm-purpose${extraClass}">
        <input id="${id}" class="cm-list-input" aria-describedby="${id}-description" type="checkbox">
        <label for="${id}" class="cm-list-label">
          <span class="cm-list-title">${title}</span>
          <span class="cm-switch"><div class="slider round active"></div></span>
        </label>
        <div id="${id}-description"><p class="cm-list-description">${description}</p></div>
      </li>`;
  }

  function paintModal() {
    for (const p of Object.keys(purposes)) paintInput(root.querySelector(`#purpose-item-${p}`), purposes[p]);
    const all = root.querySelector('#purpose-item-disableAll');
    if (all) paintInput(all, services);
  }

  function hide() {
    root.replaceChildren();
  }

  function execute(setAll, value, eventType, fromModal) {
    const changed = setAll ? manager.changeAll(value) : 0;
    const wasConfirmed = confirmed;
    manager.saveAndApplyConsents(eventType);
    if (setAll && !wasConfirmed && fromModal && changed > 0) {
      for (const b of root.querySelectorAll('.cm-footer button')) b.disabled = true;
      setTimeout(hide, 800);
    } else hide();
  }

  function showNotice() {
    const purposeText = togglable.map((p) => TITLES[p] ?? p).join(' & ');
    root.replaceChildren(el(`
      <div role="dialog" aria-describedby="id-cookie-notice" aria-labelledby="id-cookie-title" id="klaro-cookie-notice" tabindex="0" class="cookie-notice">
        <div class="cn-body">
          <p id="id-cookie-notice">Hi! Could we please enable some additional services for <strong>${purposeText}</strong>?
            You can always change or withdraw your consent later.</p>
          <div class="cn-ok">
            <a class="cm-link cn-learn-more" href="#">Let me choose</a>
            <div class="cn-buttons">
              ${config.hideDeclineAll ? '' : '<button class="cm-btn cm-btn-danger cn-decline" type="button">I decline</button>'}
              <button class="cm-btn cm-btn-success" type="button">That's ok</button>
            </div>
          </div>
        </div>
      </div>`));
    const notice = root.firstElementChild;
    notice.querySelector('.cn-learn-more').addEventListener('click', (e) => { e.preventDefault(); showModal(); });
    notice.querySelector('.cn-decline')?.addEventListener('click', () => execute(true, false, 'decline', false));
    notice.querySelector('.cm-btn-success').addEventListener('click', () =>
      (config.acceptAll ? execute(true, true, 'accept', false) : execute(false, false, 'save', false)));
  }

  function showModal() {
    const items = Object.keys(purposes).map((p) => purposeItem(p, TITLES[p] ?? p, `Services used for ${TITLES[p] ?? p}.`));
    if (togglable.length > 1) items.push(purposeItem('disableAll', 'Enable or disable all services', 'Use this switch to enable or disable all services.', ' cm-toggle-all'));
    root.replaceChildren(el(`
      <div id="cookieScreen" class="cookie-modal">
        <div class="cm-bg"></div>
        <div class="cm-modal cm-klaro">
          <div class="cm-header">
            ${config.mustConsent ? '' : '<button title="Close" aria-label="Close" class="hide" type="button">×</button>'}
            <h1 class="title">Services we would like to use</h1>
            <p>Here you can see and customize the information that we collect about you.</p>
          </div>
          <div class="cm-body"><ul class="cm-purposes">${items.join('')}</ul></div>
          <div class="cm-footer">
            <div class="cm-footer-buttons">
              ${config.hideDeclineAll || confirmed ? '' : '<button class="cm-btn cm-btn-decline cm-btn-danger cn-decline" type="button">I decline</button>'}
              <button class="cm-btn cm-btn-success cm-btn-info cm-btn-accept" type="button">${confirmed ? 'Save' : 'Accept selected'}</button>
              ${config.acceptAll && !confirmed ? '<button class="cm-btn cm-btn-success cm-btn-accept-all" type="button">Accept all</button>' : ''}
            </div>
            <p class="cm-powered-by"><a target="_blank" href="https://kiprotect.com/klaro" rel="noopener">Realized with Klaro!</a></p>
          </div>
        </div>
      </div>`));
    const modal = root.firstElementChild;
    paintModal();
    modal.addEventListener('change', (e) => {
      const input = e.target.closest('.cm-list-input');
      if (!input) return;
      const name = input.id.replace('purpose-item-', '');
      const list = name === 'disableAll' ? services : purposes[name];
      for (const s of list) if (!s.required) manager.updateConsent(s.name, input.checked);
      paintModal();
    });
    const close = () => (confirmed ? hide() : showNotice());
    modal.querySelector('.cm-bg').addEventListener('click', close);
    modal.querySelector('.hide')?.addEventListener('click', close);
    modal.querySelector('.cn-decline')?.addEventListener('click', () => execute(true, false, 'decline', true));
    modal.querySelector('.cm-btn-accept').addEventListener('click', () => execute(false, false, 'save', true));
    modal.querySelector('.cm-btn-accept-all')?.addEventListener('click', () => execute(true, true, 'accept', true));
  }

  window.klaro = {
    show() { showModal(); return false; },
    getManager() { return manager; },
    version() { return 'v0.7.18-fixture'; },
  };

  CmpKit.whenReady(() => {
    const id = config.elementID ?? 'klaro';
    const host = document.getElementById(id) ?? document.body.appendChild(Object.assign(document.createElement('div'), { id }));
    root = host.appendChild(Object.assign(document.createElement('div'), { className: 'klaro' }));
    const style = document.createElement('style');
    style.textContent = `
      .klaro .cookie-notice { position: fixed; right: 20px; bottom: 20px; z-index: 999; width: 400px; max-width: 90vw;
        background: #333; color: #fff; border-radius: 4px; font: 14px/1.5 Arial, sans-serif; box-shadow: 0 4px 6px rgba(0,0,0,.3); }
      .klaro .cookie-notice .cn-body { padding: 12px 16px; }
      .klaro .cn-ok { display: flex; justify-content: space-between; align-items: center; }
      .klaro .cm-link { color: #1a936f; }
      .klaro .cm-btn { border: 0; border-radius: 4px; padding: 6px 12px; margin-left: 6px; color: #fff; background: #555; cursor: pointer; font: inherit; }
      .klaro .cm-btn-success { background: #1a936f; } .klaro .cm-btn-danger { background: #c0392b; } .klaro .cm-btn-info { background: #2581c4; }
      .klaro .cookie-modal { position: fixed; inset: 0; z-index: 1000; font: 14px/1.5 Arial, sans-serif; }
      .klaro .cm-bg { position: fixed; inset: 0; background: rgba(0,0,0,.5); }
      .klaro .cm-modal { position: relative; z-index: 1001; margin: 5vh auto; width: 640px; max-width: 94vw; background: #333; color: #fff; border-radius: 4px; padding: 16px; }
      .klaro .cm-purposes { list-style: none; padding: 0; }
      .klaro .cm-purpose { position: relative; padding: 6px 0 6px 60px; min-height: 30px; }
      .klaro .cm-list-input { position: absolute; top: 6px; left: 0; opacity: 0; width: 50px; height: 30px; margin: 0; cursor: pointer; }
      .klaro .cm-switch { position: absolute; top: 6px; left: 0; width: 50px; height: 30px; }
      .klaro .slider { position: absolute; inset: 0; background: #555; border-radius: 30px; pointer-events: none; }
      .klaro .cm-list-input:checked + .cm-list-label .slider { background: #1a936f; }
      .klaro .cm-list-input.half-checked:checked + .cm-list-label .slider { background: #2581c4; }
      .klaro .cm-footer-buttons { display: flex; justify-content: flex-end; }
    `;
    document.head.append(style);
    if (!confirmed && !config.noNotice) (config.mustConsent ? showModal() : showNotice());
  });
})();
