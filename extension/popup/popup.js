// The toolbar popup: the ledger of the site in the current tab (or of `?site=`, which the options
// page links to), from the service worker. Rendering only: every number comes from the ledger.

import { PageRequest } from '../messages.js';
import { el } from '../ui.js';

const main = document.getElementById('ledger');
const REASONS_SHOWN = 5;
const LIST_SHOWN = 8;

const ask = (message) => chrome.runtime.sendMessage(message);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function currentSite() {
  const wanted = new URLSearchParams(location.search).get('site');
  if (wanted) {
    document.body.classList.add('in-tab');
    return { site: wanted };
  }
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? { ...await ask({ type: PageRequest.TAB, tabId: tab.id }), tabId: tab.id } : {};
}

// A list, its first `shown` rows visible and the rest behind "N more".
function list(items, row, empty, shown = LIST_SHOWN) {
  if (!items.length) return el('p', { class: 'muted' }, empty);
  const ul = (part) => el('ul', {}, ...part.map((item) => el('li', {}, ...row(item))));
  if (items.length <= shown) return ul(items);
  return el('div', {}, ul(items.slice(0, shown)),
    el('details', {}, el('summary', {}, `${items.length - shown} more`), ul(items.slice(shown))));
}

// A section heading with what its numbers mean.
const heading = (title, legend) => el('div', { class: 'legend' }, el('h2', {}, title), legend ? el('span', {}, legend) : '');
const byRequests = (a, b) => b[1].seen.requests - a[1].seen.requests || a[0].localeCompare(b[0]);

function reason(c) {
  const when = c.visit === 0 ? 'no page open' : `visit ${c.visit}`;
  return [
    el('span', {}, c.reason, ' ', el('span', { class: 'when' }, `(${when})`)),
    el('span', { class: `delta ${c.delta < 0 ? 'minus' : 'plus'}` }, c.delta > 0 ? `+${c.delta}` : String(c.delta)),
  ];
}

// -- Permissions -------------------------------------------------------------------------------------

// Names of what a page can ask for: the terms' capabilities from the engine's catalogue (filled
// at start), and these, which the terms do not govern.
const CAPABILITY_NAMES = {
  push: 'Push messages', 'display-capture': 'Capturing your screen', usb: 'USB devices', hid: 'HID devices',
  serial: 'Serial ports', bluetooth: 'Bluetooth devices',
};
const capabilityName = (key) => CAPABILITY_NAMES[key] ?? key;
const OUTCOMES = { granted: 'allowed', denied: 'denied', dismissed: 'dismissed', error: 'failed' };
const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

// One ask: what, when, with or without a click, from which frame, and what came of it.
function askRow(a) {
  const from = a.thirdPartyFrame ? ` · from ${new URL(a.origin).hostname}` : '';
  const outcome = a.byTerms ? 'denied by your terms' : OUTCOMES[a.outcome] ?? a.outcome;
  return [
    el('span', {}, capabilityName(a.capability), ' ',
      el('span', { class: `chip ${a.activation ? '' : 'unasked'}` }, a.activation ? 'after a click' : 'without a click'),
      el('span', { class: 'when' }, ` ${time.format(a.at)}${from}`)),
    el('span', { class: `outcome ${a.outcome}` }, outcome),
  ];
}

function asksSection(site) {
  const asks = (site.recentAsks ?? []).filter((a) => !a.probe).reverse();
  const probed = new Set((site.recentAsks ?? []).filter((a) => a.probe).map((a) => a.capability));
  return [
    heading('What this site asked for', 'latest first'),
    list(asks, askRow, 'No permission asked for.'),
    probed.size ? el('p', { class: 'muted' }, `It also checked ${plural(probed.size, 'permission')} without asking: ` +
      `${[...probed].map(capabilityName).join(', ')}.`) : '',
  ];
}

const SOURCES = { grant: 'for a while', terms: 'by your terms', browser: 'allowed at a browser prompt' };

function accessSection(name, rows) {
  const row = (r) => [
    el('span', {}, r.name, el('span', { class: 'when' },
      r.source === 'grant' ? ` until ${time.format(r.until)}` : ` ${SOURCES[r.source]}`)),
    el('button', { type: 'button', class: 'revoke', 'data-capability': r.capability }, `Revoke ${r.name.toLowerCase()}`),
  ];
  const section = el('section', { 'aria-labelledby': 'access-title' },
    el('div', { class: 'legend' }, el('h2', { id: 'access-title' }, 'Access now')),
    list(rows, row, 'Nothing: this site has no permission.'),
    el('p', { class: 'muted', role: 'status', id: 'access-status' }));
  section.addEventListener('click', async (event) => {
    const capability = event.target.dataset?.capability;
    if (!capability) return;
    const reply = await ask({ type: PageRequest.REVOKE, site: name, capability });
    const status = section.querySelector('#access-status');
    if (reply?.error) {
      status.textContent = `Not revoked: ${reply.error}`;
      return;
    }
    const { access } = await ask({ type: PageRequest.ACCESS, site: name });
    section.replaceWith(accessSection(name, access));
    document.getElementById('access-status').textContent = `${capabilityName(capability)}: revoked.`;
  });
  return section;
}

