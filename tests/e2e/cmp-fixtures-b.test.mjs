// Self-test of the consent-dialog fixtures of group B (CookieYes, Quantcast Choice, Osano, Didomi,
// TrustArc, Complianz) and of their built-in rules' selectors: Chromium without the extension
// visits each publisher page, clicks through the vendor's own buttons exactly as the rule's
// steps would (reject all; accept all; settings → switches → save for a mixed choice:
// statistics on, marketing off), and checks what the page recorded (CmpKit.record), the
// vendor's own consent storage, that the dialog is gone, that no scroll lock or overlay is
// left, that a returning visitor gets no dialog, and what makes each variant a variant.
//
// The selectors used here are read from data/consent/<rule>.json wherever the rule has them,
// so a fixture that drifts from its rule fails here first.

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
  page.setDefaultTimeout(5000); // a fixture that misbehaves fails fast
});

after(async () => {
  await h?.close();
});

// A first visit: every cookie and the origin's storage forgotten, then the page.
async function firstVisit(url, { quiet = true } = {}) {
  await h.context.clearCookies();
  const cdp = await h.context.newCDPSession(page);
  try {
    await cdp.send('Storage.clearDataForOrigin', { origin: new URL(url).origin, storageTypes: 'all' });
  } finally {
    await cdp.detach();
  }
  if (quiet) await h.visit(page, url);
  else await page.goto(url, { waitUntil: 'load' });
}

// What the page recorded for `cmp` (CmpKit.record), once it is there.
async function recorded(cmp, p = page) {
  const handle = await p.waitForFunction((name) => {
    const all = JSON.parse(localStorage.getItem('fixture-consent') ?? '{}');
    return all[name] ?? null;
  }, cmp, { timeout: 5000 });
  return handle.jsonValue();
}

async function cookie(name) {
  const found = (await h.context.cookies(page.url())).find((c) => c.name === name);
  return found ? decodeURIComponent(found.value) : null;
}

// A CSS selector of a rule (a chain is not used by these rules).
function css(selector) {
  assert.equal(typeof selector, 'string', 'a plain selector');
  return selector;
}

// Clicks as a rule's `click` step does: the first element matching (the executor uses
// element.click(); a real pointer click is used for what a person can click, which also proves
// it is not covered).
async function click(selector, { frame = page } = {}) {
  await frame.locator(css(selector)).first().click();
}

// Sets a checkbox switch as a rule's toggle does: clicked only if it is not in the wished state.
async function setCheckbox(selector, on, { frame = page } = {}) {
  const box = frame.locator(css(selector)).first();
  if ((await box.isChecked()) !== on) await box.evaluate((el) => el.click());
  assert.equal(await box.isChecked(), on, `${selector} is ${on ? 'on' : 'off'}`);
}

// No element of the rule's `unlock` list is left matched or visible.
async function assertUnlocked(name, frame = page) {
  for (const selector of rule(name).unlock ?? []) {
    assert.equal(await frame.locator(css(selector)).count(), 0, `unlock: ${selector} is gone`);
  }
}

async function assertGone(selector, frame = page) {
  await frame.locator(css(selector)).first().waitFor({ state: 'hidden', timeout: 3000 });
}

function toggle(name, category) {
  const found = rule(name).custom.toggles.find((t) => t.category === category);
  assert.ok(found, `${name} has a ${category} toggle`);
  return found.control;
}

// ---------------------------------------------------------------------------------------------
// The rule files, checked against docs/consent-rules.md (there is no validator yet): known fields
// only, steps with one action key, selectors that are non-empty strings or chains, toggles with
// exactly one mapping, and every CSS selector accepted by Chromium's own parser.

const RULES = ['cookieyes', 'quantcast', 'osano', 'didomi', 'trustarc-top', 'trustarc-frame', 'complianz'];
const CATEGORIES = ['preferences', 'statistics', 'marketing', 'personalisation', 'socialMedia', 'saleOrSharing', 'preciseGeolocation'];
const PURPOSE_KEYS = ['strictlyNecessary', 'preferences', 'storeOnDevice', 'limitedDataAds', 'adProfiles', 'personalisedAds',
  'contentProfiles', 'personalisedContent', 'adMeasurement', 'contentMeasurement', 'audienceResearch', 'productDevelopment',
  'limitedDataContent', 'socialMedia', 'saleOrSharing', 'preciseGeolocation', 'deviceScanning'];
const STEP_OPTIONS = {
  click: ['all', 'optional'], waitFor: ['visible', 'timeout', 'optional'], waitForGone: ['timeout', 'optional'],
  waitForThenClick: ['visible', 'timeout', 'optional'], wait: ['optional'], hide: ['optional'],
  if: ['then', 'else', 'optional'], any: ['optional'], set: ['on', 'kind', 'optional'],
};

