// Self-test of the consent-dialog fixtures of Sourcepoint, Borlabs, iubenda, Klaro, Axeptio, Civic
// Cookie Control and Termly (tests/e2e/sites/, see each vendor script's header), in Chromium
// WITHOUT the extension: each page shows its dialog, and the dialog's own buttons, clicked by
// Playwright as the built-in rule's steps say (data/consent/<rule>.json, run by the small
// interpreter below), give the state the vendor stores and the kit records.
//
// For each vendor: reject all, accept all, and the settings layer for a mixed choice (statistics
// on, everything else off), then the returning visit (no dialog). Each check reads what the page
// recorded (`localStorage['fixture-consent'][rule]`), the vendor's own consent storage, that the
// dialog is gone and that no scroll lock or overlay is left (the rule's `unlock` selectors match
// nothing, <html> and <body> scroll). Variants: Sourcepoint's cross-origin message frame and its
// `?pay=1` pay-or-consent wall, Klaro's `?late=3000`, Borlabs' `?reload=1`.
//
//   node --test tests/e2e/cmp-fixtures-c.test.mjs

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch } from './harness.mjs';
import { decodeTcString } from './tcf.mjs';

const RULES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'consent');
const rule = (name) => JSON.parse(readFileSync(join(RULES_DIR, `${name}.json`), 'utf8'));

const h = await launch({ extensionDir: null });
after(() => h.close());
const page = h.context.pages()[0] ?? await h.context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));

// ---------------------------------------------------------------------------------------------
// A small interpreter of docs/consent-rules.md steps, on Playwright locators. `root` is the page
// or a FrameLocator (the frame a `runs.frame: child` rule runs in).

const STATISTICS_TCF = [8, 9, 10];
const STATISTICS_PURPOSES = ['contentMeasurement', 'audienceResearch', 'productDevelopment'];

/** A rule selector (string, `xpath/…`, or chain through shadow roots and iframes) as a Locator. */
async function locate(root, selector) {
  const chain = Array.isArray(selector) ? selector : [selector];
  const one = (r, s) => r.locator(s.startsWith('xpath/') ? `xpath=${s.slice('xpath/'.length)}` : s);
  let current = one(root, chain[0]);
  for (const next of chain.slice(1)) {
    const host = current.first();
    const isFrame = (await host.count()) > 0 && (await host.evaluate((e) => e.tagName === 'IFRAME'));
    // Playwright's CSS engine enters open shadow roots by itself; an iframe needs a FrameLocator.
    current = isFrame ? one(host.contentFrame(), next) : one(host, next);
  }
  return current;
}

async function anyVisible(locator) {
  for (const l of await locator.all()) if (await l.isVisible()) return true;
  return false;
}

async function holds(root, condition) {
  if ('not' in condition) return !(await holds(root, condition.not));
  const l = await locate(root, condition.exists ?? condition.visible);
  return 'exists' in condition ? (await l.count()) > 0 : anyVisible(l);
}

