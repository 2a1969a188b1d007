// Cookiebot's uc.js, for the consent-dialog fixtures. Sites embed it first in <head>:
//   <script id="Cookiebot" src="https://consent.cookiebot.com/uc.js"
//           data-cbid="3f6d2a9c-8e41-4b7a-b5c0-7d1e9f2a4c63" data-blockingmode="auto"></script>
//
// What it reproduces of the real Cookiebot ("Swift" popup template), and from where:
// - the markup: `#CybotCookiebotDialog` (role dialog, classes `CybotEdge` and, while shown,
//   `CybotCookiebotDialogActive`, inline display flex) with the tab nav
//   (`#CybotCookiebotDialogNavDeclaration` "Consent", `#CybotCookiebotDialogNavDetails`
//   "Details", `#CybotCookiebotDialogNavAbout`), the consent tab `#CybotCookiebotDialogBody`
//   holding the first-layer level checkboxes `#CybotCookiebotDialogBodyLevelButton{Necessary,
//   Preferences,Statistics,Marketing}` (in `#CybotCookiebotDialogBodyLevelWrapper`, hidden in
//   this template), the details tab with the same switches as
//   `#CybotCookiebotDialogBodyLevelButton…Inline`, and the footer buttons
//   `#CybotCookiebotDialogBodyButtonDecline` "Deny",
//   `#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection` "Allow selection" (shown
//   once the details are open), `#CybotCookiebotDialogBodyLevelButtonCustomize` "Customize",
//   `#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll` "Allow all"; the underlay
//   `#CybotCookiebotDialogBodyUnderlay`. Ids from /work/shared/reference/consent-tools.md §6,
//   Consent-O-Matic rules/cookiebot.json, autoconsent lib/cmps/cookiebot.ts, and public
//   Selenium/Playwright scripts written against live Cookiebot sites (Customize → the …Inline
//   switches in the details tab → Allow selection; the Necessary switch checked and disabled).
// - the behaviour: Customize opens the details tab; first-layer and inline switches stay in
//   step; after any choice the dialog stays in the DOM with display none and without
//   `CybotCookiebotDialogActive`, and the underlay goes; a returning visitor gets no dialog.
// - the storage: the `CookieConsent` cookie as Cookiebot writes it,
//   `{stamp:%27…%27%2Cnecessary:true%2Cpreferences:false%2Cstatistics:true%2Cmarketing:false%2C
//   method:%27explicit%27%2Cver:1%2Cutc:…%2Cregion:%27de%27}`; `window.Cookiebot` (also
//   `window.CookieConsent`) with `consent`, `consented`, `declined`, `hasResponse`, `show()`,
//   `hide()`, `renew()`, `withdraw()`, `submitCustomConsent()`; the window events
//   `CookiebotOnDialogInit`, `CookiebotOnDialogDisplay`, `CookiebotOnAccept`,
//   `CookiebotOnDecline`, `CookiebotOnConsentReady`, `CookiebotOnLoad`.
// Simplified: no cookie declaration tables, no About text, no auto-blocking of scripts, no IAB
// TCF mode, one language; the stamp and consent id are constants (real ones are random).
//
// Cookiebot's categories and ours (src/policy/purpose.rs), as recorded with CmpKit.record():
//   necessary   → (strictly necessary: always on, not recorded)
//   preferences → preferences
//   statistics  → statistics
//   marketing   → marketing
// Not a TCF CMP here: `purposes`, `specialFeatures` and `tcString` are recorded as null.
'use strict';

