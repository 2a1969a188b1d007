// Fixture of Axeptio's consent widget (its cookie "steps" flavour; Axeptio's TCF flavour is not
// reproduced), served from its real path https://static.axept.io/sdk.js. The site sets
// `window.axeptioSettings = { clientId, cookiesVersion }` and loads the SDK with Axeptio's
// async snippet.
//
// What it reproduces, and from which evidence (autoconsent rules/autoconsent/axeptio.json and its
// `axeptio_authorized_vendors=%2C%2C` self-test; janmoesen/bookmarklets nocookie.js, which handles
// Axeptio with and without its shadow DOM; Cypress and Playwright helpers of real sites in the
// code corpus):
// - `div#axeptio_overlay.axeptio_mount` > `div.needsclick`, the host of an OPEN shadow root that
//   holds the whole widget: `.axeptio_widget` (while open the host page can tell by
//   `.axeptio-widget--open`), first step with `button#axeptio_btn_dismiss` ("No thanks", refuse
//   all), `button#axeptio_btn_configure` ("I choose") and `button#axeptio_btn_acceptAll`
//   ("OK for me").
// - "I choose" walks through one step per group of vendors, each with `#axeptio_btn_prev`,
//   `#axeptio_btn_acceptAllAndNext` and `#axeptio_btn_next` ("Next", on the last step "Done").
//   A vendor is a `.ListSwitch__Item` with its name in `.ListSwitch__Vendor`; its switch is shown
//   by two nested `[role=checkbox][aria-checked]` elements that mirror each other, and the click
//   handler is on the `.ListSwitch__Vendor` row, not on them (the bookmarklet's comments).
//   Vendors start off.
// - Consent storage: cookies `axeptio_cookies` (URL-encoded JSON: `$$token`, `$$date`,
//   `$$cookiesVersion`, `$$completed` and one boolean per vendor), `axeptio_authorized_vendors`
//   and `axeptio_all_vendors` (URL-encoded `,vendor,vendor,`; nothing authorized is `%2C%2C`).
//   With them, no widget; afterwards only the small `#axeptio_main_button` stays in the shadow
//   root, to reopen the widget.
//
// Simplified: vendors, steps and texts are fixed here (the real ones come from the project's
// configuration, `cookiesVersion`); no animation; no consent proof sent to Axeptio.
//
// Categories (Axeptio step -> ours): "Audience measurement" (google_analytics, hotjar) ->
// statistics, "Advertising" (facebook_pixel, google_ads) -> marketing. A category is accepted
// when every vendor in it is.
'use strict';

