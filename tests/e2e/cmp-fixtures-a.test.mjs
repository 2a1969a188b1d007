// Self-test of the consent-dialog fixtures of group A (OneTrust, consentmanager.net, Cookiebot,
// Google Funding Choices, Usercentrics), in Chromium WITHOUT the extension: each fixture shows
// its banner, and clicking the vendor's own buttons the way the built-in rule's steps do
// (data/consent/<rule>.json) leaves the state the vendor would leave: what CmpKit recorded, the
// vendor's cookie or storage, the banner gone, no scroll lock. Each variant is checked for what
// makes it that variant.
//
//   node --test tests/e2e/cmp-fixtures-a.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { decodeTcString } from './tcf.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rule = (name) => JSON.parse(readFileSync(join(ROOT, 'data/consent', `${name}.json`), 'utf8'));

let h;
let page;

before(async () => {
  h = await launch({ extensionDir: null });
  page = h.context.pages()[0] ?? await h.context.newPage();
});

after(async () => {
  await h?.close();
});

// --- helpers --------------------------------------------------------------------------------

// A first visit: no cookies, no storage for the site.
async function fresh(origin) {
  await h.context.clearCookies();
  const cdp = await h.context.newCDPSession(page);
  try {
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
  } finally {
    await cdp.detach();
  }
}

async function visit(url) {
  return h.visit(page, url);
}

// What the fixture recorded through CmpKit.record() for `cmp`.
async function recorded(cmp) {
  return page.evaluate((name) => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}')[name] ?? null, cmp);
}

async function cookie(name) {
  const found = (await h.context.cookies()).find((c) => c.name === name);
  return found?.value ?? null;
}

// Whether the page still cannot scroll: overflow hidden on <html> or <body>.
async function scrollLocked() {
  return page.evaluate(() => [document.documentElement, document.body]
    .some((el) => getComputedStyle(el).overflowY === 'hidden' || getComputedStyle(el).overflow === 'hidden'));
}

async function visible(selector) {
  return page.locator(selector).first().isVisible();
}

async function waitHidden(selector) {
  await page.locator(selector).first().waitFor({ state: 'hidden', timeout: 2000 });
}

