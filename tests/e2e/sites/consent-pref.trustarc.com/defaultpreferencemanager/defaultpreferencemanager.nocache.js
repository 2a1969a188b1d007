// Fixture of TrustArc's preference manager ("gdpr" layout), the document of the cross-origin iframe
// `iframe.truste_popframe` on consent-pref.trustarc.com. Its real counterpart is a GWT application
// (module "defaultpreferencemanager", hence this file's name).
//
// What it reproduces, and from where:
// - `#defaultpreferencemanager.gdpr` > `.mainContent[aria-hidden=false][role=dialog]` with
//   `.pdynamicbutton` links (GWT anchors with role=button): `.required` ("Required Cookies Only"),
//   `.shp` ("More Information", which reveals the settings), `.call` ("Accept All"); the settings
//   panel `.prefPanel` (hidden by an inline `visibility: hidden` until `.shp`, then
//   `style="visibility: visible;"`) with one `div[role=group].cookiecat` per category, its name in
//   `.gwt-InlineHTML` and its switch `.switch` of two `span[role=option]`, `span.off` then `span.on`,
//   the chosen one with class `active`; `.submit` ("Submit Preferences"); after any choice the main
//   content is hidden and `a#gwt-debug-close_id.close` closes the frame. Sources: autoconsent
//   lib/cmps/trustarc-frame.ts (`#defaultpreferencemanager`, `.mainContent[aria-hidden=false]`,
//   `.prefPanel[style="visibility: visible;"]`, `.shp`, `.advance`, `.required`, `.call`, `.submit`,
//   `.switch span:nth-child(1|2)`, `#gwt-debug-close_id`), Consent-O-Matic rules/trustarc_frame*.json
//   (`.pdynamicbutton .shp`, `.cookiecat`, `.gwt-InlineHTML`, `.switch span.on|off[role=option]`,
//   `.active`), the reference's §6 TrustArc row (`.prefPanel > div[role~=group]`) and public scripts
//   that click `.mainContent .pdynamicbutton .required` and `a.close#gwt-debug-close_id`.
// - Messages to the notice script in the top page (window.parent.postMessage, JSON strings, as
//   notice.js v1.7 expects them): `{"source":"preference_manager","message":"submit_preferences",
//   "data":"0,1"}` with the chosen levels (0 Required, 1 Functional, 2 Advertising), and
//   `{"source":"preference_manager","message":"remove_iframe"}` from "Close". `fixtureAction` is the
//   fixture's own field (which button was used), for the record the top page keeps.
//
// Categories: this frame only reports TrustArc's levels; the notice script maps them (1 Functional
// → preferences + statistics, 2 Advertising → marketing) and writes the storage.
//
// Simplified: English only, three categories in TrustArc's default order, no vendor/tracker lists,
// no "advanced" view (`.advance`), no GPC or "behavior" handling.
'use strict';