function checkRule(name, r) {
  const selectors = [];
  const fail = (path, why) => assert.fail(`${name}.${path}: ${why}`);
  const only = (path, object, keys) => {
    for (const k of Object.keys(object)) if (!keys.includes(k)) fail(path, `unknown field ${k}`);
  };
  const selector = (path, s) => {
    const chain = typeof s === 'string' ? [s] : s;
    if (!Array.isArray(chain) || chain.length === 0) fail(path, 'not a selector');
    for (const part of chain) {
      if (typeof part !== 'string' || part.trim() === '') fail(path, 'empty selector');
      if (!part.startsWith('xpath/')) selectors.push([path, part]);
    }
  };
  const list = (path, v) => {
    if (!Array.isArray(v)) fail(path, 'not a list of selectors');
    v.forEach((s, i) => selector(`${path}[${i}]`, s));
  };
  const condition = (path, c) => {
    const keys = Object.keys(c);
    if (keys.length !== 1 || !['exists', 'visible', 'not'].includes(keys[0])) fail(path, 'not a condition');
    if (keys[0] === 'not') condition(`${path}.not`, c.not);
    else selector(`${path}.${keys[0]}`, c[keys[0]]);
  };
  const steps = (path, v) => {
    if (!Array.isArray(v)) fail(path, 'not a list of steps');
    v.forEach((step, i) => {
      const p = `${path}[${i}]`;
      const actions = Object.keys(step).filter((k) => k in STEP_OPTIONS);
      if (actions.length !== 1) fail(p, `${actions.length} action keys`);
      const [action] = actions;
      only(p, step, [action, ...STEP_OPTIONS[action]]);
      if ('timeout' in step && !(step.timeout > 0 && step.timeout <= 10000)) fail(p, 'timeout out of range');
      if ('optional' in step && typeof step.optional !== 'boolean') fail(p, 'optional is not a boolean');
      if (action === 'wait') {
        if (!(step.wait > 0 && step.wait <= 2000)) fail(p, 'wait out of range');
      } else if (action === 'if') {
        condition(`${p}.if`, step.if);
        if (step.then) steps(`${p}.then`, step.then);
        if (step.else) steps(`${p}.else`, step.else);
      } else if (action === 'any') {
        steps(`${p}.any`, step.any);
      } else {
        selector(`${p}.${action}`, step[action]);
      }
    });
  };
  const kind = (path, k, t) => {
    if (k === undefined || ['checkbox', 'aria'].includes(k) || /^class:[\w-]+$/.test(k)) return;
    if (k !== 'radio') fail(path, `unknown kind ${k}`);
    if (t) selector(`${path}.off`, t.off);
  };

  only('', r, ['name', 'vendor', 'cmpIds', 'runs', 'detect', 'prehide', 'payOrConsent', 'refuseAll', 'acceptAll',
    'custom', 'done', 'unlock', 'refuseAllKeepsLegitimateInterest', 'reopen']);
  if (r.reopen) {
    only('reopen', r.reopen, ['call', 'args', 'click']);
    if (r.reopen.click) selector('reopen.click', r.reopen.click);
    else assert.match(r.reopen.call, /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*){0,3}$/, 'reopen.call');
  }
  assert.equal(r.name, name);
  assert.match(r.name, /^[a-z0-9-]+$/);
  assert.equal(typeof r.vendor, 'string');
  if (r.cmpIds) assert.ok(r.cmpIds.every(Number.isInteger), 'cmpIds');
  if (r.runs) {
    only('runs', r.runs, ['frame', 'urls']);
    if (r.runs.frame) assert.ok(['top', 'child', 'any'].includes(r.runs.frame), 'runs.frame');
    if (r.runs.urls) new RegExp(r.runs.urls); // eslint-disable-line no-new
  }
  only('detect', r.detect, ['present', 'showing']);
  list('detect.present', r.detect.present);
  if (r.detect.showing) list('detect.showing', r.detect.showing);
  for (const key of ['prehide', 'payOrConsent', 'unlock']) {
    if (!(key in r)) continue;
    list(key, r[key]);
    if (key === 'prehide') assert.ok(r.prehide.every((s) => typeof s === 'string' && !s.startsWith('xpath/')), 'prehide: plain CSS');
  }
  assert.ok(r.refuseAll || r.acceptAll || r.custom, 'one of refuseAll, acceptAll, custom');
  for (const key of ['refuseAll', 'acceptAll', 'done']) if (key in r) steps(key, r[key]);
  if ('refuseAllKeepsLegitimateInterest' in r) assert.equal(typeof r.refuseAllKeepsLegitimateInterest, 'boolean');
  if (r.custom) {
    only('custom', r.custom, ['open', 'toggles', 'tcfPurposes', 'save']);
    if (r.custom.open) steps('custom.open', r.custom.open);
    steps('custom.save', r.custom.save);
    (r.custom.toggles ?? []).forEach((t, i) => {
      const p = `custom.toggles[${i}]`;
      only(p, t, ['control', 'kind', 'off', 'tcf', 'specialFeatures', 'category', 'purposes', 'legitimateInterest']);
      selector(`${p}.control`, t.control);
      kind(p, t.kind, t);
      const mappings = ['tcf', 'specialFeatures', 'category', 'purposes'].filter((k) => k in t);
      if (mappings.length > 1 || (mappings.length === 0 && t.legitimateInterest !== true)) fail(p, 'one mapping');
      if (t.tcf) assert.ok(t.tcf.every((id) => id >= 1 && id <= 11), `${p}.tcf`);
      if (t.specialFeatures) assert.ok(t.specialFeatures.every((id) => id === 1 || id === 2), `${p}.specialFeatures`);
      if (t.category) assert.ok(CATEGORIES.includes(t.category), `${p}.category`);
      if (t.purposes) assert.ok(t.purposes.every((k) => PURPOSE_KEYS.includes(k)), `${p}.purposes`);
      if ('legitimateInterest' in t) assert.equal(typeof t.legitimateInterest, 'boolean');
    });
    if (r.custom.tcfPurposes) {
      const t = r.custom.tcfPurposes;
      only('custom.tcfPurposes', t, ['consent', 'legitimateInterest', 'specialFeatures', 'kind']);
      for (const k of ['consent', 'legitimateInterest', 'specialFeatures']) {
        if (k in t) {
          assert.ok(String(t[k]).includes('{id}'), `tcfPurposes.${k} has {id}`);
          selector(`custom.tcfPurposes.${k}`, String(t[k]).replaceAll('{id}', '1'));
        }
      }
      kind('custom.tcfPurposes', t.kind);
    }
  }
  return selectors;
}