// -- Consent ----------------------------------------------------------------------------------------

const HOW = {
  refuseAll: 'refused everything optional, in one click',
  acceptAll: 'accepted everything',
  custom: 'answered purpose by purpose',
  heuristic: 'answered an unknown dialog',
};

// "Open the site's own settings": the dialog Trust Ledger answered, opened again in the page for
// the person to choose; from then on the site is not held to Trust Ledger's answer.
function reopenButton(site, reopenable, tabId) {
  if (!reopenable?.vendor) return '';
  const status = el('p', { class: 'muted', id: 'reopen-status', role: 'status' });
  const button = el('button', { type: 'button', class: 'reopen' }, `Open ${reopenable.vendor}’s settings on the page`);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const reply = await ask({ type: PageRequest.CONSENT_REOPEN, site: site.site, tabId });
    if (reply?.error) {
      status.textContent = `Not opened: ${reply.error}.`;
      button.disabled = false;
      return;
    }
    status.textContent = `Opened on the page: what you choose there is yours, and ${site.site} is no longer held to Trust Ledger’s answer.`;
    if (!document.body.classList.contains('in-tab')) setTimeout(() => window.close(), 1500);
  });
  return el('div', { class: 'reopen-row' }, button, status);
}

// The latest answer to the site's consent dialog, and whether the site's record honours it.
function consentSection(site, reopenable, tabId) {
  const log = site.consent ?? {};
  const receipts = log.receipts ?? [];
  const latest = receipts[receipts.length - 1];
  const parts = [heading('Your terms, sent to this site')];
  if (!latest) {
    parts.push(el('p', { class: 'muted' }, 'No consent dialog answered here yet.'));
    return parts;
  }
  const when = el('span', { class: 'when' }, ` ${time.format(latest.at)}`);
  if (latest.outcome === 'reopened') {
    parts.push(el('p', {}, `${latest.vendor}: you opened its settings to choose for yourself.`, when),
      el('p', { class: 'muted' }, 'Your choice there is yours: Trust Ledger does not hold the site to its own earlier answer.'));
    return parts;
  }
  if (latest.outcome === 'payOrConsent') {
    parts.push(el('p', {}, `${latest.vendor}: a pay-or-consent wall. Left to you: Trust Ledger does not pay or consent for you.`, when));
  } else if (latest.outcome === 'failed') {
    parts.push(el('p', {}, `${latest.vendor}: not answered, shown to you instead (${latest.failure ?? 'the dialog did not respond'}).`, when));
  } else {
    parts.push(el('p', {}, `${latest.vendor}: ${HOW[latest.how] ?? 'answered'}.`, when));
  }
  const check = log.latestCheck;
  if (check?.unreadable) {
    parts.push(el('p', { class: 'verdict bad' }, `Not verified: its consent record cannot be read (${check.unreadable}).`));
  } else if (check && check.violations.length) {
    parts.push(el('p', { class: 'verdict bad' }, 'Not honoured: its consent record says other than you chose.'),
      list(check.violations, (v) => [el('span', {}, v)], ''));
  } else if (check) {
    parts.push(el('p', { class: 'verdict good' }, 'Honoured: its consent record says what you chose.'));
  }
  const gpp = log.latestGppCheck;
  if (gpp?.unreadable) {
    parts.push(el('p', { class: 'verdict bad' }, `Not verified: its US privacy record (GPP) cannot be read (${gpp.unreadable}).`));
  } else if (gpp && gpp.violations.length) {
    parts.push(el('p', { class: 'verdict bad' }, 'Not honoured: its US privacy record (GPP) says other than you chose.'),
      list(gpp.violations, (v) => [el('span', {}, v)], ''));
  } else if (gpp) {
    parts.push(el('p', { class: 'verdict good' }, 'Honoured: its US privacy record (GPP) says what you chose.'));
  }
  if (!check && !gpp && latest.outcome === 'answered') {
    parts.push(el('p', { class: 'muted' }, 'Not verified: the dialog keeps no record Trust Ledger can read (no IAB TCF or GPP string).'));
  }
  const cookies = Object.entries(log.cookiesAfterRefusal ?? {});
  if (cookies.length) {
    parts.push(el('p', { class: 'verdict bad' }, `Tracking cookies after your refusal: ${cookies.map(([n]) => n).join(', ')}.`));
  }
  const trackers = Object.entries(log.trackersAfterRefusal ?? {});
  if (trackers.length) {
    parts.push(el('p', { class: 'verdict bad' }, `Trackers contacted after your refusal: ${trackers.map(([company, n]) => `${company} (${n})`).join(', ')}.`));
  }
  parts.push(reopenButton(site, reopenable, tabId));
  return parts;
}

