// The options page's terms editor: presets, purposes, signals, permissions, tracker blocking,
// per-site exceptions, time-limited grants, and the terms as a file (export, proffer, import).
// The page edits the terms' JSON document (docs/terms.md) and sends it whole to the service
// worker, whose engine validates it: a refused change shows the engine's error and the controls
// go back to the terms in force. Names and descriptions come from the engine's catalogue.

import { PageRequest } from '../messages.js';
import { ask, el } from '../ui.js';



const $ = (id) => document.getElementById(id);
const status = $('terms-status');
const fileStatus = $('terms-file-status');
const say = (where, text, error = false) => {
  where.textContent = text;
  where.classList.toggle('error', error);
};

let terms = null; // the terms in force, as their JSON document
let catalogue = null; // { purposes, capabilities, categories, presets }
const SETTINGS = [['allow', 'Allow'], ['ask', 'Ask'], ['deny', 'Deny']];
const ends = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Sends `next` as the new terms; on success they are in force, else the error is shown. */
async function save(next, done = 'Saved.') {
  try {
    const { json } = await ask({ type: PageRequest.SET_TERMS, json: JSON.stringify(next) });
    terms = JSON.parse(json);
    say(status, done);
    document.dispatchEvent(new Event('trustledger:terms-saved'));
    return true;
  } catch (e) {
    say(status, `Not saved, your terms are unchanged: ${e.message}`, true);
    render();
    return false;
  }
}

const edited = (change) => {
  const next = structuredClone(terms);
  change(next);
  return save(next);
};

// A default changed: the exceptions' "as my terms" choices name the new default.
const editedDefault = async (change) => {
  if (await edited(change)) renderExceptions();
};

// -- The defaults --------------------------------------------------------------------------------

function renderPresets() {
  const box = document.querySelector('#presets .presets');
  box.replaceChildren(...catalogue.presets.map((p) => {
    const description = el('p', { id: `preset-${p.key}-what`, class: 'muted' }, p.description);
    const button = el('button', { type: 'button', 'data-preset': p.key, 'aria-describedby': description.id }, p.name);
    return el('div', { class: 'preset' }, button, description);
  }));
}

function renderDefaults() {
  $('purposes').querySelector('ul').replaceChildren(...catalogue.purposes.map((p) => {
    const tags = [p.tcfPurpose && `TCF purpose ${p.tcfPurpose}`, p.specialFeature && `TCF special feature ${p.specialFeature}`].filter(Boolean);
    const box = el('input', { type: 'checkbox', 'data-purpose': p.key, checked: terms.purposes[p.key] === 'accept', disabled: !p.optional });
    return el('li', {}, el('label', {}, box, ` ${p.name}`, ...tags.map((t) => el('span', { class: 'chip' }, t)),
      p.optional ? '' : el('span', { class: 'muted' }, ' (always: sites need it to work)')));
  }));
  $('gpc').checked = terms.signals.gpc;
  $('object-li').checked = terms.legitimateInterest.object;
  $('permissions').querySelector('.grid').replaceChildren(...catalogue.capabilities.map((c) => {
    const id = `permission-${c.key}`;
    const note = c.enforcedByBrowser ? '' : el('span', { class: 'muted note', id: `${id}-note` },
      'Kept in your terms; the browser does not let extensions set this one, so it still asks.');
    const select = el('select', { id, 'data-capability': c.key, 'aria-describedby': note ? note.id : undefined },
      ...SETTINGS.map(([value, name]) => el('option', { value, selected: terms.permissions[c.key] === value }, name)));
    return el('div', { class: 'row' }, el('label', { for: id }, c.name), select, note);
  }));
  $('blocking').querySelector('ul').replaceChildren(...catalogue.categories.map((c) =>
    el('li', {}, el('label', {}, el('input', { type: 'checkbox', 'data-category': c.key, checked: terms.blocking.includes(c.key) }), ` ${c.name}`))));
}

document.querySelector('#presets .presets').addEventListener('click', async (event) => {
  const key = event.target.closest('button[data-preset]')?.dataset.preset;
  if (!key) return;
  const preset = catalogue.presets.find((p) => p.key === key);
  try {
    const { json } = await ask({ type: PageRequest.PRESET, preset: key });
    const next = { ...JSON.parse(json), exceptions: terms.exceptions, grants: terms.grants };
    if (await save(next, `Your terms are now “${preset.name}”, with your exceptions kept.`)) render();
  } catch (e) {
    say(status, `The preset could not be read: ${e.message}`, true);
  }
});

$('purposes').addEventListener('change', (event) => {
  const key = event.target.dataset.purpose;
  if (key) editedDefault((t) => { t.purposes[key] = event.target.checked ? 'accept' : 'refuse'; });
});
$('gpc').addEventListener('change', (event) => editedDefault((t) => { t.signals.gpc = event.target.checked; }));
$('object-li').addEventListener('change', (event) => editedDefault((t) => { t.legitimateInterest.object = event.target.checked; }));
$('permissions').addEventListener('change', (event) => {
  const key = event.target.dataset.capability;
  if (key) editedDefault((t) => { t.permissions[key] = event.target.value; });
});
$('blocking').addEventListener('change', (event) => {
  const key = event.target.dataset.category;
  if (!key) return;
  editedDefault((t) => {
    t.blocking = t.blocking.filter((c) => c !== key);
    if (event.target.checked) t.blocking.push(key);
  });
});