test('the rule files follow docs/consent-rules.md, and Chromium parses every selector', async () => {
  const all = RULES.flatMap((name) => checkRule(name, rule(name)).map(([path, s]) => [`${name}.${path}`, s]));
  const bad = await page.evaluate((list) => list.filter(([, s]) => {
    try {
      document.createDocumentFragment().querySelector(s);
      return false;
    } catch {
      return true;
    }
  }), all);
  assert.deepEqual(bad, []);
});

// ---------------------------------------------------------------------------------------------
// CookieYes

const CKY = 'https://cookieyes.example/';

test('CookieYes: reject all on the banner', async () => {
  const r = rule('cookieyes');
  await firstVisit(CKY);
  await page.locator(r.detect.present[0]).waitFor({ state: 'visible' });
  await click(r.refuseAll[0].then[0].click);
  const state = await recorded('cookieyes');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { preferences: false, statistics: false, marketing: false });
  assert.match(await cookie('cookieyes-consent'), /consent:no,action:yes,necessary:yes,functional:no,analytics:no,performance:no,advertisement:no/);
  await assertGone(r.detect.present[0]);
  await assertUnlocked('cookieyes');
  // A returning visitor: no banner at all.
  await h.visit(page, CKY);
  assert.equal(await page.locator('.cky-consent-container').count(), 0);
});

test('CookieYes: accept all', async () => {
  const r = rule('cookieyes');
  await firstVisit(CKY);
  await click(r.acceptAll[0].click);
  const state = await recorded('cookieyes');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, { preferences: true, statistics: true, marketing: true });
  assert.match(await cookie('cookieyes-consent'), /consent:yes,action:yes,.*advertisement:yes/);
  await assertGone(r.detect.present[0]);
});

test('CookieYes: settings → statistics on, marketing off → save', async () => {
  const r = rule('cookieyes');
  await firstVisit(CKY);
  await click(r.custom.open[0].click);
  await page.locator(r.custom.open[1].waitFor).waitFor({ state: 'visible' });
  assert.equal(await page.locator('.cky-overlay').isVisible(), true, 'the overlay is shown with the preference centre');
  for (const t of r.custom.toggles) {
    await setCheckbox(t.control, t.category === 'statistics');
  }
  await click(r.custom.save[0].click);
  const state = await recorded('cookieyes');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: false, statistics: true, marketing: false });
  assert.match(await cookie('cookieyes-consent'), /functional:no,analytics:yes,performance:yes,advertisement:no/);
  await assertGone(r.detect.present[0]);
  await assertUnlocked('cookieyes');
});

