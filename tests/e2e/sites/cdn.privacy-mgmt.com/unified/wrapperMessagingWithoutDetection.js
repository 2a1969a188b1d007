// Fixture of Sourcepoint's GDPR/TCF wrapper (the top-page half of Sourcepoint's CMP, IAB CMP id 6
// "Sourcepoint Technologies, Inc."), served from the real path
// https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js.
//
// What it reproduces, and from which evidence:
// - The publisher sets `window._sp_queue` and `window._sp_ = { config: { accountId, baseEndpoint,
//   propertyHref?, gdpr: {} } }` before loading this file (Sourcepoint's install snippet).
// - The message is NOT in the page: the wrapper adds `div#sp_message_container_<messageId>` holding
//   `iframe#sp_message_iframe_<messageId>` (title "SP Consent Message") whose document comes from
//   https://cdn.privacy-mgmt.com/index.html?message_id=…&consentUUID=…&preload_message=true
//   (Playwright/Selenium snippets in the code corpus: `#sp_message_iframe_474555`,
//   `iframe[title="SP Consent Message"]`; autoconsent lib/cmps/sourcepoint-frame.ts matches the
//   frame by `/index.html` + `message_id`; its prehide lists `div[id^='sp_message_container_']`).
// - While a message is up the wrapper puts `sp-message-open` on <html> (a scroll lock: the
//   Guardian rule of autoconsent removes exactly that class) and takes it off afterwards.
// - The message frame tells the wrapper what was chosen (postMessage); "Manage"
//   (`sp_choice_type_12`) replaces the message by the privacy manager, another message in another
//   iframe: /privacy-manager/index.html?message_id=<pmId> (autoconsent isManagerOpen()).
// - It is a TCF CMP: `__tcfapi` (with the `__tcfapiLocator` frame) answers cmpId 6; the consent is
//   stored first party as the `euconsent-v2` cookie (the TC string), a `consentUUID` cookie, and
//   localStorage `_sp_user_consent_<propertyId>`. A returning visitor with both cookies gets no
//   message, and `__tcfapi` reports `tcloaded`.
//
// Simplified: the message and privacy-manager ids are fixed (no call to Sourcepoint's scenario
// server: `?pay=1` on the publisher page stands for the scenario that serves the pay-or-consent
// message, id 1104588); the frame-to-wrapper messages are `{ name: 'sp.choice', … }` of our own
// making; vendor-level choices follow the purposes (every vendor of the fixture vendor list gets
// consent when any purpose has it, legitimate interest likewise). CCPA/US messages are absent.
//
// Categories recorded for the tests (CmpKit.record, our category names), derived from the TCF
// purposes as src/policy/purpose.rs maps them: marketing = purposes 2, 3, 4, 7; statistics = 8, 9,
// 10; personalisation = 5, 6, 11; preciseGeolocation = special feature 1. A category is true when
// every purpose in it has consent.
'use strict';