// The rule's detect and unlock selectors against the page, read the way the in-page executor
// (extension/content/consent.js) reads them: CSS or "xpath/…", chains through open shadow roots
// and same-origin frames, "visible" = rendered with a box; `unlock` is an existence check (as
// src/consent/session.rs probes it), so it must match nothing once the dialog is answered.
async function ruleState(name) {
  return page.evaluate((r) => {
    const queryOne = (root, s) => {
      if (s.startsWith('xpath/')) {
        const found = (root.ownerDocument ?? root).evaluate(s.slice(6), root, null, XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
        return Array.from({ length: found.snapshotLength }, (_, i) => found.snapshotItem(i));
      }
      return [...root.querySelectorAll(s)];
    };
    const inner = (el) => (el.tagName === 'IFRAME' ? el.contentDocument : el.shadowRoot);
    const resolve = (selector) => {
      let roots = [document];
      let found = [];
      const chain = typeof selector === 'string' ? [selector] : selector;
      chain.forEach((part, i) => {
        found = roots.flatMap((root) => queryOne(root, part));
        if (i < chain.length - 1) roots = found.map(inner).filter(Boolean);
      });
      return found;
    };
    const visible = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
    return {
      present: r.detect.present.some((s) => resolve(s).length > 0),
      showing: (r.detect.showing ?? r.detect.present).some((s) => resolve(s).some(visible)),
      locked: (r.unlock ?? []).filter((s) => resolve(s).length > 0),
    };
  }, rule(name));
}

const ALL_FALSE = (names) => Object.fromEntries(names.map((n) => [n, false]));
const ALL_TRUE = (names) => Object.fromEntries(names.map((n) => [n, true]));

// --- OneTrust -------------------------------------------------------------------------------

const ONETRUST = 'https://onetrust.example';
const OT_CATEGORIES = ['statistics', 'preferences', 'marketing', 'socialMedia'];
const otGroups = (raw) => new URLSearchParams(decodeURIComponent(raw)).get('groups');

// The rules follow docs/consent-rules.md (the engine's parser is src/consent/rules.rs; this is a
// check of the same shape from here, so a typo shows up next to the fixture it was written for).
const RULES = ['onetrust', 'cookiebot', 'consentmanager', 'funding-choices', 'usercentrics'];
const CATEGORY_NAMES = ['preferences', 'statistics', 'marketing', 'personalisation', 'socialMedia', 'saleOrSharing', 'preciseGeolocation'];
const ACTIONS = ['click', 'waitFor', 'waitForGone', 'waitForThenClick', 'wait', 'hide', 'if', 'any', 'set'];
const OPTIONS = ['optional', 'all', 'visible', 'timeout', 'then', 'else', 'on'];

function checkSelector(s, path) {
  const parts = Array.isArray(s) ? s : [s];
  assert.ok(parts.length > 0 && parts.every((p) => typeof p === 'string' && p.trim() !== ''), `${path}: a selector or chain`);
}
function checkCondition(c, path) {
  const [key, ...more] = Object.keys(c);
  assert.equal(more.length, 0, `${path}: one condition`);
  if (key === 'not') checkCondition(c.not, `${path}.not`);
  else { assert.ok(['exists', 'visible'].includes(key), `${path}: ${key}`); checkSelector(c[key], `${path}.${key}`); }
}
function checkSteps(steps, path) {
  assert.ok(Array.isArray(steps), `${path}: a list of steps`);
  steps.forEach((step, i) => {
    const at = `${path}[${i}]`;
    const actions = Object.keys(step).filter((k) => ACTIONS.includes(k));
    assert.equal(actions.length, 1, `${at}: exactly one action`);
    for (const k of Object.keys(step)) assert.ok(ACTIONS.includes(k) || OPTIONS.includes(k), `${at}: unknown key ${k}`);
    const [action] = actions;
    if (action === 'if') {
      checkCondition(step.if, `${at}.if`);
      if (step.then) checkSteps(step.then, `${at}.then`);
      if (step.else) checkSteps(step.else, `${at}.else`);
    } else if (action === 'any') checkSteps(step.any, `${at}.any`);
    else if (action === 'wait') assert.ok(step.wait > 0 && step.wait <= 2000, `${at}.wait`);
    else checkSelector(step[action], `${at}.${action}`);
    if (step.timeout !== undefined) assert.ok(step.timeout > 0 && step.timeout <= 10000, `${at}.timeout`);
  });
}

test('rules: the five rule files follow docs/consent-rules.md', () => {
  const TOP = ['name', 'vendor', 'cmpIds', 'runs', 'detect', 'prehide', 'payOrConsent', 'refuseAll', 'acceptAll', 'custom', 'done', 'unlock', 'refuseAllKeepsLegitimateInterest', 'reopen'];
  for (const name of RULES) {
    const r = rule(name);
    for (const k of Object.keys(r)) assert.ok(TOP.includes(k), `${name}: unknown field ${k}`);
    if (r.reopen) {
      assert.ok(typeof r.reopen.call === 'string' ? /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*){0,3}$/.test(r.reopen.call)
        : typeof r.reopen.click === 'string', `${name}.reopen: a call or a click`);
      if (r.reopen.click) checkSelector(r.reopen.click, `${name}.reopen.click`);
    }
    assert.equal(r.name, name);
    assert.match(r.name, /^[a-z0-9-]+$/);
    assert.equal(typeof r.vendor, 'string');
    assert.deepEqual(Object.keys(r.runs), ['frame']);
    r.detect.present.forEach((s, i) => checkSelector(s, `${name}.detect.present[${i}]`));
    (r.detect.showing ?? []).forEach((s, i) => checkSelector(s, `${name}.detect.showing[${i}]`));
    for (const s of r.prehide) assert.equal(typeof s, 'string', `${name}.prehide: plain CSS strings`);
    for (const key of ['refuseAll', 'acceptAll', 'done']) if (r[key]) checkSteps(r[key], `${name}.${key}`);
    (r.unlock ?? []).forEach((s, i) => checkSelector(s, `${name}.unlock[${i}]`));
    assert.ok(r.refuseAll && r.acceptAll && r.custom, `${name}: all three answers`);
    checkSteps(r.custom.open, `${name}.custom.open`);
    checkSteps(r.custom.save, `${name}.custom.save`);
    assert.ok(r.custom.toggles.length > 0 || r.custom.tcfPurposes, `${name}: switches`);
    r.custom.toggles.forEach((t, i) => {
      const at = `${name}.custom.toggles[${i}]`;
      checkSelector(t.control, `${at}.control`);
      const mappings = ['tcf', 'specialFeatures', 'category', 'purposes'].filter((k) => k in t);
      assert.ok(mappings.length === 1 || (mappings.length === 0 && t.legitimateInterest === true), `${at}: one mapping`);
      if (t.category) assert.ok(CATEGORY_NAMES.includes(t.category), `${at}.category`);
      if (t.kind) assert.match(t.kind, /^(checkbox|aria|radio|class:.+)$/, `${at}.kind`);
    });
    if (r.cmpIds) assert.ok(r.cmpIds.every(Number.isInteger));
  }
  assert.deepEqual(rule('consentmanager').cmpIds, [31]);
  assert.deepEqual(rule('funding-choices').cmpIds, [300]);
});