test('CookieYes ?noreject=1: no reject button; refusing goes through the settings layer', async () => {
  const r = rule('cookieyes');
  await firstVisit(`${CKY}?noreject=1`);
  await page.locator(r.detect.present[0]).waitFor({ state: 'visible' });
  const branch = r.refuseAll[0];
  assert.equal(await page.locator(branch.if.exists).count(), 0, 'the banner has no reject button');
  assert.equal(await page.locator('[data-cky-tag=detail-reject-button]').count(), 0, 'nor has the preference centre');
  // The rule's else branch, step by step.
  await click(branch.else[0].click);
  await page.locator(branch.else[1].waitFor).waitFor({ state: 'visible' });
  await setCheckbox(toggle('cookieyes', 'statistics'), true); // something to uncheck
  for (const box of await page.locator(branch.else[2].click).all()) await box.evaluate((el) => el.click());
  await click(branch.else[3].click);
  const state = await recorded('cookieyes');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: false, statistics: false, marketing: false });
  assert.match(await cookie('cookieyes-consent'), /consent:no,action:yes/);
  await assertGone(r.detect.present[0]);
  await assertUnlocked('cookieyes');
});

// ---------------------------------------------------------------------------------------------
// TCF helpers

// Sets an aria switch as a rule's toggle of kind `aria` does.
async function setAria(selector, on, { frame = page } = {}) {
  const sw = frame.locator(css(selector)).first();
  if (((await sw.getAttribute('aria-checked')) === 'true') !== on) await sw.click();
  assert.equal(await sw.getAttribute('aria-checked'), String(on), `${selector} is ${on ? 'on' : 'off'}`);
}

const template = (selector, id) => selector.replaceAll('{id}', String(id));

// What __tcfapi answers (getTCData) on the page.
function tcData() {
  return page.evaluate(() => new Promise((resolve) => {
    window.__tcfapi('getTCData', 2, (data) => resolve({ eventStatus: data.eventStatus, tcString: data.tcString, cmpId: data.cmpId }));
  }));
}

const LI_PURPOSES = [2, 7, 8, 9, 10, 11];

// ---------------------------------------------------------------------------------------------
// Quantcast Choice

const QC = 'https://quantcast.example/';

test('Quantcast: DISAGREE refuses consent and keeps legitimate interest; a returning visit loads the TC string', async () => {
  const r = rule('quantcast');
  await firstVisit(QC);
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible' });
  assert.equal(await page.locator(r.unlock[0]).isVisible(), true, 'the dimmed layer is up');
  assert.equal(await page.evaluate(() => new Promise((resolve) => window.__tcfapi('ping', 2, (p) => resolve(p.displayStatus)))), 'visible');
  assert.equal((await tcData()).eventStatus, 'cmpuishown');
  assert.equal(r.refuseAllKeepsLegitimateInterest, true);
  assert.equal(await page.locator(r.refuseAll[0].if.exists).count(), 1);
  await click(r.refuseAll[0].then[0].waitForThenClick);
  const state = await recorded('quantcast');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.purposes, { consent: [], legitimateInterest: LI_PURPOSES });
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: false, preciseGeolocation: false });
  const tc = decodeTcString(await cookie('euconsent-v2'));
  assert.equal(tc.cmpId, 10);
  assert.deepEqual(tc.purposeConsents, []);
  assert.deepEqual(tc.purposeLegitimateInterests, LI_PURPOSES);
  assert.equal(state.tcString, await cookie('euconsent-v2'));
  assert.equal((await tcData()).eventStatus, 'useractioncomplete');
  await assertGone(r.detect.showing[0]);
  await assertUnlocked('quantcast');
  await h.visit(page, QC);
  assert.equal(await page.locator(r.detect.showing[0]).count(), 0, 'no dialog on a returning visit');
  assert.deepEqual(await tcData(), { eventStatus: 'tcloaded', tcString: state.tcString, cmpId: 10 });
});