function render(site, openVisit, access, reopenable, tabId) {
  const visit = site.recent.find((v) => v.id === openVisit) ?? site.recent[site.recent.length - 1];
  const scoreClass = site.score >= 60 ? 'good' : site.score < 40 ? 'bad' : '';
  const stat = (label, value) => el('div', {}, el('dt', {}, label), el('dd', {}, String(value)));
  const companies = Object.entries(site.companies).sort(byRequests);
  const thirdParties = Object.entries(site.thirdParties).sort(byRequests);
  const cookies = thirdParties.filter(([, t]) => t.seen.cookies > 0).sort((a, b) => b[1].seen.cookies - a[1].seen.cookies);
  const b = site.background;
  main.replaceChildren(
    el('h1', {}, site.site),
    el('div', { class: 'score' },
      el('span', { class: `value ${scoreClass}`, 'aria-label': 'Trust score' }, String(site.score)),
      el('span', { class: 'muted' }, 'Trust score out of 100, earned visit by visit.')),
    el('dl', { class: 'summary' },
      stat(site.visits === 1 ? 'Visit' : 'Visits', site.visits),
      stat('Tracker requests', site.trackerRequests),
      stat('Blocked', site.blockedRequests ?? 0),
      stat('Third-party cookies', site.cookies)),
    heading('Why', 'latest first'),
    list([...site.changes].reverse(), reason, 'Nothing has changed this site’s score yet.', REASONS_SHOWN),
    heading('Who is watching', 'requests: this visit / all'),
    list(companies, ([name, c]) => [
      el('span', {}, name, ' ', el('span', { class: 'chip' }, (c.category ?? 'tracker').replaceAll('_', ' ')),
        c.seen.blocked ? el('span', { class: 'chip blocked' }, `${c.seen.blocked} blocked`) : ''),
      el('span', { class: 'counts' }, `${visit?.trackers[name] ?? 0} / ${c.seen.requests}`),
    ], 'No tracking company seen.'),
    heading('Third-party cookies', 'this visit / all'),
    list(cookies, ([domain, t]) => [
      el('span', {}, domain, t.organization ? el('span', { class: 'muted' }, ` · ${t.organization}`) : ''),
      el('span', { class: 'counts' }, `${visit?.cookies[domain] ?? 0} / ${t.seen.cookies}`),
    ], 'None set.'),
    heading('Third parties contacted', 'requests: this visit / all'),
    list(thirdParties, ([domain, t]) => [
      el('span', {}, domain),
      el('span', { class: 'counts' }, `${visit?.thirdParties[domain] ?? 0} / ${t.seen.requests}`),
    ], 'None.'),
    b?.requests ? el('p', { class: 'muted background' },
      `With no page of this site open (its service worker): ${plural(b.requests, 'request')}, ` +
      `${b.trackerRequests} to trackers.`) : '',
    ...consentSection(site, reopenable, tabId),
    ...asksSection(site),
    accessSection(site.site, access),
  );
}

// From the toolbar popup, the options page opens in a tab of its own.
document.getElementById('all-sites').addEventListener('click', (event) => {
  if (document.body.classList.contains('in-tab')) return;
  event.preventDefault();
  chrome.runtime.openOptionsPage();
  window.close();
});

const { site: name, visit, tabId } = await currentSite();
if (!name) {
  main.replaceChildren(el('p', { class: 'muted' }, 'This tab shows no website.'));
} else {
  const [{ site }, { access }, { catalogue }, reopenable] = await Promise.all([
    ask({ type: PageRequest.SITE, site: name }),
    ask({ type: PageRequest.ACCESS, site: name }),
    ask({ type: PageRequest.TERMS }),
    ask({ type: PageRequest.CONSENT_REOPENABLE, site: name }),
  ]);
  for (const c of catalogue?.capabilities ?? []) CAPABILITY_NAMES[c.key] = c.name;
  if (site) render(site, visit, access ?? [], reopenable, tabId);
  else main.replaceChildren(el('h1', {}, name), el('p', { class: 'muted' }, 'Nothing recorded for this site yet.'));
}
