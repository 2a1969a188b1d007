// Fixture of iubenda's Privacy Controls and Cookie Solution with per-purpose consent (its TCF mode
// off), served from its real path https://cdn.iubenda.com/cs/iubenda_cs.js. The site configures
// it with `_iub.csConfiguration` ({ siteId, cookiePolicyId, lang, perPurposeConsent, banner: … }).
//
// What it reproduces, and from which evidence (iubenda's own iubenda_cs bundle in the code corpus:
// its `purposes-item purpose-item-<id>` component with `label[for=purpose-<id>]` and an
// `input[type=checkbox][name=<id>].style1` in `.iub-toggle-checkbox.purposes-checkbox`, the
// `#iubenda-iframe.iubenda-iframe-visible` preference panel, `#iubenda-iframe-popup`; a saved
// page with iubenda's stylesheet; autoconsent rules/autoconsent/iubenda.json and EVAL_IUBENDA_*;
// Consent-O-Matic rules/iubenda.json; iubenda's documentation on the `_iub_cs-<cookiePolicyId>`
// cookie):
// - The banner `#iubenda-cs-banner[role=alertdialog]` > `.iubenda-cs-container` >
//   `.iubenda-cs-content` > `.iubenda-cs-rationale` with `#iubenda-cs-title`,
//   `#iubenda-cs-paragraph`, and `.iubenda-cs-opt-group` holding
//   `button.iubenda-cs-customize-btn` ("Learn more and customize") and
//   `button.iubenda-cs-reject-btn` / `button.iubenda-cs-accept-btn`. With `backgroundOverlay` the
//   banner also has the `iubenda-cs-overlay` class: it dims the whole page.
// - "Customize" opens `#iubenda-iframe` (a div, despite its name) with the purposes: 1 "Strictly
//   necessary" (no switch), 2 "Basic interactions & functionalities", 3 "Experience enhancement",
//   4 "Measurement", 5 "Targeting & Advertising"; header buttons `.purposes-btn-reject` /
//   `.purposes-btn-accept` (switch all off / on); the footer's `#iubFooterBtn` saves.
// - Consent storage: the `_iub_cs-<cookiePolicyId>` cookie, URL-encoded JSON
//   `{"timestamp":"…","version":"…","purposes":{"1":true,"2":…,"5":…},"id":<siteId>,
//   "cons":{"rand":"…"}}`. With it, no banner; the banner and panel are removed after a choice.
//
// Simplified: no TCF tile, no US laws, no consent database, no "continued browsing" consent;
// English texts; the panel is built at once (no lazy load of the core script).
//
// Categories (iubenda purpose -> ours): 2 -> preferences, 3 -> personalisation and socialMedia
// (experience enhancement covers personalised content and interaction with external networks
// and platforms), 4 -> statistics, 5 -> marketing.
'use strict';