test('Quantcast: AGREE consents to every purpose and special feature', async () => {
  const r = rule('quantcast');
  await firstVisit(QC);
  await click(r.acceptAll[0].waitForThenClick);
  const state = await recorded('quantcast');
  assert.equal(state.action, 'accept-all');
  const tc = decodeTcString(state.tcString);
  assert.deepEqual(tc.purposeConsents, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual(tc.specialFeatureOptins, [1, 2]);
  assert.deepEqual(state.categories, { marketing: true, personalisation: true, statistics: true, preciseGeolocation: true });
  await assertGone(r.detect.showing[0]);
  await assertUnlocked('quantcast');
});

test('Quantcast: MORE OPTIONS → purpose switches by TCF id (statistics on, marketing off, its legitimate interest objected) → SAVE & EXIT', async () => {
  const r = rule('quantcast');
  const t = r.custom.tcfPurposes;
  await firstVisit(QC);
  await click(r.custom.open[0].any[0].click);
  await page.locator(r.custom.open[1].waitFor).waitFor({ state: 'visible' });
  const consent = [1, 8, 9, 10];
  for (let id = 1; id <= 11; id++) await setAria(template(t.consent, id), consent.includes(id));
  for (const id of LI_PURPOSES) await setAria(template(t.legitimateInterest, id), ![2, 7].includes(id));
  assert.equal(await page.locator(template(t.legitimateInterest, 3)).count(), 0, 'no legitimate interest for purpose 3');
  for (const id of [1, 2]) await setAria(template(t.specialFeatures, id), false);
  await click(r.custom.save[0].any[0].click);
  const state = await recorded('quantcast');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.purposes, { consent, legitimateInterest: [8, 9, 10, 11] });
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: true, preciseGeolocation: false });
  const tc = decodeTcString(await cookie('euconsent-v2'));
  assert.deepEqual(tc.purposeConsents, consent);
  assert.deepEqual(tc.purposeLegitimateInterests, [8, 9, 10, 11]);
  await assertGone(r.detect.showing[0]);
  await assertUnlocked('quantcast');
});

test('Quantcast ?late=3000: the dialog appears 3 s after load', async () => {
  const r = rule('quantcast');
  await firstVisit(`${QC}?late=3000`);
  const before = await page.evaluate(() => performance.now());
  if (before < 3000) assert.equal(await page.locator(r.detect.present[0]).count(), 0, 'nothing yet');
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible', timeout: 6000 });
  const shownAt = await page.evaluate(() => performance.now());
  assert.ok(shownAt >= 3000, `shown at ${Math.round(shownAt)} ms`);
  await click(r.acceptAll[0].waitForThenClick);
  assert.equal((await recorded('quantcast')).action, 'accept-all');
});

// ---------------------------------------------------------------------------------------------
// Osano

const OSANO = 'https://osano.example/';
const osanoStored = () => page.evaluate(() => JSON.parse(localStorage.getItem('osano_consentmanager')));

test('Osano: reject non-essential; a returning visit keeps the window but shows no dialog', async () => {
  const r = rule('osano');
  await firstVisit(OSANO);
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible' });
  await click(r.refuseAll[0].any[0].click);
  const state = await recorded('osano');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { preferences: false, marketing: false, personalisation: false, statistics: false });
  const stored = { ESSENTIAL: 'ACCEPT', STORAGE: 'DENY', MARKETING: 'DENY', PERSONALIZATION: 'DENY', ANALYTICS: 'DENY' };
  assert.deepEqual(JSON.parse(await cookie('osano_consentmanager')), stored);
  assert.deepEqual(await osanoStored(), stored);
  assert.match(await cookie('osano_consentmanager_uuid'), /^[0-9a-f-]{36}$/);
  for (const step of r.done) await assertGone(step.waitForGone);
  await assertUnlocked('osano');
  await h.visit(page, OSANO);
  assert.equal(await page.locator(r.detect.present[0]).count(), 1, 'the window is there');
  for (const s of r.detect.showing) assert.equal(await page.locator(s).count(), 0, `${s} not showing`);
  assert.equal(await page.locator('.osano-cm-dialog').isVisible(), false);
});

test('Osano: accept all', async () => {
  const r = rule('osano');
  await firstVisit(OSANO);
  await click(r.acceptAll[0].any[0].click);
  const state = await recorded('osano');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, { preferences: true, marketing: true, personalisation: true, statistics: true });
  assert.equal(JSON.parse(await cookie('osano_consentmanager')).MARKETING, 'ACCEPT');
  await assertGone(r.done[0].waitForGone);
});

test('Osano: manage → statistics on, marketing off → save', async () => {
  const r = rule('osano');
  await firstVisit(OSANO);
  await click(r.custom.open[0].click);
  await page.locator(r.custom.open[1].waitFor).waitFor({ state: 'visible' });
  assert.equal(await page.locator(r.unlock[0]).count(), 1, 'the drawer layer is open');
  for (const t of r.custom.toggles) await setCheckbox(t.control, t.category === 'statistics');
  await click(r.custom.save[0].click);
  const state = await recorded('osano');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: false, marketing: false, personalisation: false, statistics: true });
  assert.deepEqual(await osanoStored(), { ESSENTIAL: 'ACCEPT', STORAGE: 'DENY', MARKETING: 'DENY', PERSONALIZATION: 'DENY', ANALYTICS: 'ACCEPT' });
  for (const step of r.done) await assertGone(step.waitForGone);
  await assertUnlocked('osano');
});

// ---------------------------------------------------------------------------------------------
// Complianz