async function until(what, ok, timeout) {
  const deadline = Date.now() + timeout;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms: ${what}`);
    await sleep(50);
  }
}

async function click(root, selector, all) {
  const l = await locate(root, selector);
  const n = await l.count();
  if (n === 0) throw new Error(`nothing to click: ${JSON.stringify(selector)}`);
  for (const one of all ? await l.all() : [l.first()]) await one.click({ timeout: 3000 });
}

async function run(root, steps = []) {
  for (const step of steps) {
    try {
      await runStep(root, step);
    } catch (error) {
      if (!step.optional) throw error;
    }
  }
}

async function runStep(root, step) {
  const timeout = step.timeout ?? 2000;
  if ('click' in step) await click(root, step.click, step.all);
  else if ('waitFor' in step || 'waitForThenClick' in step) {
    const target = step.waitFor ?? step.waitForThenClick;
    const l = await locate(root, target);
    await until(`waitFor ${JSON.stringify(target)}`, async () => (step.visible ? anyVisible(l) : (await l.count()) > 0), timeout);
    if ('waitForThenClick' in step) await click(root, target, step.all);
  } else if ('waitForGone' in step) {
    const l = await locate(root, step.waitForGone);
    await until(`waitForGone ${JSON.stringify(step.waitForGone)}`, async () => !(await anyVisible(l)), timeout);
  } else if ('wait' in step) await sleep(step.wait);
  else if ('if' in step) await run(root, (await holds(root, step.if)) ? step.then : step.else);
  else if ('any' in step) {
    for (const s of step.any) {
      try { await runStep(root, s); return; } catch { /* the next one */ }
    }
    throw new Error(`no step of any succeeded: ${JSON.stringify(step.any)}`);
  } else throw new Error(`step not handled here: ${JSON.stringify(step)}`);
}

/** The mixed choice: statistics on, everything else off (as the engine would wish it). */
function wishFor(toggle) {
  if (toggle.category) return toggle.category === 'statistics';
  if (toggle.tcf) return toggle.tcf.every((id) => STATISTICS_TCF.includes(id));
  if (toggle.purposes) return toggle.purposes.every((p) => STATISTICS_PURPOSES.includes(p));
  return false;
}

async function setToggles(root, toggles) {
  for (const toggle of toggles) {
    const l = (await locate(root, toggle.control)).first();
    assert.ok((await l.count()) > 0, `toggle on the page: ${JSON.stringify(toggle.control)}`);
    const kind = toggle.kind ?? 'checkbox';
    const state = async () => (kind === 'aria'
      ? (await l.getAttribute('aria-checked')) === 'true' || (await l.getAttribute('aria-pressed')) === 'true'
      : l.isChecked());
    if ((await state()) === wishFor(toggle)) continue;
    // As the executor does: a DOM click on the switch, or on its label when a checkbox's input is
    // hidden (then a real pointer click, as a person would make it).
    if (kind === 'checkbox' && !(await l.isVisible())) await l.locator('xpath=ancestor::label[1]').click();
    else await l.evaluate((e) => e.click());
    assert.equal(await state(), wishFor(toggle), `toggle set: ${JSON.stringify(toggle.control)}`);
  }
}

/** Runs a rule's path ('refuseAll', 'acceptAll' or 'custom') and its `done` steps. */
async function answer(r, path, root = page) {
  if (path === 'custom') {
    await run(root, r.custom.open);
    await setToggles(root, r.custom.toggles);
    await run(root, r.custom.save);
  } else await run(root, r[path]);
  await run(root, r.done);
}

// ---------------------------------------------------------------------------------------------
// What the page and the browser hold.

async function recorded(name, timeout = 5000) {
  let state;
  await until(`a record of ${name}`, async () => {
    state = await page.evaluate((n) => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}')[n], name);
    return state !== undefined;
  }, timeout);
  return state;
}

async function cookie(name) {
  const found = (await h.context.cookies(page.url())).find((c) => c.name === name);
  return found?.value ?? null;
}

/** Nothing of the rule's unlock list matches, and the page scrolls. */
async function assertUnlocked(r) {
  for (const s of r.unlock ?? []) assert.equal(await (await locate(page, s)).count(), 0, `unlock: ${JSON.stringify(s)} matches nothing`);
  const overflow = await page.evaluate(() => [getComputedStyle(document.documentElement).overflowY, getComputedStyle(document.body).overflowY]);
  assert.ok(!overflow.includes('hidden'), `no scroll lock left (${overflow})`);
}

async function assertShowing(r, root = page) {
  await until(`${r.name} showing`, async () => {
    for (const s of r.detect.showing ?? r.detect.present) if (await anyVisible(await locate(root, s))) return true;
    return false;
  }, 5000);
}

async function assertNotShowing(r, root = page) {
  await sleep(250); // the fixtures show their dialogs on DOMContentLoaded: give them the chance
  for (const s of r.detect.showing ?? r.detect.present) {
    assert.equal(await anyVisible(await locate(root, s)), false, `${r.name}: ${JSON.stringify(s)} not shown`);
  }
}

/** Forgets everything the site stored: cookies of every host, and the page's storage. */
async function forget() {
  await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); }).catch(() => {});
  await h.context.clearCookies();
}

async function open(url) {
  await page.goto(url, { waitUntil: 'load' });
}

const statisticsOnly = (categories) => Object.fromEntries(Object.keys(categories).map((c) => [c, c === 'statistics']));
const every = (categories, value) => Object.fromEntries(Object.keys(categories).map((c) => [c, value]));

/** The three answers and the returning visit, for a rule of the top page. */
async function threeAnswers(t, { name, url, categories, storage, paths = ['refuseAll', 'acceptAll', 'custom'] }) {
  const r = rule(name);
  const expected = { refuseAll: ['reject-all', every(categories, false)], acceptAll: ['accept-all', every(categories, true)], custom: ['save', statisticsOnly(categories)] };
  for (const path of paths) {
    await t.test(path, async () => {
      await forget();
      await open(url);
      await assertShowing(r);
      await answer(r, path);
      const state = await recorded(name);
      assert.equal(state.action, expected[path][0]);
      assert.deepEqual(state.categories, expected[path][1]);
      await storage(path, state);
      await assertNotShowing(r);
      await assertUnlocked(r);
      if (path === 'refuseAll') {
        await open(url); // the returning visit
        await assertNotShowing(r);
      }
    });
  }
}

const jsonCookie = async (name) => JSON.parse(decodeURIComponent(await cookie(name)));

// ---------------------------------------------------------------------------------------------

test('Sourcepoint: the message in a cross-origin iframe, the privacy manager, the TC string', async (t) => {
  const frameRule = rule('sourcepoint-frame');
  const topRule = rule('sourcepoint-top');
  const url = 'https://sourcepoint.example/';
  const message = page.frameLocator('iframe#sp_message_iframe_1104587');
  const tcf = (command) => page.evaluate((c) => new Promise((resolve) => window.__tcfapi(c, 2, (data) => resolve(data))), command);
  const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

  const check = async (state, consent, legitimateInterest, specialFeatures) => {
    assert.deepEqual(state.purposes, { consent, legitimateInterest });
    assert.deepEqual(state.specialFeatures, specialFeatures);
    const tc = decodeTcString(state.tcString);
    assert.equal(tc.cmpId, 6);
    assert.deepEqual(tc.purposeConsents, consent);
    assert.deepEqual(tc.purposeLegitimateInterests, legitimateInterest);
    assert.equal(await cookie('euconsent-v2'), state.tcString);
    assert.ok((await cookie('consentUUID'))?.endsWith('_1'));
    assert.equal((await tcf('getTCData')).eventStatus, 'useractioncomplete');
    await assertNotShowing(topRule);
    await assertUnlocked(topRule);
  };

  await t.test('the message is a cross-origin frame; the page is scroll-locked while it shows', async () => {
    await forget();
    await open(url);
    await assertShowing(topRule);
    const frame = page.frames().find((f) => f.url().startsWith('https://cdn.privacy-mgmt.com/index.html?'));
    assert.ok(frame, 'a frame from cdn.privacy-mgmt.com');
    assert.match(frame.url(), new RegExp(frameRule.runs.urls));
    assert.equal(await page.evaluate(() => {
      try { return document.querySelector('iframe#sp_message_iframe_1104587').contentWindow.document && 'same'; } catch { return 'cross'; }
    }), 'cross', 'the page cannot reach into it: the frame rule answers it, not the top rule\'s chain');
    await assertShowing(frameRule, message);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('sp-message-open')), true);
    assert.equal((await tcf('ping')).cmpId, 6);
    assert.equal((await tcf('ping')).displayStatus, 'visible');
  });

  await t.test('reject all, then the returning visit', async () => {
    await answer(frameRule, 'refuseAll', message);
    const state = await recorded('sourcepoint-frame');
    assert.equal(state.action, 'reject-all');
    assert.deepEqual(state.categories, { marketing: false, statistics: false, personalisation: false, preciseGeolocation: false });
    await check(state, [], [], []);
    await open(url);
    await assertNotShowing(topRule);
    assert.equal((await tcf('getTCData')).eventStatus, 'tcloaded');
  });

  await t.test('accept all', async () => {
    await forget();
    await open(url);
    await answer(frameRule, 'acceptAll', message);
    const state = await recorded('sourcepoint-frame');
    assert.equal(state.action, 'accept-all');
    assert.deepEqual(state.categories, { marketing: true, statistics: true, personalisation: true, preciseGeolocation: true });
    await check(state, ALL, [2, 7, 8, 9, 10, 11], [1, 2]);
  });

  await t.test('settings: the privacy manager replaces the message; statistics on, the rest off', async () => {
    await forget();
    await open(url);
    await assertShowing(frameRule, message);
    // custom.open starts in the message frame; its click replaces that frame by the privacy
    // manager's, where the rest of the answer goes on (the engine must follow it there).
    const [openInMessage, ...openInManager] = frameRule.custom.open;
    await run(message, [openInMessage]);
    const manager = page.frameLocator('iframe#sp_message_iframe_1104590');
    await run(manager, openInManager);
    assert.equal(await page.locator('iframe#sp_message_iframe_1104587').count(), 0, 'the message frame is gone');
    await setToggles(manager, frameRule.custom.toggles);
    await run(manager, frameRule.custom.save);
    const state = await recorded('sourcepoint-frame');
    assert.equal(state.action, 'save');
    assert.deepEqual(state.categories, { marketing: false, statistics: true, personalisation: false, preciseGeolocation: false });
    // Legitimate interest is in another view of the manager: left as it was (on).
    await check(state, STATISTICS_TCF, [2, 7, 8, 9, 10, 11], []);
  });

  await t.test('?pay=1: a pay-or-consent wall, reported by payOrConsent, never answered', async () => {
    await forget();
    await open(`${url}?pay=1`);
    const wall = page.frameLocator('iframe#sp_message_iframe_1104588');
    await assertShowing(frameRule, wall);
    assert.equal(await anyVisible(await locate(wall, frameRule.payOrConsent[0])), true, 'the pay button is visible');
    assert.equal(await (await locate(wall, '.sp_choice_type_13, .sp_choice_type_12')).count(), 0, 'no reject, no settings');
    await sleep(300);
    assert.equal(await page.evaluate(() => localStorage.getItem('fixture-consent')), null, 'nothing was answered');
    assert.equal(await cookie('euconsent-v2'), null);
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('sp-message-open')), true);
  });
});

test('Borlabs Cookie: the Cookie Box, its preferences, and ?reload=1', async (t) => {
  const url = 'https://borlabs.example/';
  await threeAnswers(t, {
    name: 'borlabs', url, categories: { statistics: 0, marketing: 0, socialMedia: 0 },
    storage: async (path) => {
      const { consents } = await jsonCookie('borlabs-cookie');
      const groups = { refuseAll: [], acceptAll: ['statistics', 'marketing', 'external-media'], custom: ['statistics'] }[path];
      assert.deepEqual(Object.keys(consents).sort(), ['essential', ...groups].sort());
    },
  });

  await t.test('?reload=1: the page reloads once after the answer, without the box', async () => {
    const r = rule('borlabs');
    await forget();
    await open(`${url}?reload=1`);
    await assertShowing(r);
    const reloaded = page.waitForEvent('load');
    await answer(r, 'refuseAll');
    await reloaded;
    assert.equal((await recorded('borlabs')).action, 'reject-all');
    await sleep(500);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('borlabs-loads')), '2', 'exactly one reload');
    await assertNotShowing(r);
    await assertUnlocked(r);
  });
});

test('Klaro!: the notice, the modal, and ?late=3000', async (t) => {
  const url = 'https://klaro.example/';
  await threeAnswers(t, {
    name: 'klaro', url, categories: { statistics: 0, marketing: 0 },
    storage: async (path) => {
      const on = path === 'acceptAll';
      const expected = { matomo: on || path === 'custom', 'google-analytics': on || path === 'custom', 'facebook-pixel': on, session: true };
      assert.deepEqual(await jsonCookie('klaro'), expected);
    },
  });

  await t.test('?late=3000: no notice for 3 s, then the notice', async () => {
    const r = rule('klaro');
    await forget();
    const start = Date.now();
    await open(`${url}?late=3000`);
    await sleep(Math.max(0, 1500 - (Date.now() - start)));
    assert.equal(await page.locator('.klaro').count(), 0, 'nothing yet at 1.5 s');
    await assertShowing(r);
    assert.ok(Date.now() - start >= 2900, 'the notice came after 3 s');
    await answer(r, 'refuseAll');
    assert.equal((await recorded('klaro')).action, 'reject-all');
  });
});

test('iubenda: the banner and its per-purpose panel', async (t) => {
  await threeAnswers(t, {
    name: 'iubenda', url: 'https://iubenda.example/',
    categories: { preferences: 0, personalisation: 0, socialMedia: 0, statistics: 0, marketing: 0 },
    storage: async (path) => {
      const { purposes, id } = await jsonCookie('_iub_cs-27182818');
      const on = path === 'acceptAll';
      assert.equal(id, 3141592);
      assert.deepEqual(purposes, { 1: true, 2: on, 3: on, 4: on || path === 'custom', 5: on });
    },
  });
});

test('Civic Cookie Control: the notification bar and the panel', async (t) => {
  await threeAnswers(t, {
    name: 'civic-cookie-control', url: 'https://civic-cookie-control.example/',
    categories: { statistics: 0, marketing: 0, socialMedia: 0 },
    storage: async (path) => {
      const value = JSON.parse(await cookie('CookieControl'));
      const state = (on) => (on ? 'accepted' : 'revoked');
      const on = path === 'acceptAll';
      assert.deepEqual(value.optionalCookies, { analytics: state(on || path === 'custom'), marketing: state(on), social: state(on) });
      assert.equal(value.interactedWith, true);
    },
  });
});

test('Termly: the banner and the preference modal', async (t) => {
  await threeAnswers(t, {
    name: 'termly', url: 'https://termly.example/',
    categories: { preferences: 0, statistics: 0, marketing: 0, socialMedia: 0 },
    storage: async (path) => {
      const cache = await page.evaluate(() => JSON.parse(localStorage.getItem('TERMLY_API_CACHE')));
      const { value } = cache.TERMLY_COOKIE_CONSENT;
      const on = path === 'acceptAll';
      assert.deepEqual(value, {
        essential: true, do_not_sell: !on, performance: on, analytics: on || path === 'custom',
        advertising: on, social_networking: on, unclassified: on,
      });
    },
  });
});

test('Axeptio: the widget in an open shadow root; its settings steps', async (t) => {
  const url = 'https://axeptio.example/';
  const vendors = async () => decodeURIComponent(await cookie('axeptio_authorized_vendors'));
  await threeAnswers(t, {
    name: 'axeptio', url, categories: { statistics: 0, marketing: 0 }, paths: ['refuseAll', 'acceptAll'],
    storage: async (path) => {
      assert.equal(await cookie('axeptio_authorized_vendors'), path === 'refuseAll' ? '%2C%2C' : '%2Cgoogle_analytics%2Chotjar%2Cfacebook_pixel%2Cgoogle_ads%2C');
      assert.equal((await jsonCookie('axeptio_cookies')).$$completed, true);
    },
  });

  await t.test('settings (the fixture only: the rule has no custom path, see the report)', async () => {
    const r = rule('axeptio');
    await forget();
    await open(url);
    await assertShowing(r);
    assert.equal(await page.locator('#axeptio_overlay > .needsclick').evaluate((e) => e.shadowRoot?.mode), 'open');
    await page.locator('#axeptio_btn_configure').click();
    assert.equal(await page.locator('#axeptio_step_title').textContent(), 'Audience measurement');
    for (const row of await page.locator('.ListSwitch__Vendor').all()) await row.click();
    assert.deepEqual(await page.locator('.Switch[role=checkbox]').evaluateAll((s) => s.map((e) => e.getAttribute('aria-checked'))), ['true', 'true']);
    await page.locator('#axeptio_btn_next').click();
    assert.equal(await page.locator('#axeptio_step_title').textContent(), 'Advertising');
    await page.locator('#axeptio_btn_next').click(); // "Done": advertising left off
    const state = await recorded('axeptio');
    assert.equal(state.action, 'save');
    assert.deepEqual(state.categories, { statistics: true, marketing: false });
    assert.equal(await vendors(), ',google_analytics,hotjar,');
    await assertNotShowing(r);
    assert.equal(await page.locator('#axeptio_main_button').isVisible(), true, 'the button to reopen stays');
  });
});

test('no page error on any fixture', () => {
  assert.deepEqual(pageErrors, []);
});
