// The options page: every site in the ledger (each linking to its popup view), and the ledger
// as a file: export (a download made here, no permission needed) and import (merged and
// validated by the ledger in the service worker). Rendering only: numbers come from the ledger.

import { PageRequest } from '../messages.js';
import { ask, el } from '../ui.js';

// -- All sites ------------------------------------------------------------------------------------

const table = document.getElementById('sites');
const status = document.getElementById('sites-status');
const filter = document.getElementById('filter');
let sites = [];
let sort = { key: 'lastSeen', descending: true };

const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const scoreClass = (score) => (score >= 60 ? 'good' : score < 40 ? 'bad' : '');

function row(s) {
  const popup = `../popup/popup.html?site=${encodeURIComponent(s.site)}`;
  const num = (n) => el('td', { class: 'num' }, String(n));
  return el('tr', {},
    el('td', { class: 'site' }, el('a', { href: popup }, s.site)),
    el('td', { class: `num score ${scoreClass(s.score)}` }, String(s.score)),
    num(s.visits), num(s.trackerRequests), num(s.companies), num(s.thirdParties), num(s.cookies),
    el('td', {}, el('time', { datetime: new Date(s.lastSeen).toISOString() }, date.format(s.lastSeen))));
}

function render() {
  const needle = filter.value.trim().toLowerCase();
  const shown = sites.filter((s) => s.site.includes(needle));
  const { key, descending } = sort;
  shown.sort((a, b) => {
    const order = typeof a[key] === 'string' ? a[key].localeCompare(b[key]) : a[key] - b[key];
    return (descending ? -order : order) || a.site.localeCompare(b.site);
  });
  for (const th of table.tHead.rows[0].cells) {
    th.setAttribute('aria-sort', th.dataset.key === key ? (descending ? 'descending' : 'ascending') : 'none');
  }
  table.tBodies[0].replaceChildren(...shown.map(row));
  table.hidden = shown.length === 0;
  const plural = (n) => `${n} site${n === 1 ? '' : 's'}`;
  status.textContent = sites.length === 0
    ? 'No site recorded yet. Browse a little, then come back.'
    : needle ? `${plural(shown.length)} of ${sites.length} match “${filter.value.trim()}”.` : `${plural(sites.length)}.`;
}

async function load() {
  try {
    ({ sites } = await ask({ type: PageRequest.SITES }));
    render();
  } catch (e) {
    status.textContent = `The ledger could not be read: ${e.message}`;
  }
}

table.tHead.addEventListener('click', (event) => {
  const key = event.target.closest('th')?.dataset.key;
  if (!key) return;
  // Names read A→Z first, numbers and dates largest first.
  sort = { key, descending: sort.key === key ? !sort.descending : key !== 'site' };
  render();
});
filter.addEventListener('input', render);

// -- Access now, on every site -----------------------------------------------------------------------

const accessTable = document.getElementById('access');
const accessStatus = document.getElementById('access-status');
const ends = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const WHY = { terms: 'your terms', browser: 'allowed at a browser prompt' };

async function loadAccess() {
  try {
    const { sites: all } = await ask({ type: PageRequest.ACCESS_ALL });
    const rows = all.flatMap(({ site, access }) => access.map((a) => el('tr', {},
      el('td', { class: 'site' }, el('a', { href: `../popup/popup.html?site=${encodeURIComponent(site)}` }, site)),
      el('td', {}, a.name),
      el('td', {}, a.source === 'grant' ? `until ${ends.format(a.until)}` : WHY[a.source]),
      el('td', {}, el('button', { type: 'button', 'data-site': site, 'data-capability': a.capability },
        `Revoke ${a.name.toLowerCase()} on ${site}`)))));
    accessTable.tBodies[0].replaceChildren(...rows);
    accessTable.hidden = rows.length === 0;
    if (!rows.length) accessStatus.textContent = 'No site has any permission from you.';
  } catch (e) {
    accessStatus.textContent = `Access could not be read: ${e.message}`;
  }
}

// The editor saved the terms: what sites may use may have changed.
document.addEventListener('trustledger:terms-saved', () => loadAccess());

accessTable.addEventListener('click', async (event) => {
  const { site, capability } = event.target.dataset ?? {};
  if (!site || !capability) return;
  try {
    await ask({ type: PageRequest.REVOKE, site, capability });
    // The terms changed (a grant ended, or an exception now denies): the editor reads them again.
    document.dispatchEvent(new Event('trustledger:terms-changed'));
    await loadAccess();
    accessStatus.textContent = `Revoked: ${capability} on ${site}.`;
  } catch (e) {
    accessStatus.textContent = `Not revoked: ${e.message}`;
  }
});

// -- The ledger as a file -------------------------------------------------------------------------

const fileStatus = document.getElementById('file-status');
const say = (text, error = false) => {
  fileStatus.textContent = text;
  fileStatus.classList.toggle('error', error);
};

document.getElementById('export').addEventListener('click', async () => {
  try {
    const { json } = await ask({ type: PageRequest.EXPORT });
    const link = el('a', {
      href: URL.createObjectURL(new Blob([json], { type: 'application/json' })),
      download: `trust-ledger-${new Date().toISOString().slice(0, 10)}.json`,
    });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    say(`Exported ${sites.length} site${sites.length === 1 ? '' : 's'}.`);
  } catch (e) {
    say(`Export failed: ${e.message}`, true);
  }
});

const importInput = document.getElementById('import');
importInput.addEventListener('change', async () => {
  const [file] = importInput.files;
  if (!file) return;
  try {
    const { added, combined } = await ask({ type: PageRequest.IMPORT, json: await file.text() });
    say(`Imported ${file.name}: ${added} new site${added === 1 ? '' : 's'}, ${combined} combined with yours.`);
    await Promise.all([load(), loadAccess()]);
  } catch (e) {
    say(`${file.name} was not imported, and nothing changed. ${e.message}`, true);
  } finally {
    importInput.value = '';
  }
});

await Promise.all([load(), loadAccess()]);