test('onetrust: banner, reject all, stored, returning visit', async () => {
  await fresh(ONETRUST);
  await visit(`${ONETRUST}/`);
  assert.ok(await visible('#onetrust-banner-sdk'), 'the banner shows');
  assert.deepEqual(await ruleState('onetrust'), { present: true, showing: true, locked: [] });
  assert.equal(await scrollLocked(), false, 'the flat banner does not lock the page');

  await page.click('#onetrust-reject-all-handler');
  await waitHidden('#onetrust-banner-sdk');
  const state = await recorded('onetrust');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, ALL_FALSE(OT_CATEGORIES));
  assert.equal(otGroups(await cookie('OptanonConsent')), 'C0001:1,C0002:0,C0003:0,C0004:0,C0005:0');
  assert.match(decodeURIComponent(await cookie('OptanonAlertBoxClosed')), /^\d{4}-\d\d-\d\dT/);
  assert.equal(await page.evaluate(() => window.OnetrustActiveGroups), ',C0001,');
  assert.equal(await scrollLocked(), false);
  assert.deepEqual(await ruleState('onetrust'), { present: true, showing: false, locked: [] });

  await visit(`${ONETRUST}/`);
  assert.equal(await page.locator('#onetrust-banner-sdk').count(), 0, 'no banner for a returning visitor');
  assert.deepEqual(await ruleState('onetrust'), { present: true, showing: false, locked: [] });
  assert.equal(await page.locator('#onetrust-consent-sdk').count(), 1, 'the hidden preference center is there');
  assert.equal(await visible('#onetrust-pc-sdk'), false);
});

test('onetrust: accept all', async () => {
  await fresh(ONETRUST);
  await visit(`${ONETRUST}/`);
  await page.click('#onetrust-accept-btn-handler');
  await waitHidden('#onetrust-banner-sdk');
  const state = await recorded('onetrust');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, ALL_TRUE(OT_CATEGORIES));
  assert.equal(otGroups(await cookie('OptanonConsent')), 'C0001:1,C0002:1,C0003:1,C0004:1,C0005:1');
});

test('onetrust: settings, statistics on, marketing off, save', async () => {
  await fresh(ONETRUST);
  await visit(`${ONETRUST}/`);
  await page.click('#onetrust-pc-btn-handler');
  await page.locator('#onetrust-pc-sdk .save-preference-btn-handler').waitFor({ state: 'visible' });
  assert.ok(await scrollLocked(), 'the open preference center locks the page');
  assert.ok(await visible('.onetrust-pc-dark-filter'));
  assert.deepEqual((await ruleState('onetrust')).locked, rule('onetrust').unlock, 'the rule sees the lock');
  // The checkbox has no size: like a person (and the rule), click its label.
  assert.equal(await visible('#ot-group-id-C0002'), false);
  await page.click('label[for="ot-group-id-C0002"]');
  assert.equal(await page.isChecked('#ot-group-id-C0002'), true);
  assert.equal(await page.isChecked('#ot-group-id-C0004'), false);
  await page.click('#onetrust-pc-sdk .save-preference-btn-handler');
  await waitHidden('#onetrust-pc-sdk');
  await waitHidden('#onetrust-banner-sdk');
  const state = await recorded('onetrust');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { statistics: true, preferences: false, marketing: false, socialMedia: false });
  assert.equal(otGroups(await cookie('OptanonConsent')), 'C0001:1,C0002:1,C0003:0,C0004:0,C0005:0');
  assert.equal(await scrollLocked(), false, 'the lock is gone');
  assert.equal(await visible('.onetrust-pc-dark-filter'), false);
  assert.equal(await page.locator('body.ot-overflow-hidden').count(), 0);
  assert.deepEqual((await ruleState('onetrust')).locked, [], 'and sees it gone');
});

test('onetrust ?reload=1: the site reloads once after the answer, and only once', async () => {
  await fresh(ONETRUST);
  await visit(`${ONETRUST}/?reload=1`);
  const reloaded = page.waitForNavigation({ waitUntil: 'load' });
  await page.click('#onetrust-reject-all-handler');
  await reloaded;
  await page.waitForTimeout(700);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('onetrust-example-loads')), '2');
  assert.equal(await page.locator('#onetrust-banner-sdk').count(), 0, 'no banner after the reload');
  assert.equal((await recorded('onetrust')).action, 'reject-all');
});