(() => {
  const CMP_ID = 6;
  const ORIGIN = 'https://cdn.privacy-mgmt.com';
  const MESSAGE_ID = 1104587; // the consent message (accept / reject / manage)
  const PAY_MESSAGE_ID = 1104588; // the pay-or-consent message (accept / subscribe)
  const PM_ID = 1104590; // the privacy manager
  const PROPERTY_ID = 31337;
  const UUID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const LI_PURPOSES = [2, 7, 8, 9, 10, 11];
  const VENDORS = [2, 21, 91, 755, 804]; // the fixture Global Vendor List (tests/e2e/tcf.mjs)
  const RULE = 'sourcepoint-frame'; // the rule that answers this dialog: the choice is made in the frame

  const config = window._sp_?.config ?? {};
  const tcf = CmpKit.tcfApi({ cmpId: CMP_ID, cmpVersion: 1 });

  const style = document.createElement('style');
  style.textContent = `
    html.sp-message-open, html.sp-message-open body { overflow: hidden !important; }
    div[id^="sp_message_container_"] { position: fixed; inset: 0; z-index: 2147483647; display: block; }
    div[id^="sp_message_container_"] iframe { width: 100%; height: 100%; border: 0; background: transparent; }
  `;
  document.head.append(style);

  let container = null;

  function show(messageId, path) {
    container?.remove();
    container = document.createElement('div');
    container.id = `sp_message_container_${messageId}`;
    const iframe = document.createElement('iframe');
    iframe.id = `sp_message_iframe_${messageId}`;
    iframe.title = 'SP Consent Message';
    const query = new URLSearchParams({
      message_id: String(messageId), consentUUID: UUID, preload_message: 'true', version: 'v1',
      site_id: String(PROPERTY_ID), account_id: String(config.accountId ?? 0),
    });
    iframe.src = `${ORIGIN}${path}?${query}`;
    container.append(iframe);
    document.body.append(container);
    document.documentElement.classList.add('sp-message-open');
  }

  function hide() {
    container?.remove();
    container = null;
    document.documentElement.classList.remove('sp-message-open');
  }

  const every = (ids, set) => ids.every((id) => set.includes(id));
  function categoriesOf(consent, specialFeatures) {
    return {
      marketing: every([2, 3, 4, 7], consent),
      statistics: every([8, 9, 10], consent),
      personalisation: every([5, 6, 11], consent),
      preciseGeolocation: specialFeatures.includes(1),
    };
  }

  async function decide(action, consent, legitimateInterest, specialFeatures) {
    const tcString = await CmpKit.tcString({
      cmpId: CMP_ID, cmpVersion: 1,
      purposeConsents: consent, purposeLegitimateInterests: legitimateInterest,
      specialFeatureOptins: specialFeatures,
      vendorConsents: consent.length ? VENDORS : [], vendorLegitimateInterests: legitimateInterest.length ? VENDORS : [],
    });
    CmpKit.cookie('euconsent-v2', tcString);
    CmpKit.cookie('consentUUID', `${UUID}_1`);
    localStorage.setItem(`_sp_user_consent_${PROPERTY_ID}`, JSON.stringify({
      gdpr: {
        euconsent: tcString, uuid: UUID,
        consentStatus: {
          consentedAll: consent.length === ALL_PURPOSES.length, rejectedAny: consent.length < ALL_PURPOSES.length,
          hasConsentData: true,
        },
      },
    }));
    hide();
    tcf.decided(tcString);
    CmpKit.record({
      cmp: RULE, action, categories: categoriesOf(consent, specialFeatures),
      purposes: { consent, legitimateInterest }, specialFeatures, tcString,
    });
  }

  // What the message and privacy-manager frames send (see ../index.html and
  // ../privacy-manager/index.html).
  addEventListener('message', (e) => {
    if (e.origin !== ORIGIN || e.data?.name !== 'sp.choice') return;
    const { choiceType } = e.data;
    if (choiceType === 11 || choiceType === 'ACCEPT_ALL') {
      decide('accept-all', ALL_PURPOSES, LI_PURPOSES, [1, 2]);
    } else if (choiceType === 13 || choiceType === 'REJECT_ALL') {
      decide('reject-all', [], [], []);
    } else if (choiceType === 'SAVE_AND_EXIT') {
      const { consent, legitimateInterest, specialFeatures } = e.data;
      decide('save', consent, legitimateInterest, specialFeatures);
    } else if (choiceType === 12) {
      show(PM_ID, '/privacy-manager/index.html');
    } else if (choiceType === 9) {
      // "Subscribe": the real one opens the publisher's checkout; nothing is consented.
      CmpKit.record({ cmp: RULE, action: 'subscribe', categories: {}, purposes: { consent: [], legitimateInterest: [] }, specialFeatures: [], tcString: null });
    }
  });

  CmpKit.whenReady(() => {
    const stored = CmpKit.readCookie('euconsent-v2');
    if (stored && CmpKit.readCookie('consentUUID')) {
      tcf.loaded(stored);
      return;
    }
    show(CmpKit.param('pay') === '1' ? PAY_MESSAGE_ID : MESSAGE_ID, '/index.html');
    tcf.shown();
  });
})();