(() => {
  const STAMP = 'Fx2Wq7n8ZB0b3t6cK1mYpR4sV9dHjL5aE8uT0oXzNcQ=';
  const CATEGORIES = [
    { key: 'preferences', name: 'Preferences', text: 'Preference cookies enable a website to remember information that changes the way the website behaves or looks, like your preferred language or the region that you are in.' },
    { key: 'statistics', name: 'Statistics', text: 'Statistic cookies help website owners to understand how visitors interact with websites by collecting and reporting information anonymously.' },
    { key: 'marketing', name: 'Marketing', text: 'Marketing cookies are used to track visitors across websites. The intention is to display ads that are relevant and engaging for the individual user.' },
  ];
  const cap = (s) => s[0].toUpperCase() + s.slice(1);

  // --- storage ---------------------------------------------------------------------------

  function writeConsent(c) {
    const raw = `{stamp:'${STAMP}',necessary:true,preferences:${c.preferences},statistics:${c.statistics},` +
      `marketing:${c.marketing},method:'explicit',ver:1,utc:${Date.now()},region:'de'}`;
    CmpKit.cookie('CookieConsent', raw.replace(/'/g, '%27').replace(/,/g, '%2C'));
  }

  function readConsent() {
    const value = CmpKit.readCookie('CookieConsent');
    if (!value || value === '-1') return null;
    const text = decodeURIComponent(value);
    const flag = (name) => new RegExp(`[{,]${name}:true[,}]`).test(text);
    return { preferences: flag('preferences'), statistics: flag('statistics'), marketing: flag('marketing') };
  }

  const emit = (name) => window.dispatchEvent(new Event(name));

  // --- window.Cookiebot ------------------------------------------------------------------

  const Cookiebot = {
    consent: { necessary: true, preferences: false, statistics: false, marketing: false, method: null, stamp: '0' },
    consented: false,
    declined: false,
    hasResponse: false,
    doNotTrack: false,
    consentID: '0',
    dialog: { visible: false },
    show() { showDialog(); },
    hide() { hideDialog(); },
    renew() { showDialog(); },
    withdraw() { submit('withdraw', { preferences: false, statistics: false, marketing: false }); },
    submitCustomConsent(preferences, statistics, marketing) {
      submit('save', { preferences: Boolean(preferences), statistics: Boolean(statistics), marketing: Boolean(marketing) });
    },
  };
  window.Cookiebot = window.CookieConsent = Cookiebot;

  function applyConsent(c) {
    Object.assign(Cookiebot.consent, c, { method: 'explicit', stamp: STAMP });
    Cookiebot.consented = c.preferences || c.statistics || c.marketing;
    Cookiebot.declined = !Cookiebot.consented;
    Cookiebot.hasResponse = true;
    Cookiebot.consentID = STAMP;
  }

  // --- markup ----------------------------------------------------------------------------

  const STYLE = `
#CybotCookiebotDialog { position: fixed; z-index: 2147483631; top: 50%; left: 50%; transform: translate(-50%, -50%);
  width: 900px; max-width: calc(100vw - 16px); max-height: calc(100vh - 16px); flex-direction: column;
  background: #fff; color: #141414; border-radius: 8px; box-shadow: 0 30px 70px rgba(0, 0, 0, .3);
  font: 15px/1.5 Helvetica, Arial, sans-serif; letter-spacing: .1px; }
#CybotCookiebotDialogBodyUnderlay { position: fixed; inset: 0; z-index: 2147483630; background: rgba(0, 0, 0, .4); }
#CybotCookiebotDialog .CybotCookiebotDialogContentWrapper { display: flex; flex-direction: column; min-height: 0; }
#CybotCookiebotDialogHeader { padding: 16px 24px; border-bottom: 1px solid #d6d6d6; font-weight: bold; }
#CybotCookiebotDialogNav ul { display: flex; margin: 0; padding: 0; list-style: none; border-bottom: 1px solid #d6d6d6; }
#CybotCookiebotDialogNav .CybotCookiebotDialogNavItemLink { display: block; padding: 12px 24px; color: #141414; text-decoration: none; }
#CybotCookiebotDialogNav .CybotCookiebotDialogNavItemLink.CybotCookiebotDialogActive { border-bottom: 3px solid #1032cf; color: #1032cf; }
#CybotCookiebotDialogTabContent { overflow-y: auto; max-height: 45vh; padding: 8px 24px; }
#CybotCookiebotDialogBodyContentTitle { font-size: 17px; margin: 8px 0; }
.CybotCookiebotDialogDetailBodyContentCookieContainerTypes { border-bottom: 1px solid #d6d6d6; padding: 10px 0; }
.CybotCookiebotDialogDetailBodyContentCookieContainerHeader { display: flex; justify-content: space-between; align-items: center; }
.CybotCookiebotDialogDetailBodyContentCookieTypeIntro { font-size: 13px; color: #555; }
.CybotCookiebotDialogBodyLevelButtonSliderWrapper { position: relative; display: inline-block; width: 57px; height: 32px; }
.CybotCookiebotDialogBodyLevelButtonSliderWrapper input { position: absolute; inset: 0; width: 100%; height: 100%; margin: 0;
  opacity: 0; cursor: pointer; z-index: 1; }
.CybotCookiebotDialogBodyLevelButtonSlider { position: absolute; inset: 0; border-radius: 32px; background: #d6d6d6; transition: background .2s; }
.CybotCookiebotDialogBodyLevelButtonSlider::before { content: ""; position: absolute; top: 4px; left: 4px; width: 24px; height: 24px;
  border-radius: 50%; background: #fff; transition: left .2s; }
.CybotCookiebotDialogBodyLevelButtonSliderWrapper input:checked + .CybotCookiebotDialogBodyLevelButtonSlider { background: #1032cf; }
.CybotCookiebotDialogBodyLevelButtonSliderWrapper input:checked + .CybotCookiebotDialogBodyLevelButtonSlider::before { left: 29px; }
.CybotCookiebotDialogBodyLevelButtonSliderWrapperDisabled .CybotCookiebotDialogBodyLevelButtonSlider { opacity: .5; }
#CybotCookiebotDialogFooter { padding: 16px 24px; border-top: 1px solid #d6d6d6; }
#CybotCookiebotDialogBodyButtonsWrapper { display: flex; gap: 8px; justify-content: flex-end; }
#CybotCookiebotDialog .CybotCookiebotDialogBodyButton { font: inherit; font-weight: 600; padding: 12px 18px; cursor: pointer;
  border: 2px solid #1032cf; border-radius: 4px; background: #fff; color: #141414; }
#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll { background: #1032cf !important; color: #fff !important; }
`;

  function levelSwitch(key, name, suffix, { disabled = false } = {}) {
    const id = `CybotCookiebotDialogBodyLevelButton${cap(key)}${suffix}`;
    const data = suffix ? ` data-target="CybotCookiebotDialogBodyLevelButton${cap(key)}"` : ` data-target="CybotCookiebotDialogBodyLevelButton${cap(key)}Inline"`;
    return `<div class="CybotCookiebotDialogBodyLevelButtonSliderWrapper${disabled ? ' CybotCookiebotDialogBodyLevelButtonSliderWrapperDisabled' : ''}">
<input type="checkbox" id="${id}" class="CybotCookiebotDialogBodyLevelButton${disabled ? ' CybotCookiebotDialogBodyLevelButtonDisabled' : ' CybotCookiebotDialogBodyLevelConsentCheckbox'}"${data}${disabled ? ' disabled checked' : ''} tabindex="0" aria-label="${name}">
<span class="CybotCookiebotDialogBodyLevelButtonSlider"></span></div>`;
  }

  function dialogHtml() {
    const levels = [{ key: 'necessary', name: 'Necessary' }, ...CATEGORIES];
    return `<div class="CybotCookiebotDialogContentWrapper">
<div id="CybotCookiebotDialogHeader"><div id="CybotCookiebotDialogHeaderLogosWrapper"><span id="CybotCookiebotDialogPoweredbyCybot">Cookiebot by Usercentrics</span></div></div>
<div id="CybotCookiebotDialogNav" role="tablist" aria-label="Consent tabs"><ul class="CybotCookiebotDialogNavItems">
<li class="CybotCookiebotDialogNavItem"><a id="CybotCookiebotDialogNavDeclaration" href="#" class="CybotCookiebotDialogNavItemLink CybotCookiebotDialogActive" role="tab" aria-selected="true" data-target="CybotCookiebotDialogTabContentDeclaration">Consent</a></li>
<li class="CybotCookiebotDialogNavItem"><a id="CybotCookiebotDialogNavDetails" href="#" class="CybotCookiebotDialogNavItemLink" role="tab" aria-selected="false" data-target="CybotCookiebotDialogTabContentDetails">Details</a></li>
<li class="CybotCookiebotDialogNavItem"><a id="CybotCookiebotDialogNavAbout" href="#" class="CybotCookiebotDialogNavItemLink" role="tab" aria-selected="false" data-target="CybotCookiebotDialogTabContentAbout">About</a></li>
</ul></div>
<div id="CybotCookiebotDialogTabContent">
<div id="CybotCookiebotDialogTabContentDeclaration" class="CybotCookiebotDialogTabPanel" role="tabpanel" aria-labelledby="CybotCookiebotDialogNavDeclaration">
<div id="CybotCookiebotDialogBody">
<div id="CybotCookiebotDialogBodyContent">
<h2 id="CybotCookiebotDialogBodyContentTitle" lang="en">This website uses cookies</h2>
<div id="CybotCookiebotDialogBodyContentText" lang="en">We use cookies to personalise content and ads, to provide social media features and to analyse our traffic. We also share information about your use of our site with our social media, advertising and analytics partners who may combine it with other information that you've provided to them or that they've collected from your use of their services.</div>
</div>
<div id="CybotCookiebotDialogBodyLevelWrapper"><div id="CybotCookiebotDialogBodyLevelButtonsTable"><div id="CybotCookiebotDialogBodyLevelButtonsRow"><div id="CybotCookiebotDialogBodyLevelButtonsSelectPane">
${levels.map((l) => `<div class="CybotCookiebotDialogBodyLevelButtonWrapper"><label for="CybotCookiebotDialogBodyLevelButton${cap(l.key)}" class="CybotCookiebotDialogBodyLevelButtonLabel"><strong class="CybotCookiebotDialogBodyLevelButtonDescription">${l.name}</strong></label>${levelSwitch(l.key, l.name, '', { disabled: l.key === 'necessary' })}</div>`).join('\n')}
</div></div></div></div>
</div>
</div>
<div id="CybotCookiebotDialogTabContentDetails" class="CybotCookiebotDialogTabPanel" role="tabpanel" aria-labelledby="CybotCookiebotDialogNavDetails">
<div id="CybotCookiebotDialogDetailBody"><div id="CybotCookiebotDialogDetailBodyContent"><div id="CybotCookiebotDialogDetailBodyContentTextOverview">
${levels.map((l) => `<div class="CybotCookiebotDialogDetailBodyContentCookieContainerTypes"><div class="CybotCookiebotDialogDetailBodyContentCookieContainerHeader"><label class="CybotCookiebotDialogDetailBodyContentCookieContainerButton" for="CybotCookiebotDialogBodyLevelButton${cap(l.key)}Inline">${l.name}</label>${levelSwitch(l.key, l.name, 'Inline', { disabled: l.key === 'necessary' })}</div><div class="CybotCookiebotDialogDetailBodyContentCookieTypeIntro">${l.text ?? 'Necessary cookies help make a website usable by enabling basic functions like page navigation and access to secure areas of the website.'}</div></div>`).join('\n')}
</div></div></div>
</div>
<div id="CybotCookiebotDialogTabContentAbout" class="CybotCookiebotDialogTabPanel" role="tabpanel" aria-labelledby="CybotCookiebotDialogNavAbout"><div id="CybotCookiebotDialogDetailBodyContentTextAbout">Cookies are small text files that can be used by websites to make a user's experience more efficient.</div></div>
</div>
<div id="CybotCookiebotDialogFooter"><div id="CybotCookiebotDialogBodyButtons"><div id="CybotCookiebotDialogBodyButtonsWrapper">
<button id="CybotCookiebotDialogBodyButtonDecline" class="CybotCookiebotDialogBodyButton" tabindex="0" lang="en">Deny</button>
<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection" class="CybotCookiebotDialogBodyButton" tabindex="0" lang="en">Allow selection</button>
<button id="CybotCookiebotDialogBodyLevelButtonCustomize" class="CybotCookiebotDialogBodyButton" tabindex="0" lang="en">Customize</button>
<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" class="CybotCookiebotDialogBodyButton" tabindex="0" lang="en">Allow all</button>
</div></div></div>
</div>`;
  }

  let dialog = null;
  let underlay = null;
  const $ = (id) => document.getElementById(id);

  function build() {
    const style = document.createElement('style');
    style.id = 'CybotCookiebotDialogStyle';
    style.textContent = STYLE;
    document.head.appendChild(style);
    dialog = document.createElement('div');
    dialog.id = 'CybotCookiebotDialog';
    dialog.setAttribute('name', 'CybotCookiebotDialog');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    dialog.setAttribute('aria-labelledby', 'CybotCookiebotDialogBodyContentTitle');
    dialog.tabIndex = -1;
    dialog.lang = 'en';
    dialog.dir = 'ltr';
    dialog.dataset.template = 'popup';
    dialog.className = 'CybotEdge';
    dialog.style.display = 'none';
    dialog.innerHTML = dialogHtml();
    underlay = document.createElement('div');
    underlay.id = 'CybotCookiebotDialogBodyUnderlay';
    underlay.style.display = 'none';
    document.body.append(dialog, underlay);

    $('CybotCookiebotDialogBodyLevelWrapper').style.display = 'none'; // this template shows the switches in Details
    $('CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection').style.display = 'none';
    selectTab('Declaration');

    for (const link of dialog.querySelectorAll('.CybotCookiebotDialogNavItemLink')) {
      link.addEventListener('click', (e) => {
        e.preventDefault();
        selectTab(link.id.replace('CybotCookiebotDialogNav', ''));
      });
    }
    // The first-layer and the inline switches are one setting each.
    for (const input of dialog.querySelectorAll('input.CybotCookiebotDialogBodyLevelConsentCheckbox')) {
      input.addEventListener('change', () => { $(input.dataset.target).checked = input.checked; });
    }
    $('CybotCookiebotDialogBodyLevelButtonCustomize').addEventListener('click', () => selectTab('Details'));
    $('CybotCookiebotDialogBodyButtonDecline').addEventListener('click', () => {
      submit('reject-all', { preferences: false, statistics: false, marketing: false });
    });
    $('CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll').addEventListener('click', () => {
      submit('accept-all', { preferences: true, statistics: true, marketing: true });
    });
    $('CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection').addEventListener('click', () => {
      const on = (key) => $(`CybotCookiebotDialogBodyLevelButton${cap(key)}`).checked;
      submit('save', { preferences: on('preferences'), statistics: on('statistics'), marketing: on('marketing') });
    });
  }

  function selectTab(name) {
    for (const link of dialog.querySelectorAll('.CybotCookiebotDialogNavItemLink')) {
      const selected = link.id === `CybotCookiebotDialogNav${name}`;
      link.classList.toggle('CybotCookiebotDialogActive', selected);
      link.setAttribute('aria-selected', String(selected));
      $(link.dataset.target).style.display = selected ? 'block' : 'none';
    }
    if (name === 'Details') {
      // Customizing: "Customize" gives way to "Allow selection".
      $('CybotCookiebotDialogBodyLevelButtonCustomize').style.display = 'none';
      $('CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection').style.display = '';
    }
  }

  function setSwitches(c) {
    for (const { key } of CATEGORIES) {
      for (const suffix of ['', 'Inline']) {
        const input = $(`CybotCookiebotDialogBodyLevelButton${cap(key)}${suffix}`);
        if (input) input.checked = Boolean(c[key]);
      }
    }
  }

  function showDialog() {
    if (!dialog) build();
    dialog.style.display = 'flex';
    dialog.classList.add('CybotCookiebotDialogActive');
    underlay.style.display = 'block';
    Cookiebot.dialog.visible = true;
    emit('CookiebotOnDialogDisplay');
  }

  function hideDialog() {
    if (!dialog) return;
    dialog.style.display = 'none';
    dialog.classList.remove('CybotCookiebotDialogActive');
    underlay.style.display = 'none';
    Cookiebot.dialog.visible = false;
  }

  function submit(action, c) {
    writeConsent(c);
    applyConsent(c);
    if (dialog) setSwitches(c);
    hideDialog();
    CmpKit.record({
      cmp: 'cookiebot',
      action: action === 'withdraw' ? 'reject-all' : action,
      categories: { preferences: c.preferences, statistics: c.statistics, marketing: c.marketing },
      purposes: null,
      specialFeatures: null,
      tcString: null,
    });
    emit(Cookiebot.declined ? 'CookiebotOnDecline' : 'CookiebotOnAccept');
    emit('CookiebotOnConsentReady');
  }

  // --- start -----------------------------------------------------------------------------

  const stored = readConsent();
  if (stored) applyConsent(stored);

  CmpKit.whenReady(() => {
    if (stored) {
      emit('CookiebotOnConsentReady');
      emit(Cookiebot.declined ? 'CookiebotOnDecline' : 'CookiebotOnAccept');
    } else {
      build();
      emit('CookiebotOnDialogInit');
      showDialog();
    }
    emit('CookiebotOnLoad');
  });
})();