test('onetrust strict.html: a strict CSP without wasm-unsafe-eval, and the banner still works', async () => {
  await fresh(ONETRUST);
  const response = await visit(`${ONETRUST}/strict.html`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' https:\/\/cmp-kit\.example https:\/\/cdn\.cookielaw\.org;/);
  assert.doesNotMatch(csp, /wasm-unsafe-eval|unsafe-inline|unsafe-eval/);
  const wasm = await page.evaluate(() => WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
    .then(() => 'compiled', (e) => e.name));
  assert.equal(wasm, 'CompileError', 'the page may not compile WebAssembly');
  assert.ok(await visible('#onetrust-banner-sdk'));
  await page.click('#onetrust-reject-all-handler');
  await waitHidden('#onetrust-banner-sdk');
  assert.equal((await recorded('onetrust')).action, 'reject-all');
  assert.equal(otGroups(await cookie('OptanonConsent')), 'C0001:1,C0002:0,C0003:0,C0004:0,C0005:0');
});

// --- Cookiebot ------------------------------------------------------------------------------

const COOKIEBOT = 'https://cookiebot.example';
const CB_CATEGORIES = ['preferences', 'statistics', 'marketing'];
const cbConsent = async () => decodeURIComponent((await cookie('CookieConsent')) ?? '');

test('cookiebot: dialog, deny, stored, returning visit', async () => {
  await fresh(COOKIEBOT);
  await visit(`${COOKIEBOT}/`);
  assert.ok(await visible('#CybotCookiebotDialog'), 'the dialog shows');
  assert.ok(await visible('#CybotCookiebotDialogBodyUnderlay'), 'over its underlay');
  assert.equal(await page.locator('#CybotCookiebotDialog.CybotCookiebotDialogActive').count(), 1);
  assert.deepEqual(await ruleState('cookiebot'), { present: true, showing: true, locked: rule('cookiebot').unlock });

  await page.click('#CybotCookiebotDialogBodyButtonDecline');
  await waitHidden('#CybotCookiebotDialog');
  const state = await recorded('cookiebot');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, ALL_FALSE(CB_CATEGORIES));
  assert.match(await cbConsent(), /^\{stamp:'[^']+',necessary:true,preferences:false,statistics:false,marketing:false,method:'explicit',ver:1,utc:\d+,region:'de'\}$/);
  assert.equal(await page.evaluate(() => window.Cookiebot.declined), true);
  assert.equal(await page.locator('#CybotCookiebotDialog').count(), 1, 'the dialog stays in the DOM, hidden');
  assert.equal(await page.locator('#CybotCookiebotDialog.CybotCookiebotDialogActive').count(), 0);
  assert.equal(await visible('#CybotCookiebotDialogBodyUnderlay'), false);
  assert.equal(await scrollLocked(), false);
  assert.deepEqual(await ruleState('cookiebot'), { present: true, showing: false, locked: [] });

  await visit(`${COOKIEBOT}/`);
  assert.equal(await page.locator('#CybotCookiebotDialog').count(), 0, 'no dialog for a returning visitor');
  assert.equal(await page.evaluate(() => window.Cookiebot.hasResponse), true);
});

test('cookiebot: allow all', async () => {
  await fresh(COOKIEBOT);
  await visit(`${COOKIEBOT}/`);
  await page.click('#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll');
  await waitHidden('#CybotCookiebotDialog');
  const state = await recorded('cookiebot');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, ALL_TRUE(CB_CATEGORIES));
  assert.match(await cbConsent(), /necessary:true,preferences:true,statistics:true,marketing:true,/);
});

test('cookiebot: customize, statistics on, marketing off, allow selection', async () => {
  await fresh(COOKIEBOT);
  await visit(`${COOKIEBOT}/`);
  assert.equal(await visible('#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection'), false);
  await page.click('#CybotCookiebotDialogBodyLevelButtonCustomize');
  await page.locator('#CybotCookiebotDialogBodyLevelButtonStatisticsInline').waitFor({ state: 'visible' });
  await page.check('#CybotCookiebotDialogBodyLevelButtonStatisticsInline');
  assert.equal(await page.isChecked('#CybotCookiebotDialogBodyLevelButtonStatistics'), true, 'the first-layer switch follows');
  assert.equal(await page.isChecked('#CybotCookiebotDialogBodyLevelButtonMarketingInline'), false);
  assert.equal(await page.isDisabled('#CybotCookiebotDialogBodyLevelButtonNecessaryInline'), true);
  await page.click('#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection');
  await waitHidden('#CybotCookiebotDialog');
  const state = await recorded('cookiebot');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: false, statistics: true, marketing: false });
  assert.match(await cbConsent(), /necessary:true,preferences:false,statistics:true,marketing:false,/);
  assert.equal(await visible('#CybotCookiebotDialogBodyUnderlay'), false);
});

test('cookiebot ?ga=1: _ga and _gid are set even after a refusal', async () => {
  await fresh(COOKIEBOT);
  await visit(`${COOKIEBOT}/?ga=1`);
  assert.ok(await cookie('_ga'), 'set as the page loads, before any answer');
  await page.evaluate(() => { document.cookie = '_ga=; path=/; max-age=0'; document.cookie = '_gid=; path=/; max-age=0'; });
  assert.equal(await cookie('_ga'), null);
  await page.click('#CybotCookiebotDialogBodyButtonDecline');
  await waitHidden('#CybotCookiebotDialog');
  assert.equal((await recorded('cookiebot')).action, 'reject-all');
  assert.match(await cbConsent(), /statistics:false,marketing:false/);
  assert.equal(await cookie('_ga'), 'GA1.1.1402655329.1767225600', 'set again after the refusal');
  assert.equal(await cookie('_gid'), 'GA1.1.873054216.1767225600');
});

