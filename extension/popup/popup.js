// The toolbar popup: the ledger of the site in the current tab (or of `?site=`, which the options
// page links to), from the service worker. Rendering only: every number comes from the ledger.

import { PageRequest } from '../messages.js';

const main = document.getElementById('ledger');
const REASONS_SHOWN = 5;
const LIST_SHOWN = 8;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const ask = (message) => chrome.runtime.sendMessage(message);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function currentSite() {
  const wanted = new URLSearchParams(location.search).get('site');
  if (wanted) {
    document.body.classList.add('in-tab');
    return { site: wanted };
  }
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? ask({ type: PageRequest.TAB, tabId: tab.id }) : {};
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

function render(site, openVisit) {
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
  );
}

// From the toolbar popup, the options page opens in a tab of its own.
document.getElementById('all-sites').addEventListener('click', (event) => {
  if (document.body.classList.contains('in-tab')) return;
  event.preventDefault();
  chrome.runtime.openOptionsPage();
  window.close();
});

const { site: name, visit } = await currentSite();
if (!name) {
  main.replaceChildren(el('p', { class: 'muted' }, 'This tab shows no website.'));
} else {
  const { site } = await ask({ type: PageRequest.SITE, site: name });
  if (site) render(site, visit);
  else main.replaceChildren(el('h1', {}, name), el('p', { class: 'muted' }, 'Nothing recorded for this site yet.'));
}