(() => {
  const config = window._iub?.csConfiguration ?? {};
  const bannerConfig = config.banner ?? {};
  const COOKIE = `_iub_cs-${config.cookiePolicyId}`;
  const PURPOSES = {
    1: ['Strictly necessary', 'These trackers are used for activities that are strictly necessary to operate or deliver the service you requested from us and, therefore, do not require you to consent.'],
    2: ['Basic interactions & functionalities', 'These trackers enable basic interactions and functionalities that allow you to access selected features of our service and facilitate your communication with us.'],
    3: ['Experience enhancement', 'These trackers help us to provide a personalized user experience by improving the quality of your preference management options, and by enabling the interaction with external networks and platforms.'],
    4: ['Measurement', 'These trackers help us to measure traffic and analyze your behavior to improve our service.'],
    5: ['Targeting & Advertising', 'These trackers help us to deliver personalized ads or marketing content to you, and to measure their performance.'],
  };
  const OPTIONAL = [2, 3, 4, 5];

  const stored = (() => {
    const raw = CmpKit.readCookie(COOKIE);
    try { return raw && JSON.parse(decodeURIComponent(raw)); } catch { return null; }
  })();
  const chosen = new Set(OPTIONAL.filter((id) => stored?.purposes?.[id]));

  const style = document.createElement('style');
  style.textContent = `
    #iubenda-cs-banner { position: fixed; inset: auto 0 0 0; z-index: 99999998; font: 15px/1.5 -apple-system, Arial, sans-serif; }
    #iubenda-cs-banner.iubenda-cs-overlay { inset: 0; background: rgba(0, 0, 0, .5); display: flex; align-items: flex-end; justify-content: center; }
    #iubenda-cs-banner .iubenda-cs-container { background: #0073ce; color: #fff; padding: 18px 24px; margin: 16px; border-radius: 8px; max-width: 820px; }
    #iubenda-cs-banner .iubenda-cs-opt-group { display: flex; justify-content: space-between; margin-top: 12px; gap: 8px; }
    #iubenda-cs-banner button { border: 0; border-radius: 64px; padding: 8px 16px; font: inherit; font-weight: 700; cursor: pointer; background: rgba(255,255,255,.2); color: #fff; }
    #iubenda-cs-banner .iubenda-cs-btn-primary { background: #fff; color: #0073ce; }
    #iubenda-iframe { position: fixed; inset: 0; z-index: 100000000; background: rgba(0, 0, 0, .8); display: none; align-items: center; justify-content: center; font: 15px/1.5 -apple-system, Arial, sans-serif; }
    #iubenda-iframe.iubenda-iframe-visible { display: flex; }
    #iubenda-iframe-popup { background: #fff; color: #222; width: 640px; max-width: 94vw; max-height: 92vh; overflow: auto; border-radius: 8px; }
    #iubenda-iframe-content { padding: 20px 24px; }
    .purposes-header { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
    .purposes-item { border-top: 1px solid #eee; padding: 8px 0; }
    .purposes-item-header, .purposes-item-title { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
    .purposes-item-body { display: none; } .purposes-item-shown .purposes-item-body { display: block; }
    .purposes-checkbox input { width: 40px; height: 22px; margin: 0; cursor: pointer; }
    .iubenda-iframe-footer { padding: 12px 24px; border-top: 1px solid #eee; text-align: right; }
    .purposes-btn, #iubFooterBtn { border: 0; border-radius: 64px; padding: 8px 16px; font: inherit; font-weight: 700; cursor: pointer; background: #eee; }
    #iubFooterBtn { background: #0073ce; color: #fff; }
  `;

  const banner = document.createElement('div');
  banner.id = 'iubenda-cs-banner';
  banner.className = 'iubenda-cs-default-floating iubenda-cs-bottom iubenda-cs-center iubenda-cs-slidein iubenda-cs-visible' +
    (bannerConfig.backgroundOverlay ? ' iubenda-cs-overlay' : '');
  banner.setAttribute('role', 'alertdialog');
  banner.setAttribute('aria-labelledby', 'iubenda-cs-title');
  banner.setAttribute('aria-describedby', 'iubenda-cs-paragraph');
  const ctl = (cls, text, primary) =>
    `<button class="${cls}${primary ? ' iubenda-cs-btn-primary' : ''}" tabindex="0" role="button" aria-pressed="false">${text}</button>`;
  banner.innerHTML = `
    <div class="iubenda-cs-container">
      <div class="iubenda-cs-content">
        <div class="iubenda-cs-rationale">
          <div class="iubenda-banner-content" role="document">
            <div id="iubenda-cs-title">Notice</div>
            <div id="iubenda-cs-paragraph"><p class="iub-p">We and selected third parties use cookies or similar technologies for
              technical purposes and, with your consent, for experience enhancement, measurement and targeting &amp; advertising
              as specified in the <a href="/privacy-policy/${config.cookiePolicyId}/cookie-policy" class="iubenda-cs-cookie-policy-lnk">cookie policy</a>.
              Denying consent may make related features unavailable.</p></div>
          </div>
          <div class="iubenda-cs-opt-group">
            <div class="iubenda-cs-opt-group-custom">${bannerConfig.customizeButtonDisplay === false ? '' : ctl('iubenda-cs-customize-btn', 'Learn more and customize')}</div>
            <div class="iubenda-cs-opt-group-consent">
              ${bannerConfig.rejectButtonDisplay ? ctl('iubenda-cs-reject-btn', 'Reject', true) : ''}
              ${bannerConfig.acceptButtonDisplay === false ? '' : ctl('iubenda-cs-accept-btn', 'Accept', true)}
            </div>
          </div>
        </div>
      </div>
    </div>`;

  const panel = document.createElement('div');
  panel.id = 'iubenda-iframe';
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-modal', 'true');
  panel.setAttribute('aria-labelledby', 'iub-pmp-title');
  panel.innerHTML = `
    <div id="iubenda-iframe-popup">
      <div id="iubenda-iframe-content" class="iubenda-iframe-content iubenda-iframe-content-purposes">
        <div class="purposes-header">
          <div class="purposes-header-title" id="iub-pmp-title">Your consent preferences</div>
          <div class="purposes-header-right">
            <button class="iub-btn purposes-btn purposes-btn-reject">Reject all</button>
            <button class="iub-btn purposes-btn purposes-btn-accept">Accept all</button>
          </div>
        </div>
        <div class="purposes-section-body purposes-items">${Object.entries(PURPOSES).map(([id, [name, description]]) => `
          <div class="purposes-item purpose-item-${id}">
            <div class="purposes-item-header">
              <div class="purposes-item-title">
                <div><label for="purpose-${id}">${name}</label></div>
                <button class="purposes-item-title-btn" data-str-off="See description" data-str-on="Hide description">See description</button>
              </div>
              <div class="iub-toggle-checkbox purposes-checkbox">
                <input type="checkbox" class="style1" name="${id}" id="purpose-${id}"${id === '1' ? ' checked disabled' : ''}>
              </div>
            </div>
            <div class="purposes-item-body">${description}</div>
          </div>`).join('')}
        </div>
      </div>
      <div class="iubenda-iframe-footer">
        <div id="iubFooterBtnContainer"><button id="iubFooterBtn" class="iubenda-cs-btn-primary">Save and continue</button></div>
      </div>
    </div>`;

  const boxes = () => OPTIONAL.map((id) => panel.querySelector(`input[name="${id}"]`));
  const paint = () => { for (const b of boxes()) b.checked = chosen.has(Number(b.name)); };

  function save(action) {
    const purposes = { 1: true };
    for (const id of OPTIONAL) purposes[id] = chosen.has(id);
    const value = {
      timestamp: new Date().toISOString(), version: '1.67.1', purposes,
      id: config.siteId, cons: { rand: '7f3a9c' },
    };
    CmpKit.cookie(COOKIE, encodeURIComponent(JSON.stringify(value)));
    banner.remove();
    panel.remove();
    CmpKit.record({
      cmp: 'iubenda', action,
      categories: {
        preferences: chosen.has(2), personalisation: chosen.has(3), socialMedia: chosen.has(3),
        statistics: chosen.has(4), marketing: chosen.has(5),
      },
      purposes: null, specialFeatures: null, tcString: null,
    });
  }

  banner.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.matches('.iubenda-cs-accept-btn')) { for (const id of OPTIONAL) chosen.add(id); save('accept-all'); }
    else if (b.matches('.iubenda-cs-reject-btn')) { chosen.clear(); save('reject-all'); }
    else if (b.matches('.iubenda-cs-customize-btn')) { paint(); panel.classList.add('iubenda-iframe-visible'); }
  });
  panel.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.matches('.purposes-btn-reject')) { chosen.clear(); paint(); }
    else if (b.matches('.purposes-btn-accept')) { for (const id of OPTIONAL) chosen.add(id); paint(); }
    else if (b.id === 'iubFooterBtn') save('save');
    else if (b.matches('.purposes-item-title-btn')) {
      const item = b.closest('.purposes-item');
      item.classList.toggle('purposes-item-shown');
      b.textContent = item.classList.contains('purposes-item-shown') ? b.dataset.strOn : b.dataset.strOff;
    }
  });
  panel.addEventListener('change', (e) => {
    const id = Number(e.target.name);
    if (!OPTIONAL.includes(id)) return;
    if (e.target.checked) chosen.add(id); else chosen.delete(id);
  });

  window._iub = Object.assign(window._iub ?? [], { cs: { api: { isConsentGiven: () => Boolean(CmpKit.readCookie(COOKIE)) } } });

  CmpKit.whenReady(() => {
    document.head.append(style);
    if (stored) return;
    document.body.append(banner, panel);
  });
})();