test('cookiebot hidden.html: the markup is present but not shown', async () => {
  await fresh(COOKIEBOT);
  await visit(`${COOKIEBOT}/hidden.html`);
  assert.deepEqual(await ruleState('cookiebot'), { present: true, showing: false, locked: [] }, 'present, not showing');
  await page.waitForTimeout(300);
  assert.equal((await ruleState('cookiebot')).showing, false, 'and it stays so');
  assert.equal(await visible('#CybotCookiebotDialogBodyUnderlay'), false);
  assert.equal(await recorded('cookiebot'), null);
  assert.equal(await cookie('CookieConsent'), null);
});

// --- TCF helpers ----------------------------------------------------------------------------

// What __tcfapi tells a vendor script right now (addEventListener answers at once).
async function tcData() {
  return page.evaluate(() => new Promise((resolve) => {
    window.__tcfapi('addEventListener', 2, (data) => {
      window.__tcfapi('removeEventListener', 2, () => {}, data.listenerId);
      resolve({ eventStatus: data.eventStatus, cmpId: data.cmpId, tcString: data.tcString });
    });
  }));
}

async function waitRecorded(cmp) {
  await page.waitForFunction((name) => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}')[name], cmp, { timeout: 3000 });
  return recorded(cmp);
}

const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const LI_PURPOSES = [2, 7, 8, 9, 10, 11];
const VENDORS = [2, 21, 91, 755, 804];
const TCF_CATEGORIES = ['marketing', 'personalisation', 'statistics', 'preciseGeolocation'];

// --- consentmanager.net ---------------------------------------------------------------------

const CONSENTMANAGER = 'https://consentmanager.example';
const xpath = (ruleSelector) => `xpath=${ruleSelector.replace(/^xpath\//, '')}`;

test('consentmanager: layer, reject all, TC string, cookies, returning visit', async () => {
  await fresh(CONSENTMANAGER);
  await visit(`${CONSENTMANAGER}/`);
  assert.ok(await visible('#cmpbox .cmpmore'), 'the layer shows');
  assert.ok(await visible('#cmpbox2'), 'over its dimming layer');
  assert.deepEqual(await tcData(), { eventStatus: 'cmpuishown', cmpId: 31, tcString: '' });
  assert.deepEqual(await ruleState('consentmanager'), { present: true, showing: true, locked: [] });

  await page.click('#cmpbox .cmpboxbtnno');
  const state = await waitRecorded('consentmanager');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, ALL_FALSE(TCF_CATEGORIES));
  assert.deepEqual(state.purposes, { consent: [], legitimateInterest: [] });
  assert.deepEqual(state.specialFeatures, []);
  const decoded = decodeTcString(state.tcString);
  assert.equal(decoded.cmpId, 31);
  assert.deepEqual([decoded.purposeConsents, decoded.purposeLegitimateInterests, decoded.vendorConsents], [[], [], []]);
  assert.equal(await cookie('__cmpconsentx51234'), state.tcString);
  assert.equal(await cookie('__cmpcpcx51234'), '____');
  assert.equal(await cookie('__cmpcvcx51234'), '__U__');
  assert.deepEqual(await tcData(), { eventStatus: 'useractioncomplete', cmpId: 31, tcString: state.tcString });
  assert.equal(await visible('#cmpbox'), false);
  assert.equal(await visible('#cmpbox2'), false);
  assert.equal(await scrollLocked(), false);
  assert.deepEqual(await ruleState('consentmanager'), { present: true, showing: false, locked: [] });

  await visit(`${CONSENTMANAGER}/`);
  assert.equal(await page.locator('#cmpbox').count(), 0, 'no layer for a returning visitor');
  assert.equal((await ruleState('consentmanager')).present, false);
  assert.deepEqual(await tcData(), { eventStatus: 'tcloaded', cmpId: 31, tcString: state.tcString });
});

test('consentmanager: accept all', async () => {
  await fresh(CONSENTMANAGER);
  await visit(`${CONSENTMANAGER}/`);
  await page.click('#cmpbox .cmpboxbtnyes');
  const state = await waitRecorded('consentmanager');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, ALL_TRUE(TCF_CATEGORIES));
  const decoded = decodeTcString(state.tcString);
  assert.deepEqual(decoded.purposeConsents, ALL_PURPOSES);
  assert.deepEqual(decoded.purposeLegitimateInterests, LI_PURPOSES);
  assert.deepEqual(decoded.specialFeatureOptins, [1, 2]);
  assert.deepEqual(decoded.vendorConsents, VENDORS);
  assert.equal(await cookie('__cmpcpcx51234'), '__1_2_3_4_5_6_7_8_9_10_11__');
});