const CMPLZ = 'https://complianz.example/';
const cmplzCookies = async () => Object.fromEntries((await h.context.cookies(page.url()))
  .filter((c) => c.name.startsWith('cmplz_')).map((c) => [c.name, c.value]));

test('Complianz: deny behind the soft cookie wall; a returning visit keeps the banner hidden', async () => {
  const r = rule('complianz');
  await firstVisit(CMPLZ);
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible' });
  assert.equal(await page.locator(r.unlock[0]).count(), 1, 'the soft cookie wall is up');
  await click(r.refuseAll[0].click);
  const state = await recorded('complianz');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { preferences: false, statistics: false, marketing: false });
  assert.deepEqual(await cmplzCookies(), {
    'cmplz_banner-status': 'dismissed', cmplz_policy_id: '16', cmplz_functional: 'deny', cmplz_preferences: 'deny',
    cmplz_statistics: 'deny', cmplz_marketing: 'deny', cmplz_consented_services: '',
  });
  await assertGone(r.done[0].waitForGone);
  await assertUnlocked('complianz');
  assert.equal(await page.evaluate(() => document.body.classList.contains('cmplz-marketing')), false);
  await h.visit(page, CMPLZ);
  assert.equal(await page.locator(r.detect.present[0]).count(), 1, 'the markup is there');
  assert.equal(await page.locator(r.detect.showing[0]).isVisible(), false, 'but not shown');
});

test('Complianz: accept', async () => {
  const r = rule('complianz');
  await firstVisit(CMPLZ);
  await click(r.acceptAll[0].click);
  const state = await recorded('complianz');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, { preferences: true, statistics: true, marketing: true });
  const cookies = await cmplzCookies();
  assert.equal(cookies.cmplz_marketing, 'allow');
  assert.equal(cookies['cmplz_banner-status'], 'dismissed');
  assert.equal(await page.evaluate(() => document.body.classList.contains('cmplz-marketing')), true);
  await assertGone(r.done[0].waitForGone);
  await assertUnlocked('complianz');
});

test('Complianz: view preferences → statistics on, marketing off → save preferences', async () => {
  const r = rule('complianz');
  await firstVisit(CMPLZ);
  await click(r.custom.open[0].then[0].click);
  await page.locator(r.custom.open[1].waitFor).waitFor({ state: 'visible' });
  for (const t of r.custom.toggles) await setCheckbox(t.control, t.category === 'statistics');
  await click(r.custom.save[0].click);
  const state = await recorded('complianz');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: false, statistics: true, marketing: false });
  const cookies = await cmplzCookies();
  assert.equal(cookies.cmplz_statistics, 'allow');
  assert.equal(cookies.cmplz_marketing, 'deny');
  assert.equal(cookies.cmplz_preferences, 'deny');
  await assertGone(r.done[0].waitForGone);
  await assertUnlocked('complianz');
});

// ---------------------------------------------------------------------------------------------
// Osano and Complianz on one page

test('two-cmps.example/two.html: Osano and Complianz both show; each is answered on its own', async () => {
  const osano = rule('osano');
  const cmplz = rule('complianz');
  await firstVisit('https://two-cmps.example/two.html');
  await page.locator(osano.detect.showing[0]).waitFor({ state: 'visible' });
  await page.locator(cmplz.detect.showing[0]).waitFor({ state: 'visible' });
  await click(osano.refuseAll[0].any[0].click);
  for (const step of osano.done) await assertGone(step.waitForGone);
  assert.equal(await page.locator(cmplz.detect.showing[0]).isVisible(), true, 'Complianz still asks');
  await click(cmplz.custom.open[0].then[0].click);
  for (const t of cmplz.custom.toggles) await setCheckbox(t.control, t.category === 'statistics');
  await click(cmplz.custom.save[0].click);
  await assertGone(cmplz.done[0].waitForGone);
  const all = await page.evaluate(() => JSON.parse(localStorage.getItem('fixture-consent')));
  assert.equal(all.osano.action, 'reject-all');
  assert.deepEqual(all.complianz.categories, { preferences: false, statistics: true, marketing: false });
  assert.equal(JSON.parse(await cookie('osano_consentmanager')).ANALYTICS, 'DENY');
  assert.equal(await cookie('cmplz_statistics'), 'allow');
  await assertUnlocked('osano');
  await assertUnlocked('complianz');
});

// ---------------------------------------------------------------------------------------------
// Didomi

const DIDOMI = 'https://didomi.example/';
const didomiToken = async () => JSON.parse(Buffer.from(await cookie('didomi_token'), 'base64').toString('utf8'));

// Sets a radio pair as a rule's toggle of kind `radio` does: clicks the option wished for.
async function setRadio(t, on, { frame = page } = {}) {
  const option = frame.locator(css(on ? t.control : t.off)).first();
  if ((await option.getAttribute('aria-checked')) !== 'true') await option.click();
  assert.equal(await option.getAttribute('aria-checked'), 'true');
}