// -- Exceptions ------------------------------------------------------------------------------------

// One override: a select whose first choice is "as my terms", naming what they say (the key
// absent from the exception).
function override(site, label, value, choices, path, inherited) {
  const id = `x-${site}-${path.join('-')}`;
  const named = choices.find(([v]) => String(v) === String(inherited))?.[1];
  const select = el('select', { id, 'data-site': site, 'data-path': path.join('.') },
    el('option', { value: '' }, `As my terms (${named})`),
    ...choices.map(([v, name]) => el('option', { value: String(v), selected: value !== undefined && String(value) === String(v) }, name)));
  return el('div', { class: 'row' }, el('label', { for: id }, label), select);
}

function exceptionSummary(e) {
  const parts = [];
  if (e.signals?.gpc !== undefined) parts.push(e.signals.gpc ? 'GPC sent' : 'no GPC');
  const count = (o, what) => { const n = Object.keys(o ?? {}).length; if (n) parts.push(`${n} ${what}${n === 1 ? '' : 's'}`); };
  count(e.purposes, 'purpose');
  count(e.permissions, 'permission');
  count(e.blocking, 'blocking choice');
  if (e.legitimateInterest) parts.push(e.legitimateInterest.object ? 'objects to legitimate interest' : 'accepts legitimate interest');
  return parts.length ? parts.join(', ') : 'nothing changed yet';
}

function renderException(site, e) {
  const group = (legend, ...rows) => el('fieldset', {}, el('legend', {}, legend), ...rows);
  const details = el('details', { 'data-site': site },
    el('summary', {}, el('strong', {}, site), el('span', { class: 'muted' }, ` — ${exceptionSummary(e)}`)),
    el('div', { class: 'overrides' }, group('Signals',
      override(site, 'Global Privacy Control', e.signals?.gpc, [[true, 'Send'], [false, 'Do not send']], ['signals', 'gpc'],
        terms.signals.gpc),
      override(site, 'Legitimate interest', e.legitimateInterest?.object, [[true, 'Object'], [false, 'Do not object']],
        ['legitimateInterest', 'object'], terms.legitimateInterest.object)),
    group('Permissions', ...catalogue.capabilities.map((c) =>
      override(site, c.name, e.permissions?.[c.key], SETTINGS, ['permissions', c.key], terms.permissions[c.key]))),
    group('Trackers', ...catalogue.categories.map((c) =>
      override(site, c.name, e.blocking?.[c.key], [[true, 'Block'], [false, 'Let through']], ['blocking', c.key],
        terms.blocking.includes(c.key)))),
    group('Purposes', ...catalogue.purposes.filter((p) => p.optional).map((p) =>
      override(site, p.name, e.purposes?.[p.key], [['accept', 'Accept'], ['refuse', 'Refuse']], ['purposes', p.key],
        terms.purposes[p.key])))),
    el('button', { type: 'button', class: 'remove', 'data-remove': site }, `Remove the exception for ${site}`));
  return details;
}

function renderExceptions() {
  const open = new Set([...document.querySelectorAll('#exceptions details[open]')].map((d) => d.dataset.site));
  const sites = Object.keys(terms.exceptions).sort();
  $('exceptions').replaceChildren(...(sites.length ? sites.map((s) => {
    const d = renderException(s, terms.exceptions[s]);
    d.open = open.has(s);
    return d;
  }) : [el('p', { class: 'muted' }, 'No exception: your terms apply on every site.')]));
}

// A select's value into the exception's JSON: '' removes the override, "true"/"false" are
// booleans, other values strings. An emptied section is removed.
function setOverride(e, path, raw) {
  const [section, key] = path.split('.');
  const value = raw === '' ? undefined : raw === 'true' ? true : raw === 'false' ? false : raw;
  if (section === 'legitimateInterest') {
    if (value === undefined) delete e.legitimateInterest;
    else e.legitimateInterest = { object: value };
    return;
  }
  e[section] ??= {};
  if (value === undefined) delete e[section][key];
  else e[section][key] = value;
  if (!Object.keys(e[section]).length) delete e[section];
}

$('exceptions').addEventListener('change', async (event) => {
  const { site, path } = event.target.dataset;
  if (!site || !path) return;
  if (await edited((t) => setOverride(t.exceptions[site], path, event.target.value))) {
    event.target.closest('details').querySelector('summary .muted').textContent = ` — ${exceptionSummary(terms.exceptions[site])}`;
  }
});