test('consentmanager: customize, statistics purposes on, marketing off, save', async () => {
  await fresh(CONSENTMANAGER);
  await visit(`${CONSENTMANAGER}/`);
  const r = rule('consentmanager');
  await page.click('#cmpbox .cmpboxbtncustom');
  await page.locator('#cmpbox .cmptblbox').waitFor({ state: 'visible' });
  const toggle = (id) => r.custom.toggles.find((t) => t.tcf?.[0] === id);
  assert.equal(r.custom.toggles.length, 13, 'every purpose and special feature has a switch');
  for (const t of r.custom.toggles) {
    assert.equal(await page.locator(xpath(t.control)).count(), 1, `${t.control} matches one switch`);
    assert.equal(await page.locator(xpath(t.control)).getAttribute('aria-checked'), 'false');
  }
  for (const id of [8, 9, 10]) await page.click(xpath(toggle(id).control));
  assert.equal(await page.locator(xpath(toggle(9).control)).getAttribute('aria-checked'), 'true');
  assert.equal(await page.locator(xpath(toggle(9).control)).locator('.cmponofftext').textContent(), 'on');
  await page.click('#cmpbox .cmpboxbtnyescustomchoices');
  const state = await waitRecorded('consentmanager');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: true, preciseGeolocation: false });
  assert.deepEqual(state.purposes, { consent: [8, 9, 10], legitimateInterest: [8, 9, 10] });
  const decoded = decodeTcString(state.tcString);
  assert.deepEqual(decoded.purposeConsents, [8, 9, 10]);
  assert.deepEqual(decoded.vendorConsents, []);
  assert.equal(await visible('#cmpbox'), false);
  assert.equal(await visible('#cmpbox2'), false);
});

// --- Google Funding Choices -----------------------------------------------------------------

const FUNDING_CHOICES = 'https://funding-choices.example';
const fcStoredTcString = async () => JSON.parse(decodeURIComponent(await cookie('FCCDCF')))[3][0];

test('funding-choices: message, do not consent (legitimate interest stays), FCCDCF, returning visit', async () => {
  await fresh(FUNDING_CHOICES);
  await visit(`${FUNDING_CHOICES}/`);
  assert.ok(await visible('.fc-consent-root .fc-dialog-container .fc-choice-dialog'), 'the message shows');
  assert.ok(await visible('.fc-dialog-overlay'));
  assert.deepEqual(await tcData(), { eventStatus: 'cmpuishown', cmpId: 300, tcString: '' });
  assert.deepEqual(await ruleState('funding-choices'), { present: true, showing: true, locked: rule('funding-choices').unlock });

  await page.click('.fc-consent-root .fc-cta-do-not-consent');
  const state = await waitRecorded('funding-choices');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, ALL_FALSE(TCF_CATEGORIES));
  assert.deepEqual(state.purposes, { consent: [], legitimateInterest: LI_PURPOSES });
  const decoded = decodeTcString(state.tcString);
  assert.equal(decoded.cmpId, 300);
  assert.deepEqual(decoded.purposeConsents, []);
  assert.deepEqual(decoded.purposeLegitimateInterests, LI_PURPOSES, '"Do not consent" leaves legitimate interest on');
  assert.equal(await fcStoredTcString(), state.tcString);
  assert.equal(await page.locator('.fc-consent-root').count(), 0, 'the message is removed');
  assert.deepEqual(await tcData(), { eventStatus: 'useractioncomplete', cmpId: 300, tcString: state.tcString });
  assert.equal(await scrollLocked(), false);
  assert.deepEqual(await ruleState('funding-choices'), { present: false, showing: false, locked: [] });

  await visit(`${FUNDING_CHOICES}/`);
  assert.equal(await page.locator('.fc-consent-root').count(), 0, 'no message for a returning visitor');
  assert.deepEqual(await tcData(), { eventStatus: 'tcloaded', cmpId: 300, tcString: state.tcString });
});

test('funding-choices: consent', async () => {
  await fresh(FUNDING_CHOICES);
  await visit(`${FUNDING_CHOICES}/`);
  await page.click('.fc-consent-root .fc-cta-consent');
  const state = await waitRecorded('funding-choices');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, ALL_TRUE(TCF_CATEGORIES));
  const decoded = decodeTcString(state.tcString);
  assert.deepEqual(decoded.purposeConsents, ALL_PURPOSES);
  assert.deepEqual(decoded.specialFeatureOptins, [1, 2]);
  assert.deepEqual(decoded.vendorConsents, VENDORS);
});