test('Didomi: disagree and close objects to everything; a returning visit keeps an empty host', async () => {
  const r = rule('didomi');
  await firstVisit(DIDOMI);
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible' });
  assert.equal((await tcData()).cmpId, 7);
  await click(r.refuseAll[0].any[0].click);
  const state = await recorded('didomi');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.purposes, { consent: [], legitimateInterest: [] });
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: false, preciseGeolocation: false });
  const tc = decodeTcString(await cookie('euconsent-v2'));
  assert.equal(tc.cmpId, 7);
  assert.deepEqual([tc.purposeConsents, tc.purposeLegitimateInterests, tc.vendorConsents], [[], [], []]);
  const token = await didomiToken();
  assert.deepEqual(token.purposes.enabled, []);
  assert.ok(token.purposes.disabled.includes('cookies') && token.purposes.disabled.includes('geolocation_data'));
  assert.deepEqual(token.purposes_li.enabled, []);
  for (const step of r.done) await assertGone(step.waitForGone);
  await assertUnlocked('didomi');
  await h.visit(page, DIDOMI);
  assert.equal(await page.locator(r.detect.present[0]).getAttribute('aria-hidden'), 'true');
  for (const s of r.detect.showing) assert.equal(await page.locator(s).count(), 0);
  assert.equal((await tcData()).eventStatus, 'tcloaded');
});

test('Didomi: agree and close', async () => {
  const r = rule('didomi');
  await firstVisit(DIDOMI);
  await click(r.acceptAll[0].click);
  const state = await recorded('didomi');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.purposes, { consent: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], legitimateInterest: LI_PURPOSES });
  assert.deepEqual(state.specialFeatures, [1, 2]);
  assert.equal((await didomiToken()).purposes.enabled.length, 13);
  await assertGone(r.done[0].waitForGone);
});

test('Didomi: learn more → every purpose answered by TCF id (statistics on, marketing off) → save', async () => {
  const r = rule('didomi');
  await firstVisit(DIDOMI);
  await click(r.custom.open[0].any[0].click);
  await page.locator(r.custom.open[1].waitFor).waitFor({ state: 'visible' });
  assert.equal(await page.locator(r.unlock[0]).count(), 1, 'the popup locks scrolling');
  // Unanswered purposes: Didomi's save does nothing.
  await click(r.custom.save[0].any[0].click);
  assert.equal(await page.locator('#didomi-popup').isVisible(), true, 'save ignored while purposes are unanswered');
  const consent = [1, 8, 9, 10];
  for (const t of r.custom.toggles) await setRadio(t, Boolean(t.tcf && consent.includes(t.tcf[0])));
  await click(r.custom.save[0].any[0].click);
  const state = await recorded('didomi');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.purposes, { consent, legitimateInterest: LI_PURPOSES });
  assert.deepEqual(state.specialFeatures, []);
  assert.deepEqual(state.categories, { marketing: false, personalisation: false, statistics: true, preciseGeolocation: false });
  assert.deepEqual(decodeTcString(await cookie('euconsent-v2')).purposeConsents, consent);
  assert.deepEqual((await didomiToken()).purposes.enabled, ['cookies', 'measure_content_performance', 'market_research', 'improve_products']);
  for (const step of r.done) await assertGone(step.waitForGone);
  await assertUnlocked('didomi');
});

test('Didomi ?spa=1: the notice appears after an in-page navigation (pushState), not on load', async () => {
  const r = rule('didomi');
  await firstVisit(`${DIDOMI}?spa=1`, { quiet: false });
  assert.equal(await page.evaluate(() => window.spaNavigations), 0);
  assert.equal(await page.locator(r.detect.present[0]).count(), 0, 'no Didomi on load');
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible', timeout: 5000 });
  assert.equal(await page.evaluate(() => window.spaNavigations), 1);
  assert.equal(new URL(page.url()).searchParams.get('view'), 'latest', 'the URL changed without a page load');
  await click(r.acceptAll[0].click);
  assert.equal((await recorded('didomi')).action, 'accept-all');
  await assertGone(r.done[0].waitForGone);
});

// ---------------------------------------------------------------------------------------------
// TrustArc: the banner (trustarc-top) and the cross-origin preference manager (trustarc-frame)

const TRUSTARC = 'https://trustarc.example/';
const trustarcCookies = async () => Object.fromEntries(await Promise.all(
  ['notice_preferences', 'notice_gdpr_prefs', 'cmapi_cookie_privacy', 'notice_behavior'].map(async (n) => [n, await cookie(n)]),
));

