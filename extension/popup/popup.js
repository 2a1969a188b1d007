// The toolbar popup: the ledger of the site in the current tab (or of `?site=`), from the
// service worker. Rendering only: every number comes from the ledger.

import { PageRequest } from '../messages.js';

const main = document.getElementById('ledger');

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const ask = (message) => chrome.runtime.sendMessage(message);

async function currentSite() {
  const wanted = new URLSearchParams(location.search).get('site');
  if (wanted) return { site: wanted };
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  return tab ? ask({ type: PageRequest.TAB, tabId: tab.id }) : {};
}

function render(site, openVisit) {
  const visit = site.recent.find((v) => v.id === openVisit) ?? site.recent[site.recent.length - 1];
  const scoreClass = site.score >= 60 ? 'good' : site.score < 40 ? 'bad' : '';
  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  main.replaceChildren(
    el('h1', {}, site.site),
    el('p', { class: 'muted' }, `${plural(site.visits, 'visit')} · ${plural(site.trackerRequests, 'tracker request')} · ${plural(site.cookies, 'third-party cookie')}`),
    el('div', { class: 'score' }, el('span', { class: `value ${scoreClass}`, 'aria-label': 'Trust score' }, String(site.score)),
      el('span', { class: 'muted' }, 'Trust score out of 100, earned visit by visit.')),
    el('h2', {}, 'Why'),
    list([...site.changes].reverse().slice(0, 8), (c) => [
      el('span', {}, c.reason, ' ', el('span', { class: 'muted' }, `(visit ${c.visit})`)),
      el('span', { class: `delta ${c.delta < 0 ? 'minus' : 'plus'}` }, c.delta > 0 ? `+${c.delta}` : String(c.delta)),
    ], 'Nothing has changed this site’s score yet.'),
    el('h2', {}, 'Who is watching'),
    list(Object.entries(site.companies).sort((a, b) => b[1].seen.requests - a[1].seen.requests), ([name, c]) => [
      el('span', {}, name, ' ', el('span', { class: 'chip' }, (c.category ?? 'tracker').replaceAll('_', ' '))),
      el('span', { class: 'counts', title: 'requests this visit / all visits' }, `${visit?.trackers[name] ?? 0} / ${c.seen.requests}`),
    ], 'No tracking company seen.'),
    el('h2', {}, 'Third parties contacted'),
    list(Object.entries(site.thirdParties).sort((a, b) => b[1].seen.requests - a[1].seen.requests).slice(0, 12), ([domain, t]) => [
      el('span', {}, domain, t.seen.cookies ? el('span', { class: 'chip' }, ` cookies ${t.seen.cookies}`) : ''),
      el('span', { class: 'counts' }, `${visit?.thirdParties[domain] ?? 0} / ${t.seen.requests}`),
    ], 'None.'),
  );
}

function list(items, row, empty) {
  if (!items.length) return el('p', { class: 'muted' }, empty);
  return el('ul', {}, ...items.map((item) => el('li', {}, ...row(item))));
}

const { site: name, visit } = await currentSite();
if (!name) {
  main.replaceChildren(el('p', { class: 'muted' }, 'This tab shows no website.'));
} else {
  const { site } = await ask({ type: PageRequest.SITE, site: name });
  if (site) render(site, visit);
  else main.replaceChildren(el('h1', {}, name), el('p', { class: 'muted' }, 'Nothing recorded for this site yet.'));
}