test('funding-choices: manage options by TCF purpose id, statistics on, marketing and its LI off, confirm', async () => {
  await fresh(FUNDING_CHOICES);
  await visit(`${FUNDING_CHOICES}/`);
  const { tcfPurposes } = rule('funding-choices').custom;
  const consent = (id) => tcfPurposes.consent.replace('{id}', id);
  const li = (id) => tcfPurposes.legitimateInterest.replace('{id}', id);
  await page.click('.fc-consent-root .fc-cta-manage-options');
  await page.locator('.fc-data-preferences-dialog .fc-confirm-choices').waitFor({ state: 'visible' });
  for (let id = 1; id <= 11; id++) assert.equal(await page.isChecked(consent(id)), false, `consent ${id} starts off`);
  for (const id of LI_PURPOSES) assert.equal(await page.isChecked(li(id)), true, `legitimate interest ${id} starts on`);
  assert.equal(await page.locator(li(3)).count(), 0, 'no legitimate interest for purpose 3');
  assert.equal(await page.locator(tcfPurposes.specialFeatures.replace('{id}', 1)).count(), 1);
  for (const id of [8, 9, 10]) await page.check(consent(id));
  for (const id of [2, 7]) await page.uncheck(li(id));
  assert.equal(await page.getAttribute(consent(8), 'aria-pressed'), 'true');
  await page.click('.fc-data-preferences-dialog .fc-confirm-choices');
  const state = await waitRecorded('funding-choices');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: true, preciseGeolocation: false });
  assert.deepEqual(state.purposes, { consent: [8, 9, 10], legitimateInterest: [8, 9, 10, 11] });
  const decoded = decodeTcString(state.tcString);
  assert.deepEqual(decoded.purposeConsents, [8, 9, 10]);
  assert.deepEqual(decoded.purposeLegitimateInterests, [8, 9, 10, 11]);
  assert.equal(await page.locator('.fc-consent-root').count(), 0);
});

test('funding-choices ?lie=1: the stored TC string consents to everything after a refusal', async () => {
  await fresh(FUNDING_CHOICES);
  await visit(`${FUNDING_CHOICES}/?lie=1`);
  await page.click('.fc-consent-root .fc-cta-do-not-consent');
  const state = await waitRecorded('funding-choices');
  assert.equal(state.lie, true);
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.purposes.consent, [], 'the person refused');
  const stored = decodeTcString(await fcStoredTcString());
  assert.deepEqual(stored.purposeConsents, ALL_PURPOSES, 'the CMP says every purpose was accepted');
  assert.deepEqual(stored.vendorConsents, VENDORS);
  assert.equal((await tcData()).tcString, state.tcString, '__tcfapi tells vendors the same lie');
});

// --- Usercentrics -----------------------------------------------------------------------------

const USERCENTRICS = 'https://usercentrics.example';
// Playwright's CSS engine goes into open shadow roots by itself.
const uc = (testid) => `#usercentrics-root [data-testid=${testid}]`;
const ucSettings = () => page.evaluate(() => JSON.parse(localStorage.getItem('uc_settings')));
const ucStatus = (settings, id) => settings.services.find((s) => s.id === id).status;
const GA = 'HkocEodjb7';
const ADS = 'S1_9Vsuj-Q';
const UC_CMP = 'H1Vl5NidjWX';

// A closed shadow root, reached the way DevTools does (DOM.getDocument with pierce): click the
// element matching `selector` inside #usercentrics-root's shadow root, or read its attribute.
async function closedShadow(selector) {
  const cdp = await h.context.newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const find = (node) => {
      if (node.attributes?.some((v, i, a) => i % 2 === 0 && v === 'id' && a[i + 1] === 'usercentrics-root')) return node;
      for (const child of [...(node.children ?? []), ...(node.shadowRoots ?? [])]) {
        const found = find(child);
        if (found) return found;
      }
      return null;
    };
    const host = find(root);
    assert.equal(host.shadowRoots?.[0]?.shadowRootType, 'closed');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: host.shadowRoots[0].nodeId, selector });
    if (!nodeId) return null;
    const { attributes } = await cdp.send('DOM.getAttributes', { nodeId });
    const { model } = await cdp.send('DOM.getBoxModel', { nodeId }).catch(() => ({ model: null }));
    return {
      attribute: (name) => attributes[attributes.indexOf(name) + 1],
      visible: Boolean(model && model.width > 0 && model.height > 0),
      click: async () => {
        const [x1, y1, , , x3, y3] = model.border;
        await page.mouse.click((x1 + x3) / 2, (y1 + y3) / 2);
      },
    };
  } finally {
    await cdp.detach();
  }
}

