// Consent dialogs answered from the person's terms, in real Chromium with Trust Ledger, on the
// fixture CMPs (tests/e2e/sites/<vendor>.example and the vendors' hosts; their own behaviour is
// checked without the extension by cmp-fixtures-*.test.mjs). For each fixture and three terms
// (everything optional refused, everything accepted, and mixed: preferences and statistics yes,
// marketing, personalisation and social media no), the consent the page recorded equals the
// terms, the dialog is never shown to the person while it is answered, and the page is left
// scrollable. Run by `./build.sh test` after `./build.sh` has assembled dist/chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { axeViolations, changeTerms, ledger, untilObserving } from './trustledger.mjs';

const extensionDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'chromium');

// What each set of terms says of the CMP categories the fixtures record.
const EXPECTED = {
  refuseAll: { preferences: false, statistics: false, marketing: false, personalisation: false, socialMedia: false },
  acceptAll: { preferences: true, statistics: true, marketing: true, personalisation: true, socialMedia: true },
  mixed: { preferences: true, statistics: true, marketing: false, personalisation: false, socialMedia: false },
};
// Mixed: the refuse-all preset, with the purposes of preferences and statistics accepted.
const MIXED_ACCEPTS = ['preferences', 'contentMeasurement', 'audienceResearch', 'productDevelopment'];

// The fixtures: the page, the rule that answers it (the name it records under), and the
// selector of its dialog as the person would see it.
const FIXTURES = [
  { url: 'https://onetrust.example/', cmp: 'onetrust', dialog: '#onetrust-banner-sdk, #onetrust-pc-sdk' },
  { url: 'https://cookiebot.example/', cmp: 'cookiebot', dialog: '#CybotCookiebotDialog' },
  { url: 'https://consentmanager.example/', cmp: 'consentmanager', dialog: '#cmpbox' },
  { url: 'https://funding-choices.example/', cmp: 'funding-choices', dialog: '.fc-consent-root' },
  { url: 'https://usercentrics.example/', cmp: 'usercentrics', dialog: '#usercentrics-root' },
  { url: 'https://cookieyes.example/', cmp: 'cookieyes', dialog: '.cky-consent-container' },
  { url: 'https://quantcast.example/', cmp: 'quantcast', dialog: '#qc-cmp2-container' },
  { url: 'https://osano.example/', cmp: 'osano', dialog: '.osano-cm-window' },
  { url: 'https://didomi.example/', cmp: 'didomi', dialog: '#didomi-host' },
  { url: 'https://trustarc.example/', cmp: 'trustarc-top', record: ['trustarc-top', 'trustarc-frame'], dialog: '#truste-consent-track, .truste_popframe' },
  { url: 'https://complianz.example/', cmp: 'complianz', dialog: '.cmplz-cookiebanner' },
  { url: 'https://sourcepoint.example/', cmp: 'sourcepoint-frame', dialog: 'div[id^=sp_message_container_]' },
  { url: 'https://borlabs.example/', cmp: 'borlabs', dialog: '#BorlabsCookieBox' },
  { url: 'https://iubenda.example/', cmp: 'iubenda', dialog: '#iubenda-cs-banner' },
  { url: 'https://klaro.example/', cmp: 'klaro', dialog: '.klaro .cookie-notice' },
  // Axeptio's settings are a wizard, one screen per category, which no rule can express yet
  // (docs/consent-rules.md): mixed terms get its one-click refusal.
  { url: 'https://axeptio.example/', cmp: 'axeptio', dialog: '#axeptio_overlay', mixed: 'refuseAll' },
  { url: 'https://civic-cookie-control.example/', cmp: 'civic-cookie-control', dialog: '#ccc' },
  { url: 'https://termly.example/', cmp: 'termly', dialog: '#termly-code-snippet-support' },
];