(() => {
  const TOP_ORIGIN = '*'; // the embedding publisher; TrustArc posts to the page it was opened from
  const CATEGORIES = [
    { level: 0, name: 'Required Cookies', required: true,
      text: 'These cookies are required to enable core site functionality and cannot be turned off.' },
    { level: 1, name: 'Functional Cookies',
      text: 'These cookies allow us to analyze site usage so we can measure and improve performance, and remember your settings.' },
    { level: 2, name: 'Advertising Cookies',
      text: 'These cookies are used by advertising companies to serve ads that are relevant to your interests.' },
  ];

  const CSS = `
    body { margin: 0; font: 14px/1.5 Arial, sans-serif; color: #222; }
    .mainContent { padding: 20px 24px; }
    .mainContent[aria-hidden="true"] { display: none; }
    .pdynamicbutton { display: flex; gap: 8px; margin: 12px 0; flex-wrap: wrap; }
    .pdynamicbutton a { display: inline-block; border: 1px solid #0f5d8a; border-radius: 3px; padding: 8px 14px;
      color: #0f5d8a; cursor: pointer; user-select: none; }
    .pdynamicbutton a.call, .pdynamicbutton a.submit { background: #0f5d8a; color: #fff; }
    .cookiecat { border-top: 1px solid #ddd; padding: 8px 0; display: flex; justify-content: space-between;
      align-items: center; gap: 12px; }
    .gwt-InlineHTML { font-weight: 700; }
    .catDesc { font-size: 12px; color: #555; }
    .switch { display: inline-flex; border: 1px solid #0f5d8a; border-radius: 3px; overflow: hidden; flex-shrink: 0; }
    .switch span { padding: 4px 10px; cursor: pointer; }
    .switch span.active { background: #0f5d8a; color: #fff; }
    .alwaysActive { color: #0f5d8a; font-weight: 700; flex-shrink: 0; }
    .closeContainer { padding: 40px 24px; text-align: center; }
    .closeContainer a.close { display: inline-block; border: 1px solid #0f5d8a; padding: 8px 18px; cursor: pointer; }
  `;

  const link = (cls, label) => `<a class="${cls}" role="button" tabindex="0">${label}</a>`;

  const categoryMarkup = (c) => `
    <div role="group" class="cookiecat" aria-label="${c.name}" data-level="${c.level}">
      <div>
        <div class="gwt-InlineHTML">${c.name}</div>
        <div class="catDesc">${c.text}</div>
      </div>
      ${c.required ? '<div class="alwaysActive">Always Active</div>' : `
      <div class="switch" role="listbox" aria-label="${c.name}">
        <span class="off active" role="option" tabindex="0" aria-selected="true">Off</span>
        <span class="on" role="option" tabindex="0" aria-selected="false">On</span>
      </div>`}
    </div>`;

  function post(message) {
    window.parent.postMessage(JSON.stringify({ source: 'preference_manager', ...message }), TOP_ORIGIN);
  }

  function start() {
    const style = document.createElement('style');
    style.textContent = CSS;
    document.head.appendChild(style);
    const root = document.getElementById('defaultpreferencemanager');
    root.innerHTML = `
      <div class="mainContent" aria-hidden="false" role="dialog" aria-labelledby="pm-title">
        <h1 id="pm-title" class="title">Cookie Preferences</h1>
        <div class="description">When you visit any website, it may store or retrieve information on your browser,
        mostly in the form of cookies. Choose which categories of cookies to allow below.</div>
        <div class="pdynamicbutton">
          ${link('required', 'Required Cookies Only')}${link('shp', 'More Information')}${link('call', 'Accept All')}
        </div>
        <div class="prefPanel" style="visibility: hidden;">
          ${CATEGORIES.map(categoryMarkup).join('')}
          <div class="pdynamicbutton">${link('submit', 'Submit Preferences')}</div>
        </div>
      </div>
      <div class="closeContainer" style="display: none;">
        <p>Your preferences have been saved.</p>
        <a id="gwt-debug-close_id" class="close" role="button" tabindex="0">Close</a>
      </div>`;

    const finish = (levels, fixtureAction) => {
      post({ message: 'submit_preferences', data: levels.join(','), fixtureAction });
      root.querySelector('.mainContent').setAttribute('aria-hidden', 'true');
      root.querySelector('.closeContainer').style.display = 'block';
    };

    root.addEventListener('click', (e) => {
      const target = e.target.closest('a, span[role=option]');
      if (!target) return;
      if (target.matches('span[role=option]')) {
        for (const option of target.parentElement.children) {
          const on = option === target;
          option.classList.toggle('active', on);
          option.setAttribute('aria-selected', String(on));
        }
      } else if (target.classList.contains('required')) {
        finish([0], 'reject-all');
      } else if (target.classList.contains('call')) {
        finish(CATEGORIES.map((c) => c.level), 'accept-all');
      } else if (target.classList.contains('shp')) {
        root.querySelector('.prefPanel').setAttribute('style', 'visibility: visible;');
      } else if (target.classList.contains('submit')) {
        const levels = CATEGORIES.filter((c) => c.required
          || root.querySelector(`[data-level="${c.level}"] .switch span.on`).classList.contains('active')).map((c) => c.level);
        finish(levels, 'save');
      } else if (target.id === 'gwt-debug-close_id') {
        post({ message: 'remove_iframe' });
      }
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
  else start();
})();
