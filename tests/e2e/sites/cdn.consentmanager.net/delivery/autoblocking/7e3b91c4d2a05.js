// consentmanager.net's CMP script, for the consent-dialog fixtures. Sites embed it with
// consentmanager's "automatic blocking" code, first in <head>:
//   <script type="text/javascript" data-cmp-ab="1"
//           src="https://cdn.consentmanager.net/delivery/autoblocking/7e3b91c4d2a05.js"
//           data-cmp-host="c.delivery.consentmanager.net" data-cmp-cdn="cdn.consentmanager.net"
//           data-cmp-codesrc="0"></script>
//
// What it reproduces of the real consentmanager CMP (a TCF CMP, IAB CMP id 31), and from where:
// - the markup: the classic (light DOM) layer `#cmpbox` (`.cmpbox.cmpstyleroot`, role dialog)
//   with `.cmpboxinner`, `.cmpboxhl`, `.cmpboxtxt`, the buttons `a.cmpboxbtn.cmpboxbtnyes`
//   "Accept all", `a.cmpboxbtn.cmpboxbtnno` "Reject all", `a.cmpboxbtn.cmpboxbtncustom`
//   "Customize choices" in `.cmpboxbtns`, and `.cmpmore` with `a.cmpmorelink`; the dimming layer
//   `#cmpbox2` (`.cmpboxBG`). The settings view (`.cmptblbox` with `table.cmptbl`: one row per
//   TCF purpose and special feature, the name in `td.cmpvendname`, the switch
//   `td.cmptdchoice > a[role=checkbox][aria-checked]` holding `.cmpimgyesno` and
//   `.cmponofftext` "on"/"off"), saved with `a.cmpboxbtnyescustomchoices`. From autoconsent
//   lib/cmps/consentmanager.ts (`#cmpbox`, `#cmpbox .cmpmore` to tell it is showing,
//   `.cmpboxbtnno`, `.cmpboxbtncustom` → `.cmptblbox` → `.cmptdchoice > a[aria-checked=true]` →
//   `.cmpboxbtnyescustomchoices`, prehide `#cmpbox,#cmpbox2,#cmpwrapper`), Consent-O-Matic
//   rules/consentmanager.net.json (rows `.cmptbl tbody tr`, names `.cmpvendname` with the TCF
//   purpose names, `.cmptdchoice`, `.cmponofftext` "on", `.cmpimgyesno`), and the
//   `.cmpboxBG` overlay class named by page clean-up scripts.
// - the behaviour: after a choice both layers stay in the DOM with display none; a returning
//   visitor (cookie present) gets no layer; `__tcfapi` (CmpKit.tcfApi, cmpId 31) goes through
//   cmpuishown → useractioncomplete, or tcloaded on a returning visit; `__cmp('getCMPData')`,
//   `__cmp('consentStatus')`, `__cmp('setConsent', 0|1)` and `__cmp('showScreenAdvanced')`.
// - the storage: consentmanager's cookies for the account (here 51234): `__cmpconsentx51234`
//   holding the TC string (made by IAB's codec through CmpKit.tcString), `__cmpcpcx51234`
//   listing the consented purposes as `__1_2_…__`, `__cmpcvcx51234` the consented vendors as
//   `__s2_s91_…_U__`, and `__cmpcc=1`, as in cookies captured from real consentmanager sites.
// Simplified: one language; no vendor list view, no custom (non-IAB) purposes, no welcome-page
// purpose buttons; one switch per purpose decides both its consent and, for purposes 2 and
// 7–11, its legitimate interest (the row shows "on"/"off" only); the newer variant whose layer
// sits in an open shadow root on `#cmpwrapper` is not reproduced (the rule covers it for
// detection and the first layer).
//
// TCF purposes and special features → our categories (src/policy/purpose.rs), as recorded with
// CmpKit.record() (a category is true only when every purpose in it is consented):
//   marketing          ← purposes 2, 3, 4, 7
//   personalisation    ← purposes 5, 6, 11
//   statistics         ← purposes 8, 9, 10
//   preciseGeolocation ← special feature 1
//   (purpose 1 "store and/or access" and special feature 2 "device scanning" have no category)
'use strict';