$('exceptions').addEventListener('click', async (event) => {
  const site = event.target.dataset.remove;
  if (site && await edited((t) => { delete t.exceptions[site]; })) {
    renderExceptions();
    say(status, `The exception for ${site} is removed.`);
    $('exception-site').focus();
  }
});

$('add-exception').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('exception-site');
  try {
    const { site } = await ask({ type: PageRequest.SITE_OF, input: input.value });
    if (!terms.exceptions[site] && !(await edited((t) => { t.exceptions[site] = {}; }))) return;
    input.value = '';
    renderExceptions();
    const details = document.querySelector(`#exceptions details[data-site="${CSS.escape(site)}"]`);
    details.open = true;
    details.querySelector('select').focus();
    say(status, `Exception for ${site}: choose what changes there.`);
  } catch (e) {
    say(status, e.message, true);
  }
});

// -- Grants ----------------------------------------------------------------------------------------

function renderGrants() {
  const name = (key) => catalogue.capabilities.find((c) => c.key === key)?.name ?? key;
  const rows = terms.grants.map((g, i) => el('tr', {},
    el('td', {}, g.site), el('td', {}, name(g.capability)),
    el('td', {}, el('time', { datetime: new Date(g.until).toISOString() }, ends.format(g.until))),
    el('td', {}, el('button', { type: 'button', 'data-grant': String(i) }, `Revoke ${name(g.capability).toLowerCase()} on ${g.site}`))));
  $('grants').tBodies[0].replaceChildren(...rows);
  $('grants').hidden = rows.length === 0;
  $('grants-empty').hidden = rows.length !== 0;
}

$('add-grant').addEventListener('submit', async (event) => {
  event.preventDefault();
  const capability = $('grant-capability').value;
  try {
    const { site } = await ask({ type: PageRequest.SITE_OF, input: $('grant-site').value });
    const { json } = await ask({ type: PageRequest.GRANT, site, capability, minutes: Number($('grant-minutes').value) });
    terms = JSON.parse(json);
    renderGrants();
    document.dispatchEvent(new Event('trustledger:terms-saved'));
    $('grant-site').value = '';
    say(status, `Allowed: ${capability} on ${site}, until ${ends.format(terms.grants.find((g) => g.site === site && g.capability === capability).until)}.`);
  } catch (e) {
    say(status, `Not allowed: ${e.message}`, true);
  }
});

$('grants').addEventListener('click', async (event) => {
  const index = event.target.dataset.grant;
  if (index === undefined) return;
  const grant = terms.grants[Number(index)];
  if (await edited((t) => { t.grants.splice(Number(index), 1); })) {
    renderGrants();
    say(status, `Revoked: ${grant.capability} on ${grant.site}.`);
  }
});

// -- The terms as a file ---------------------------------------------------------------------------

function download(json, name) {
  const link = el('a', { href: URL.createObjectURL(new Blob([json], { type: 'application/json' })), download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

const today = () => new Date().toISOString().slice(0, 10);

$('export-terms').addEventListener('click', () => {
  download(`${JSON.stringify(terms, null, 2)}\n`, `trust-ledger-terms-${today()}.json`);
  say(fileStatus, 'Exported your terms.');
});

$('export-proffer').addEventListener('click', async () => {
  try {
    const { json } = await ask({ type: PageRequest.PROFFER });
    download(json, `trust-ledger-proffer-${today()}.jsonld`);
    say(fileStatus, 'Exported your terms as a proffer.');
  } catch (e) {
    say(fileStatus, `Export failed: ${e.message}`, true);
  }
});

const importInput = $('import-terms');
importInput.addEventListener('change', async () => {
  const [file] = importInput.files;
  if (!file) return;
  try {
    const { json } = await ask({ type: PageRequest.SET_TERMS, json: await file.text() });
    terms = JSON.parse(json);
    render();
    document.dispatchEvent(new Event('trustledger:terms-saved'));
    say(fileStatus, `Imported ${file.name}: these are your terms now.`);
  } catch (e) {
    say(fileStatus, `${file.name} was not imported, and your terms are unchanged. ${e.message}`, true);
  } finally {
    importInput.value = '';
  }
});

// -- Start -----------------------------------------------------------------------------------------

function render() {
  renderDefaults();
  renderExceptions();
  renderGrants();
}

// Another part of the page changed the terms (a revoke in "Access now"): read them again.
document.addEventListener('trustledger:terms-changed', async () => {
  try {
    terms = JSON.parse((await ask({ type: PageRequest.TERMS })).json);
    render();
  } catch (e) {
    say(status, `Your terms could not be read: ${e.message}`, true);
  }
});

try {
  const reply = await ask({ type: PageRequest.TERMS });
  terms = JSON.parse(reply.json);
  catalogue = reply.catalogue;
  renderPresets();
  $('grant-capability').replaceChildren(...catalogue.capabilities.filter((c) => c.enforcedByBrowser)
    .map((c) => el('option', { value: c.key }, c.name)));
  render();
  $('terms-editor').hidden = false;
  say(status, '');
} catch (e) {
  say(status, `Your terms could not be read: ${e.message}`, true);
}