test('usercentrics: open shadow root, deny, uc_settings, returning visit', async () => {
  await fresh(USERCENTRICS);
  await visit(`${USERCENTRICS}/`);
  assert.equal(await page.evaluate(() => document.getElementById('usercentrics-root').shadowRoot?.mode), 'open');
  assert.ok(await visible(uc('uc-default-wall')), 'the first layer shows');
  assert.equal(await page.locator('#usercentrics-root [data-testid=uc-default-wall]').count(), 1);
  assert.equal(await page.evaluate(() => document.querySelector('[data-testid=uc-deny-all-button]')), null, 'not in the light DOM');
  assert.ok(await scrollLocked(), 'the wall locks the page');
  assert.deepEqual(await ruleState('usercentrics'), { present: true, showing: true, locked: ['body.overflowHidden'] });

  await page.click(uc('uc-deny-all-button'));
  await page.locator(uc('uc-buttons-container')).waitFor({ state: 'detached' });
  const state = await recorded('usercentrics');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { statistics: false, marketing: false });
  const settings = await ucSettings();
  assert.equal(settings.id, 'Fx7kQ2pLm');
  assert.deepEqual([ucStatus(settings, UC_CMP), ucStatus(settings, GA), ucStatus(settings, ADS)], [true, false, false]);
  assert.equal(settings.services[1].history.at(-1).action, 'onDenyAllServices');
  assert.equal(await page.evaluate(() => localStorage.getItem('uc_user_interaction')), 'true');
  assert.equal(await page.evaluate(() => UC_UI.areAllConsentsAccepted()), false);
  assert.ok(await visible(uc('uc-privacy-button')), 'only the privacy button is left');
  assert.equal(await scrollLocked(), false);
  assert.equal(await page.locator('body.overflowHidden').count(), 0);
  assert.deepEqual(await ruleState('usercentrics'), { present: true, showing: false, locked: [] });

  await visit(`${USERCENTRICS}/`);
  assert.equal(await page.locator(uc('uc-buttons-container')).count(), 0, 'no dialog for a returning visitor');
  assert.deepEqual(await ruleState('usercentrics'), { present: true, showing: false, locked: [] });
  assert.ok(await visible(uc('uc-privacy-button')));
});

test('usercentrics: accept all', async () => {
  await fresh(USERCENTRICS);
  await visit(`${USERCENTRICS}/`);
  await page.click(uc('uc-accept-all-button'));
  await page.locator(uc('uc-buttons-container')).waitFor({ state: 'detached' });
  const state = await recorded('usercentrics');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, { statistics: true, marketing: true });
  const settings = await ucSettings();
  assert.deepEqual([ucStatus(settings, GA), ucStatus(settings, ADS)], [true, true]);
  assert.equal(await page.evaluate(() => UC_UI.areAllConsentsAccepted()), true);
});

test('usercentrics: settings, functional (statistics) on, marketing off, save', async () => {
  await fresh(USERCENTRICS);
  await visit(`${USERCENTRICS}/`);
  await page.click(uc('uc-more-button'));
  await page.locator(uc('uc-save-button')).waitFor({ state: 'visible' });
  assert.ok(await scrollLocked());
  assert.equal(await page.getAttribute(uc('uc-toggle-toggle-functional'), 'aria-checked'), 'false');
  assert.equal(await page.getAttribute(uc('uc-toggle-toggle-marketing'), 'aria-checked'), 'false');
  assert.equal(await page.getAttribute('#usercentrics-root #toggle-toggle-essential', 'aria-disabled'), 'true');
  await page.click(uc('uc-toggle-toggle-functional'));
  assert.equal(await page.getAttribute(uc('uc-toggle-toggle-functional'), 'aria-checked'), 'true');
  await page.click(uc('uc-save-button'));
  await page.locator(uc('uc-buttons-container')).waitFor({ state: 'detached' });
  const state = await recorded('usercentrics');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { statistics: true, marketing: false });
  const settings = await ucSettings();
  assert.deepEqual([ucStatus(settings, GA), ucStatus(settings, ADS)], [true, false]);
  assert.equal(settings.services[1].history.at(-1).action, 'onUpdateServices');
  assert.equal(await scrollLocked(), false);
});

test('usercentrics ?shadow=closed: the page cannot see into the shadow root; its buttons still work', async () => {
  await fresh(USERCENTRICS);
  await visit(`${USERCENTRICS}/?shadow=closed`);
  assert.equal(await page.evaluate(() => document.getElementById('usercentrics-root').shadowRoot), null);
  assert.equal(await page.locator(uc('uc-deny-all-button')).count(), 0, 'not even Playwright’s CSS reaches it');
  assert.ok(await scrollLocked(), 'the dialog is up');
  assert.ok((await closedShadow('[data-testid=uc-default-wall]')).visible);

  await (await closedShadow('[data-testid=uc-more-button]')).click();
  const functional = await closedShadow('[data-testid=uc-toggle-toggle-functional]');
  assert.equal(functional.attribute('aria-checked'), 'false');
  await functional.click();
  assert.equal((await closedShadow('[data-testid=uc-toggle-toggle-functional]')).attribute('aria-checked'), 'true');
  await (await closedShadow('[data-testid=uc-save-button]')).click();
  await page.waitForFunction(() => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}').usercentrics);
  const state = await recorded('usercentrics');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { statistics: true, marketing: false });
  assert.equal(await closedShadow('[data-testid=uc-buttons-container]'), null, 'the dialog is gone');
  assert.equal(await scrollLocked(), false);
});