(() => {
  const settings = window.axeptioSettings ?? {};
  const STEPS = [
    { title: 'Audience measurement', category: 'statistics', vendors: [['google_analytics', 'Google Analytics'], ['hotjar', 'Hotjar']] },
    { title: 'Advertising', category: 'marketing', vendors: [['facebook_pixel', 'Facebook Pixel'], ['google_ads', 'Google Ads']] },
  ];
  const VENDORS = STEPS.flatMap((s) => s.vendors.map(([id]) => id));
  const read = (name) => { const v = CmpKit.readCookie(name); return v === null ? null : decodeURIComponent(v); };
  const stored = (() => { try { return JSON.parse(read('axeptio_cookies') ?? 'null'); } catch { return null; } })();
  const chosen = new Set(VENDORS.filter((v) => stored?.[v]));

  const mount = document.createElement('div');
  mount.id = 'axeptio_overlay';
  mount.className = 'axeptio_mount';
  const host = mount.appendChild(document.createElement('div'));
  host.className = 'needsclick';
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.innerHTML = `<style>
    :host { all: initial; font: 15px/1.5 Arial, sans-serif; }
    .axeptio_widget { position: fixed; left: 20px; bottom: 20px; z-index: 2147483647; width: 380px; max-width: 92vw;
      background: #fff; color: #222; border-radius: 12px; box-shadow: 0 4px 24px rgba(0,0,0,.3); padding: 18px 20px; }
    .ButtonGroup { display: flex; gap: 8px; margin-top: 12px; flex-wrap: wrap; }
    button { border: 0; border-radius: 20px; padding: 8px 14px; font: inherit; cursor: pointer; background: #eee; }
    #axeptio_btn_acceptAll, #axeptio_btn_next { background: #ffcb05; font-weight: 700; }
    .ListSwitch__Item { border-top: 1px solid #eee; }
    .ListSwitch__Vendor { display: flex; justify-content: space-between; align-items: center; padding: 8px 0; cursor: pointer; }
    .Switch { width: 40px; height: 22px; border-radius: 11px; background: #bbb; position: relative; }
    .Switch[aria-checked="true"] { background: #00b66e; }
    .Switch__Knob { position: absolute; top: 3px; left: 3px; width: 16px; height: 16px; border-radius: 50%; background: #fff; }
    .Switch[aria-checked="true"] .Switch__Knob { left: 21px; }
    #axeptio_main_button { position: fixed; left: 16px; bottom: 16px; width: 44px; height: 44px; border-radius: 50%; background: #ffcb05; }
  </style><div class="axeptio_root"></div>`;
  const view = shadow.querySelector('.axeptio_root');

  const welcome = () => `
    <div class="axeptio_widget axeptio_container" role="dialog" aria-modal="false" aria-labelledby="axeptio_main_title">
      <h2 id="axeptio_main_title">Cookies? It's you who decide.</h2>
      <p>We use cookies to measure our audience and to show you ads that match your interests. Choose what you accept.</p>
      <div class="ButtonGroup">
        <button id="axeptio_btn_dismiss" class="ax-discardButton" type="button">No thanks</button>
        <button id="axeptio_btn_configure" type="button">I choose</button>
        <button id="axeptio_btn_acceptAll" type="button">OK for me</button>
      </div>
    </div>`;

  const step = (i) => {
    const s = STEPS[i];
    const last = i === STEPS.length - 1;
    return `
      <div class="axeptio_widget axeptio_container" role="dialog" aria-modal="false" aria-labelledby="axeptio_step_title">
        <h2 id="axeptio_step_title">${s.title}</h2>
        <div class="ListSwitch">${s.vendors.map(([id, name]) => `
          <div class="ListSwitch__Item" data-vendor="${id}">
            <div class="ListSwitch__Vendor" tabindex="0">
              <span class="ListSwitch__VendorName">${name}</span>
              <div class="Switch" role="checkbox" aria-checked="${chosen.has(id)}" aria-label="${name}">
                <div class="Switch__Knob" role="checkbox" aria-checked="${chosen.has(id)}" aria-hidden="true"></div>
              </div>
            </div>
          </div>`).join('')}
        </div>
        <div class="ButtonGroup">
          <button id="axeptio_btn_prev" type="button">Back</button>
          <button id="axeptio_btn_acceptAllAndNext" type="button">Accept all</button>
          <button id="axeptio_btn_next" type="button">${last ? 'Done' : 'Next'}</button>
        </div>
      </div>`;
  };

  let at = null; // null: welcome; 0…: a settings step
  const show = (html) => {
    view.innerHTML = html;
    mount.classList.toggle('axeptio-widget--open', Boolean(view.querySelector('.axeptio_widget')));
  };

  function save(action) {
    const all = `,${VENDORS.join(',')},`;
    const authorized = `,${VENDORS.filter((v) => chosen.has(v)).join(',')},`;
    const value = {
      $$token: 'fixture5axeptio0000token', $$date: new Date().toISOString(),
      $$cookiesVersion: { name: settings.cookiesVersion ?? 'default', identifier: '64f0c0de5ab1e00012345678' },
      ...Object.fromEntries(VENDORS.map((v) => [v, chosen.has(v)])),
      $$completed: true,
    };
    CmpKit.cookie('axeptio_cookies', encodeURIComponent(JSON.stringify(value)));
    CmpKit.cookie('axeptio_authorized_vendors', encodeURIComponent(authorized));
    CmpKit.cookie('axeptio_all_vendors', encodeURIComponent(all));
    show('<button id="axeptio_main_button" type="button" aria-label="Manage cookies"></button>');
    CmpKit.record({
      cmp: 'axeptio', action,
      categories: Object.fromEntries(STEPS.map((s) => [s.category, s.vendors.every(([id]) => chosen.has(id))])),
      purposes: null, specialFeatures: null, tcString: null,
    });
  }

  shadow.addEventListener('click', (e) => {
    const vendor = e.target.closest('.ListSwitch__Vendor');
    if (vendor) {
      const item = vendor.closest('.ListSwitch__Item');
      const id = item.dataset.vendor;
      if (chosen.has(id)) chosen.delete(id); else chosen.add(id);
      for (const c of item.querySelectorAll('[role=checkbox]')) c.setAttribute('aria-checked', String(chosen.has(id)));
      return;
    }
    const b = e.target.closest('button');
    if (!b) return;
    if (b.id === 'axeptio_btn_acceptAll') { for (const v of VENDORS) chosen.add(v); save('accept-all'); }
    else if (b.id === 'axeptio_btn_dismiss') { chosen.clear(); save('reject-all'); }
    else if (b.id === 'axeptio_btn_configure') { at = 0; show(step(at)); }
    else if (b.id === 'axeptio_btn_prev') { at = at > 0 ? at - 1 : null; show(at === null ? welcome() : step(at)); }
    else if (b.id === 'axeptio_btn_acceptAllAndNext' || b.id === 'axeptio_btn_next') {
      if (b.id === 'axeptio_btn_acceptAllAndNext') for (const [v] of STEPS[at].vendors) chosen.add(v);
      if (at < STEPS.length - 1) { at += 1; show(step(at)); } else save('save');
    } else if (b.id === 'axeptio_main_button') { at = null; show(welcome()); }
  });

  window.axeptioSDK = { version: 'fixture', openCookies() { at = null; show(welcome()); } };

  CmpKit.whenReady(() => {
    document.body.append(mount);
    if (stored?.$$completed) show('<button id="axeptio_main_button" type="button" aria-label="Manage cookies"></button>');
    else show(welcome());
  });
})();