test('TrustArc banner: required cookies only; a returning visit shows only the preferences link', async () => {
  const r = rule('trustarc-top');
  await firstVisit(TRUSTARC);
  await page.locator(r.detect.showing[0]).waitFor({ state: 'visible' });
  await click(r.refuseAll[0].click);
  const state = await recorded('trustarc-top');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { preferences: false, statistics: false, marketing: false });
  assert.deepEqual(await trustarcCookies(), {
    notice_preferences: '0:', notice_gdpr_prefs: '0:', cmapi_cookie_privacy: 'permit 1 required', notice_behavior: 'expressed,eu',
  });
  assert.equal(await page.evaluate(() => window.truste.eu.bindMap.prefCookie), '0');
  await assertGone(r.done[0].waitForGone);
  await assertUnlocked('trustarc-top');
  await h.visit(page, TRUSTARC);
  assert.equal(await page.locator(r.detect.present[0]).count(), 0, 'no banner');
  assert.equal(await page.locator('#teconsent a').count(), 1, 'the "Cookie Preferences" link');
});

test('TrustArc banner: accept all cookies', async () => {
  const r = rule('trustarc-top');
  await firstVisit(TRUSTARC);
  await click(r.acceptAll[0].click);
  const state = await recorded('trustarc-top');
  assert.equal(state.action, 'accept-all');
  assert.deepEqual(state.categories, { preferences: true, statistics: true, marketing: true });
  assert.equal(await cookie('notice_gdpr_prefs'), '0,1,2:');
  assert.equal(await cookie('cmapi_cookie_privacy'), 'permit 1,2,3');
  await assertGone(r.done[0].waitForGone);
});

// Opens the preference manager from the banner; resolves to its (cross-origin) frame.
async function openTrustarcFrame() {
  await firstVisit(TRUSTARC);
  await click('#truste-show-consent');
  const iframe = page.locator('iframe.truste_popframe');
  await iframe.waitFor({ state: 'visible' });
  assert.equal(await page.locator('.truste_overlay').isVisible(), true, 'the overlay dims the page');
  const frame = await (await iframe.elementHandle()).contentFrame();
  await frame.locator(rule('trustarc-frame').detect.present[0]).waitFor({ state: 'attached' });
  assert.ok(frame.url().startsWith('https://consent-pref.trustarc.com/?'), 'the preference manager is a frame on consent-pref.trustarc.com');
  assert.match(frame.url(), new RegExp(rule('trustarc-frame').runs.urls));
  assert.notEqual(new URL(frame.url()).origin, new URL(page.url()).origin, 'cross-origin');
  await frame.locator(rule('trustarc-frame').detect.showing[0]).waitFor({ state: 'visible' });
  return frame;
}

test('TrustArc preference manager (cross-origin frame): More Information → functional on, advertising off → submit → close', async () => {
  const r = rule('trustarc-frame');
  const frame = await openTrustarcFrame();
  await click(r.custom.open[0].then[0].click, { frame });
  await frame.locator(r.custom.open[2].waitFor).first().waitFor({ state: 'visible' });
  for (const t of r.custom.toggles) {
    const option = frame.locator(t.category === 'marketing' ? t.off : t.control);
    if (!(await option.getAttribute('class')).includes('active')) await option.click();
    assert.match(await option.getAttribute('class'), /\bactive\b/);
  }
  await click(r.custom.save[0].click, { frame });
  await frame.locator(r.done[0].waitForGone).waitFor({ state: 'hidden' });
  const state = await recorded('trustarc-frame');
  assert.equal(state.action, 'save');
  assert.deepEqual(state.categories, { preferences: true, statistics: true, marketing: false });
  assert.equal(await cookie('notice_gdpr_prefs'), '0,1:');
  assert.equal(await cookie('cmapi_cookie_privacy'), 'permit 1,2');
  await click(r.done[1].waitForThenClick, { frame });
  await page.locator('iframe.truste_popframe').waitFor({ state: 'detached' });
  await assertGone(rule('trustarc-top').done[0].waitForGone);
  await assertUnlocked('trustarc-top');
});

test('TrustArc preference manager: required cookies only, from inside the frame', async () => {
  const r = rule('trustarc-frame');
  const frame = await openTrustarcFrame();
  await click(r.refuseAll[0].any[1].click, { frame });
  const state = await recorded('trustarc-frame');
  assert.equal(state.action, 'reject-all');
  assert.deepEqual(state.categories, { preferences: false, statistics: false, marketing: false });
  assert.equal(await cookie('notice_preferences'), '0:');
  await click(r.done[1].waitForThenClick, { frame });
  await page.locator('.truste_box_overlay').waitFor({ state: 'detached' });
  await assertUnlocked('trustarc-top');
});