(() => {
  const CMP_ID = 31;
  const CMP_VERSION = 1;
  const ACCOUNT = 51234;
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
  const SPECIAL_FEATURES = [[1, 'Use precise geolocation data'], [2, 'Actively scan device characteristics for identification']];
  const LI_PURPOSES = [2, 7, 8, 9, 10, 11];
  // The vendors of tests/e2e/tcf.mjs's list: consent purposes, legitimate-interest purposes.
  const VENDORS = { 2: [[1, 3, 4], [2, 7, 10]], 21: [[1, 3, 4], [2, 7, 9, 10]], 91: [[1, 3, 4, 5, 6], [2, 7, 9, 10]], 755: [[1, 3, 4], [2, 7, 9, 10]], 804: [[1, 3, 4, 9], [2, 7, 10]] };
  const CATEGORIES = { marketing: [2, 3, 4, 7], personalisation: [5, 6, 11], statistics: [8, 9, 10] };

  const tcf = CmpKit.tcfApi({ cmpId: CMP_ID, cmpVersion: CMP_VERSION });

  // --- the choice as TCF data --------------------------------------------------------------

  // `choice` = { purposes: [ids], specialFeatures: [ids] } (consented).
  function tcfChoice({ purposes, specialFeatures }) {
    const li = LI_PURPOSES.filter((id) => purposes.includes(id));
    const all = (ids, of) => ids.every((id) => of.includes(id));
    const vendorIds = Object.keys(VENDORS).map(Number);
    return {
      cmpId: CMP_ID, cmpVersion: CMP_VERSION, publisherCountryCode: 'DE', consentLanguage: 'EN',
      purposeConsents: purposes, purposeLegitimateInterests: li, specialFeatureOptins: specialFeatures,
      vendorConsents: vendorIds.filter((v) => all(VENDORS[v][0], purposes)),
      vendorLegitimateInterests: vendorIds.filter((v) => all(VENDORS[v][1], li)),
    };
  }

  function categoriesOf({ purposes, specialFeatures }) {
    const out = Object.fromEntries(Object.entries(CATEGORIES).map(([name, ids]) => [name, ids.every((id) => purposes.includes(id))]));
    out.preciseGeolocation = specialFeatures.includes(1);
    return out;
  }

  // --- storage -----------------------------------------------------------------------------

  function writeCookies(tcString, choice) {
    CmpKit.cookie('__cmpcc', '1');
    CmpKit.cookie(`__cmpconsentx${ACCOUNT}`, tcString);
    CmpKit.cookie(`__cmpcpcx${ACCOUNT}`, `__${choice.purposeConsents.join('_')}__`);
    CmpKit.cookie(`__cmpcvcx${ACCOUNT}`, `__${choice.vendorConsents.map((v) => `s${v}`).concat('U').join('_')}__`);
  }

  const storedTcString = () => CmpKit.readCookie(`__cmpconsentx${ACCOUNT}`);

  // --- markup ------------------------------------------------------------------------------

  const STYLE = `
#cmpbox { position: fixed; z-index: 2147483640; left: 50%; top: 50%; transform: translate(-50%, -50%); width: 620px;
  max-width: calc(100vw - 20px); max-height: calc(100vh - 20px); overflow: auto; box-sizing: border-box;
  background: #fff; color: #222; border-radius: 6px; box-shadow: 0 0 20px rgba(0, 0, 0, .35); font: 14px/1.45 Arial, sans-serif; }
#cmpbox2 { position: fixed; z-index: 2147483639; inset: 0; background: rgba(0, 0, 0, .5); }
#cmpbox .cmpboxinner { padding: 20px 24px; }
#cmpbox .cmpboxhl { font-size: 18px; font-weight: bold; margin-bottom: 8px; }
#cmpbox .cmpboxbtns { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 16px; }
#cmpbox .cmpboxbtn { display: inline-block; padding: 10px 16px; border-radius: 4px; text-decoration: none; font-weight: bold;
  background: #eee; color: #222; cursor: pointer; }
#cmpbox .cmpboxbtnyes, #cmpbox .cmpboxbtnyescustomchoices { background: #2d9b3a; color: #fff; }
#cmpbox .cmpmore { margin-top: 12px; font-size: 13px; }
#cmpbox .cmpmorelink { color: #2a5db0; }
#cmpbox .cmptblbox { max-height: 50vh; overflow: auto; margin: 8px 0; }
#cmpbox .cmptbl { width: 100%; border-collapse: collapse; }
#cmpbox .cmptbl td, #cmpbox .cmptbl th { border-bottom: 1px solid #eee; padding: 6px 4px; text-align: left; }
#cmpbox .cmptdchoice a { display: inline-flex; align-items: center; gap: 6px; text-decoration: none; color: #222; }
#cmpbox .cmpimgyesno { display: inline-block; width: 34px; height: 18px; border-radius: 9px; background: #bbb; position: relative; }
#cmpbox .cmpimgyesno::after { content: ""; position: absolute; top: 2px; left: 2px; width: 14px; height: 14px; border-radius: 50%; background: #fff; }
#cmpbox .cmpimgyesno.cmpimgyes { background: #2d9b3a; }
#cmpbox .cmpimgyesno.cmpimgyes::after { left: 18px; }
`;

  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

  function welcomeHtml() {
    return `<div class="cmpboxinner">
<div class="cmpboxhl" id="cmpboxhl" role="heading" aria-level="2">We respect your privacy</div>
<div class="cmpboxtxt cmptxt_txt">We and our partners store and/or access information on a device, such as cookies, and process personal data, such as unique identifiers and standard information sent by a device, for personalised advertising and content, advertising and content measurement, audience research and services development. You can accept, reject, or customize your choices.</div>
<div class="cmpboxbtns">
<div class="cmpboxbtnyesdiv"><a href="#" role="button" class="cmpboxbtn cmpboxbtnyes cmptxt_btn_yes">Accept all</a></div>
<div class="cmpboxbtnnodiv"><a href="#" role="button" class="cmpboxbtn cmpboxbtnno cmptxt_btn_no">Reject all</a></div>
<a href="#" role="button" class="cmpboxbtn cmpboxbtncustom cmptxt_btn_custom">Customize choices</a>
</div>
<div class="cmpmore"><a href="#" role="button" class="cmpmorelink">Customize your choice</a></div>
</div>`;
  }

  function rowHtml(kind, id, name) {
    return `<tr data-${kind}="${id}"><td class="cmpvendname">${esc(name)}</td>
<td class="cmptdchoice"><a href="#" role="checkbox" aria-checked="false" aria-label="${esc(name)}"><span class="cmpimgyesno cmpimgno"></span><span class="cmponofftext">off</span></a></td></tr>`;
  }

  function advancedHtml() {
    return `<div class="cmpboxinner">
<div class="cmpboxhl" role="heading" aria-level="2">Privacy settings</div>
<div class="cmpboxtxt cmptxt_txt">Switch each purpose on or off, then save your choice.</div>
<div class="cmptblbox"><table class="cmptbl" role="presentation">
<thead><tr><th class="cmptblhl">Purposes</th><th class="cmptblhl">Consent</th></tr></thead>
<tbody>
${PURPOSES.map(([id, name]) => rowHtml('purpose', id, name)).join('\n')}
${SPECIAL_FEATURES.map(([id, name]) => rowHtml('feature', id, name)).join('\n')}
</tbody></table></div>
<div class="cmpboxbtns">
<a href="#" role="button" class="cmpboxbtn cmpboxbtnyescustomchoices cmptxt_btn_save">Save + Exit</a>
<a href="#" role="button" class="cmpboxbtn cmpboxbtnno cmptxt_btn_no">Reject all</a>
<a href="#" role="button" class="cmpboxbtn cmpboxbtnyes cmptxt_btn_yes">Accept all</a>
</div>
</div>`;
  }

  let box = null;
  let background = null;

  function build() {
    const style = document.createElement('style');
    style.id = 'cmpstyles';
    style.textContent = STYLE;
    document.head.appendChild(style);
    background = document.createElement('div');
    background.id = 'cmpbox2';
    background.className = 'cmpboxBG cmpstyleroot';
    box = document.createElement('div');
    box.id = 'cmpbox';
    box.className = 'cmpbox cmpstyleroot cmpfadein';
    box.setAttribute('role', 'dialog');
    box.setAttribute('aria-modal', 'true');
    box.setAttribute('aria-labelledby', 'cmpboxhl');
    box.lang = 'en';
    document.body.append(background, box);
    box.addEventListener('click', onClick);
    showWelcome();
  }

  function showWelcome() {
    box.innerHTML = welcomeHtml();
    box.style.display = 'block';
    background.style.display = 'block';
    tcf.shown();
  }

  function showAdvanced() {
    if (!box) build();
    box.innerHTML = advancedHtml();
    box.style.display = 'block';
    background.style.display = 'block';
  }

  function onClick(e) {
    const target = e.target.closest('a');
    if (!target) return;
    e.preventDefault();
    if (target.matches('.cmpboxbtnyes')) decide('accept-all', { purposes: PURPOSES.map(([id]) => id), specialFeatures: [1, 2] });
    else if (target.matches('.cmpboxbtnno')) decide('reject-all', { purposes: [], specialFeatures: [] });
    else if (target.matches('.cmpboxbtncustom, .cmpmorelink')) showAdvanced();
    else if (target.matches('.cmpboxbtnyescustomchoices')) decide('save', readSwitches());
    else if (target.matches('.cmptdchoice > a')) flip(target);
  }

  function flip(a) {
    const on = a.getAttribute('aria-checked') !== 'true';
    a.setAttribute('aria-checked', String(on));
    a.querySelector('.cmpimgyesno').className = `cmpimgyesno ${on ? 'cmpimgyes' : 'cmpimgno'}`;
    a.querySelector('.cmponofftext').textContent = on ? 'on' : 'off';
  }

  function readSwitches() {
    const on = (kind) => [...box.querySelectorAll(`tr[data-${kind}]`)]
      .filter((tr) => tr.querySelector('.cmptdchoice > a').getAttribute('aria-checked') === 'true')
      .map((tr) => Number(tr.getAttribute(`data-${kind}`)));
    return { purposes: on('purpose'), specialFeatures: on('feature') };
  }

  function close() {
    box.style.display = 'none';
    background.style.display = 'none';
  }

  let lastChoice = null;

  async function decide(action, chosen) {
    close();
    const choice = tcfChoice(chosen);
    const tcString = await CmpKit.tcString(choice);
    writeCookies(tcString, choice);
    lastChoice = { chosen, tcString };
    CmpKit.record({
      cmp: 'consentmanager',
      action,
      categories: categoriesOf(chosen),
      purposes: { consent: choice.purposeConsents, legitimateInterest: choice.purposeLegitimateInterests },
      specialFeatures: choice.specialFeatureOptins,
      tcString,
    });
    tcf.decided(tcString);
  }

  // --- __cmp, consentmanager's own API (the commands sites use most) ---------------------------

  window.__cmp = (command, parameter, callback) => {
    const answer = (value) => { if (typeof callback === 'function') callback(value, true); return value; };
    switch (command) {
      case 'consentStatus':
        return answer({ userChoiceExists: storedTcString() !== null, consentExists: storedTcString() !== null });
      case 'getCMPData': {
        const chosen = lastChoice?.chosen ?? null;
        const flags = (ids, on) => Object.fromEntries(ids.map(([id]) => [id, on.includes(id)]));
        return answer({
          consentstring: storedTcString() ?? '', gdprApplies: true, userChoiceExists: storedTcString() !== null,
          // Known for a choice made on this page; a returning visit's stays in the TC string.
          purposeConsents: chosen ? flags(PURPOSES, chosen.purposes) : {},
          specialFeatureConsents: chosen ? flags(SPECIAL_FEATURES, chosen.specialFeatures) : {},
        });
      }
      case 'setConsent':
        if (parameter === 1) decide('accept-all', { purposes: PURPOSES.map(([id]) => id), specialFeatures: [1, 2] });
        else decide('reject-all', { purposes: [], specialFeatures: [] });
        return answer(true);
      case 'showScreenAdvanced':
        showAdvanced();
        return answer(true);
      default:
        return answer(null);
    }
  };

  // --- start -------------------------------------------------------------------------------

  CmpKit.whenReady(() => {
    const stored = storedTcString();
    if (stored) tcf.loaded(stored);
    else build();
  });
})();