async function termsFor(h, which) {
  const page = await h.context.newPage();
  await page.goto(`chrome-extension://${h.extensionId}/options/options.html`);
  const preset = which === 'mixed' ? 'refuseAll' : which;
  const { json } = await page.evaluate((key) => chrome.runtime.sendMessage({ type: 'preset', preset: key }), preset);
  await page.close();
  const terms = JSON.parse(json);
  if (which === 'mixed') for (const p of MIXED_ACCEPTS) terms.purposes[p] = 'accept';
  // Nothing blocked: TrackerDB files Google's Funding Choices under advertising, and a blocked
  // CMP shows no dialog at all (terms.test.mjs tests blocking).
  terms.blocking = [];
  return terms;
}

// A browser with Trust Ledger observing, under the terms `which` names (no exceptions).
async function browsing(t, which) {
  const h = await launch({ extensionDir });
  t.after(() => h.close());
  const page = await h.context.newPage();
  await untilObserving(h, page);
  const terms = await termsFor(h, which);
  await changeTerms(h, (current) => Object.assign(current, { ...terms, exceptions: {} }));
  return { h, page };
}

// Visits `url` and, every 25 ms until the fixture records an answer (at most 10 s), notes whether
// the dialog could be seen: rendered, with a box, and not transparent.
async function visitWatching(h, page, { url, cmp, record: names = [cmp], dialog }) {
  await page.goto('about:blank');
  const seen = [];
  const navigation = page.goto(url, { waitUntil: 'commit' });
  await navigation;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const state = await page.evaluate(({ names, dialog }) => {
      const shown = [...document.querySelectorAll(dialog)].some((el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
        && el.getBoundingClientRect().height > 0 && Number(getComputedStyle(el).opacity) > 0);
      const all = JSON.parse(localStorage.getItem('fixture-consent') ?? '{}');
      const record = names.map((name) => all[name]).find(Boolean) ?? null;
      return { shown, record };
    }, { names, dialog }).catch(() => ({ shown: false, record: null }));
    if (state.shown) seen.push(Date.now());
    if (state.record || Date.now() > deadline) return { record: state.record, seen };
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const preset of ['refuseAll', 'acceptAll', 'mixed']) {
  test(`consent dialogs answered by the ${preset} terms, without being shown`, async (t) => {
    const { h, page } = await browsing(t, preset);

    const problems = [];
    for (const fixture of FIXTURES) {
      await h.context.clearCookies();
      const { record, seen } = await visitWatching(h, page, fixture);
      if (!record) {
        problems.push(`${fixture.cmp}: the page recorded no answer`);
        continue;
      }
      const expected = EXPECTED[(preset === 'mixed' && fixture.mixed) || preset];
      for (const [category, value] of Object.entries(record.categories ?? {})) {
        if (category in expected && value !== expected[category]) {
          problems.push(`${fixture.cmp}: ${category} recorded ${value}, expected ${expected[category]}`);
        }
      }
      if (seen.length) problems.push(`${fixture.cmp}: the dialog was visible ${seen.length} times in 25 ms checks`);
      const locked = await page.evaluate(() => [document.documentElement, document.body]
        .some((el) => getComputedStyle(el).overflow === 'hidden' || getComputedStyle(el).overflowY === 'hidden'));
      if (locked) problems.push(`${fixture.cmp}: the page cannot scroll`);
    }
    assert.deepEqual(problems, []);
  });
}

// The ledger's site record once `done(site)` holds (at most 10 s).
async function siteWhen(h, name, done) {
  for (let i = 0; i < 100; i++) {
    const site = (await ledger(h)).sites[name];
    if (site && done(site)) return site;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (await ledger(h)).sites[name];
}

test('each answer is a receipt in the ledger; the recorded TC string and cookies are checked against it', async (t) => {
  const { h, page } = await browsing(t, 'refuseAll');

  // An honest TCF CMP: refused, recorded as refused, and the check says so. Its "Disagree"
  // leaves legitimate interest on, which these terms object to: so, switch by switch.
  await h.visit(page, 'https://quantcast.example/');
  let site = await siteWhen(h, 'quantcast.example', (s) => s.consent?.latestCheck);
  const [receipt] = site.consent.receipts;
  assert.deepEqual([receipt.rule, receipt.how, receipt.outcome], ['quantcast', 'custom', 'answered']);
  assert.deepEqual(site.consent.latestCheck.violations, []);
  assert.equal(site.consent.latestCheck.cmpId, 10);
  assert.ok(site.changes.some((c) => c.reason === 'quantcast.example recorded your choices as you made them'), 'honoured earns trust');

  // A CMP whose stored string says yes to what the person refused.
  await h.visit(page, 'https://funding-choices.example/?lie=1');
  site = await siteWhen(h, 'funding-choices.example', (s) => s.consent?.latestCheck);
  assert.equal(site.consent.receipts.at(-1).outcome, 'answered');
  assert.ok(site.consent.latestCheck.violations.some((v) => /records consent to purpose 1 /.test(v)), JSON.stringify(site.consent.latestCheck));
  assert.ok(site.changes.some((c) => c.reason.startsWith("funding-choices.example's consent record says other than you chose: ")),
    JSON.stringify(site.changes.map((c) => c.reason)));

  // A site that sets Google Analytics' cookies after the refusal.
  await h.visit(page, 'https://cookiebot.example/?ga=1');
  site = await siteWhen(h, 'cookiebot.example', (s) => s.changes.some((c) => /set its cookie/.test(c.reason)));
  assert.ok(site.changes.some((c) => c.reason === 'cookiebot.example let Google Analytics set its cookie _ga after you refused statistics'),
    JSON.stringify(site.changes.map((c) => c.reason)));

  // … and goes on sending Google Analytics hits after it.
  site = await siteWhen(h, 'cookiebot.example', (s) => s.consent?.trackersAfterRefusal?.Google);
  assert.ok(site.changes.some((c) => c.reason === 'cookiebot.example let Google track you after you refused statistics'),
    JSON.stringify(site.changes.map((c) => c.reason)));

  // A Global Privacy Platform record (US national section): honest, then lying about the
  // opt-outs the terms ask for (the terms refuse sale and sharing, and send GPC).
  await h.visit(page, 'https://onetrust.example/?gpp=honest');
  site = await siteWhen(h, 'onetrust.example', (s) => s.consent?.latestGppCheck);
  assert.deepEqual([site.consent.latestGppCheck.sections, site.consent.latestGppCheck.violations], [[7], []]);
  assert.ok(site.changes.some((c) => c.reason === 'onetrust.example recorded your choices as you made them'));
  // Another tab (a dialog answered in a tab is not answered again there within 30 s).
  await h.context.clearCookies();
  const other = await h.context.newPage();
  await h.visit(other, 'https://onetrust.example/?gpp=lie');
  site = await siteWhen(h, 'onetrust.example', (s) => s.consent?.latestGppCheck?.violations.length);
  const gppViolations = site.consent.latestGppCheck.violations;
  assert.ok(gppViolations.some((v) => /did not opt out of the sale of your personal data/.test(v)), JSON.stringify(gppViolations));
  assert.ok(site.changes.some((c) => c.reason.startsWith("onetrust.example's consent record says other than you chose: records that you did not opt out")),
    JSON.stringify(site.changes.map((c) => c.reason)));

  // The popup says what was sent, and whether the site's record honours it.
  const popup = await h.context.newPage();
  const section = async (name) => {
    await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=${name}`);
    await popup.waitForSelector('h2');
    return popup.evaluate(() => {
      const h2 = [...document.querySelectorAll('h2')].find((h) => h.textContent === 'Your terms, sent to this site');
      const out = [];
      for (let n = h2.parentElement.nextElementSibling; n && !n.classList.contains('legend'); n = n.nextElementSibling) out.push(n.textContent);
      return out.join(' | ').replace(/\s+/g, ' ');
    });
  };
  assert.match(await section('quantcast.example'), /answered purpose by purpose\..* \| Honoured: its consent record says what you chose\./);
  assert.match(await section('funding-choices.example'), /Not honoured: its consent record says other than you chose\. \| .*records consent to purpose 1 /);
  assert.match(await section('onetrust.example'), /Not honoured: its US privacy record \(GPP\) says other than you chose\. \| .*did not opt out of the sale/);
  assert.match(await section('cookiebot.example'), /Tracking cookies after your refusal: _ga.* \| Trackers contacted after your refusal: Google \(1\)\./);
  for (const colorScheme of ['light', 'dark']) {
    await popup.emulateMedia({ colorScheme });
    assert.deepEqual(await axeViolations(popup), [], `the popup in ${colorScheme}`);
  }
});

// The variants, all under terms that refuse everything optional: what makes each hard, and
// what must hold. `names` are the records the page may keep; `answered: false` expects none.
const VARIANTS = [
  { why: 'a strict Content-Security-Policy (no wasm in the page)', url: 'https://onetrust.example/strict.html', names: ['onetrust'], dialog: '#onetrust-banner-sdk' },
  { why: 'a closed shadow root', url: 'https://usercentrics.example/?shadow=closed', names: ['usercentrics'], dialog: '#usercentrics-root' },
  { why: 'no reject button: the settings layer', url: 'https://cookieyes.example/?noreject=1', names: ['cookieyes'], dialog: '.cky-consent-container' },
  { why: 'a banner 3 s after load', url: 'https://quantcast.example/?late=3000', names: ['quantcast'], dialog: '#qc-cmp2-container' },
  { why: 'a banner 3 s after load', url: 'https://klaro.example/?late=3000', names: ['klaro'], dialog: '.klaro .cookie-notice' },
  { why: 'a single-page navigation', url: 'https://didomi.example/?spa=1', names: ['didomi'], dialog: '#didomi-host' },
  { why: 'two CMPs on one page', url: 'https://two-cmps.example/two.html', names: ['osano', 'complianz'], dialog: '.osano-cm-window, .cmplz-cookiebanner' },
];

test('hard cases: strict CSP, closed shadow root, no reject button, late banners, single-page navigation, two CMPs', async (t) => {
  const { h, page } = await browsing(t, 'refuseAll');
  const problems = [];
  for (const v of VARIANTS) {
    await h.context.clearCookies();
    for (const name of v.names) {
      const { record, seen } = await visitWatching(h, page, { url: v.url, cmp: name, record: [name], dialog: v.dialog });
      if (!record) problems.push(`${v.url} (${v.why}): ${name} recorded no answer`);
      else if (Object.values(record.categories ?? {}).some(Boolean)) problems.push(`${v.url}: ${name} recorded ${JSON.stringify(record.categories)}`);
      if (seen.length) problems.push(`${v.url} (${v.why}): the dialog was visible`);
    }
  }
  assert.deepEqual(problems, []);
});

test('answered once when the site reloads after the answer; hidden markup and pay-or-consent walls are not answered', async (t) => {
  const { h, page } = await browsing(t, 'refuseAll');

  // OneTrust and Borlabs on sites that reload once after the answer: one answer each.
  for (const [url, name, loads] of [['https://onetrust.example/?reload=1', 'onetrust.example', 'onetrust-example-loads'],
    ['https://borlabs.example/?reload=1', 'borlabs.example', 'borlabs-loads']]) {
    await h.visit(page, url);
    await page.waitForFunction((key) => Number(sessionStorage.getItem(key)) >= 2, loads, { timeout: 10_000 });
    await page.waitForTimeout(1500);
    assert.equal(await page.evaluate((key) => Number(sessionStorage.getItem(key)), loads), 2, `${name} loaded twice, no loop`);
    const site = await siteWhen(h, name, (s) => s.consent?.receipts?.length);
    assert.equal(site?.consent?.receipts?.filter((r) => r.outcome === 'answered').length, 1, `${name} answered once`);
  }

  // Markup that is there but hidden (as after an earlier answer): nothing is done.
  await h.visit(page, 'https://cookiebot.example/hidden.html');
  await page.waitForTimeout(1500);
  assert.equal((await ledger(h)).sites['cookiebot.example']?.consent?.receipts?.length ?? 0, 0, 'no receipt for hidden markup');

  // A pay-or-consent wall is shown to the person, never answered, and counted.
  await h.visit(page, 'https://sourcepoint.example/?pay=1');
  const wall = await siteWhen(h, 'sourcepoint.example', (s) => s.consent?.walls > 0);
  assert.equal(wall?.consent?.walls, 1, 'the wall is counted');
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}')['sourcepoint-frame'] ?? null), null, 'nothing answered');
  await page.waitForFunction(() => [...document.querySelectorAll('div[id^=sp_message_container_]')]
    .some((el) => el.checkVisibility({ opacityProperty: true }) && Number(getComputedStyle(el).opacity) > 0), null, { timeout: 15_000 });
});

// Whether a dialog can be seen: rendered, with a box, not transparent.
const shownIn = (page, dialog) => page.evaluate((selector) => [...document.querySelectorAll(selector)]
  .some((el) => el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
    && el.getBoundingClientRect().height > 0 && Number(getComputedStyle(el).opacity) > 0), dialog);

test('one click in the popup opens the site’s own consent settings again; what the person chooses there is theirs', async (t) => {
  const { h, page } = await browsing(t, 'refuseAll');
  const popup = await h.context.newPage();
  // A rule that calls the vendor's function (Cookiebot.renew), and one that clicks its button.
  const cases = [
    { url: 'https://cookiebot.example/?ga=1', name: 'cookiebot.example', cmp: 'cookiebot', dialog: '#CybotCookiebotDialog',
      accept: '#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll' },
    { url: 'https://complianz.example/', name: 'complianz.example', cmp: 'complianz', dialog: '.cmplz-cookiebanner', accept: '.cmplz-accept' },
  ];
  for (const { url, name, cmp, dialog, accept } of cases) {
    await h.visit(page, url);
    await siteWhen(h, name, (s) => s.consent?.receipts?.some((r) => r.outcome === 'answered'));
    assert.equal(await shownIn(page, dialog), false, `${cmp}: answered, not shown`);

    await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=${name}`);
    await popup.click('button.reopen');
    await popup.waitForFunction(() => /^Opened on the page/.test(document.getElementById('reopen-status')?.textContent ?? ''));
    await page.waitForFunction(({ selector }) => [...document.querySelectorAll(selector)]
      .some((el) => el.checkVisibility({ opacityProperty: true }) && Number(getComputedStyle(el).opacity) > 0), { selector: dialog });
    // Left to the person: not answered again.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.ok(await shownIn(page, dialog), `${cmp}: still shown two seconds later`);
    await page.click(accept);
    const record = await page.evaluate((n) => JSON.parse(localStorage.getItem('fixture-consent') ?? '{}')[n], cmp);
    assert.equal(record?.categories?.marketing, true, `${cmp}: the person's own choice recorded`);

    const site = await siteWhen(h, name, (s) => s.consent.receipts.at(-1)?.outcome === 'reopened');
    const reopened = site.consent.receipts.at(-1);
    assert.deepEqual([reopened.outcome, reopened.rule], ['reopened', cmp]);
    // The cookies and hits of categories the earlier answer refused cost nothing from now on.
    const before = site.changes.length;
    await h.visit(page, url);
    const after = (await ledger(h)).sites[name];
    assert.deepEqual(after.changes.slice(before).filter((c) => /after you refused|consent record/.test(c.reason)), []);
  }
  await popup.goto(`chrome-extension://${h.extensionId}/popup/popup.html?site=cookiebot.example`);
  await popup.waitForSelector('h2');
  const text = await popup.textContent('main');
  assert.match(text, /Cookiebot: you opened its settings to choose for yourself\./);
  assert.equal(await popup.$('button.reopen'), null, 'nothing to reopen: no answer of Trust Ledger’s in force');
  for (const colorScheme of ['light', 'dark']) {
    await popup.emulateMedia({ colorScheme });
    assert.deepEqual(await axeViolations(popup), [], `the popup in ${colorScheme}`);
  }
});
