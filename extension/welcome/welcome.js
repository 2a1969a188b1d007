// The first-run page: what the default terms do, and the presets to start from instead. A preset
// is applied by the service worker (validated by the engine like any terms); per-site exceptions
// and grants, which a first run has none of, are kept all the same.

import { PageRequest } from '../messages.js';

const ask = async (message) => {
  const reply = await chrome.runtime.sendMessage(message);
  if (reply?.error) throw new Error(reply.error);
  return reply;
};

const box = document.getElementById('presets');
const status = document.getElementById('status');

function show(presets, current) {
  box.replaceChildren(...presets.map((p) => {
    const card = document.createElement('div');
    card.className = 'preset';
    card.setAttribute('aria-current', String(p.key === current));
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.preset = p.key;
    button.textContent = p.key === current ? `${p.name} (your terms now)` : `Use “${p.name}”`;
    const description = document.createElement('p');
    description.id = `preset-${p.key}`;
    description.textContent = p.description;
    button.setAttribute('aria-describedby', description.id);
    card.append(button, description);
    return card;
  }));
}

// Which preset the terms are, if they are one (their defaults equal; exceptions aside).
async function presetOf(terms, presets) {
  const strip = (t) => JSON.stringify({ ...t, exceptions: {}, grants: [] });
  for (const p of presets) {
    const { json } = await ask({ type: PageRequest.PRESET, preset: p.key });
    if (strip(JSON.parse(json)) === strip(terms)) return p.key;
  }
  return null;
}

try {
  const { json, catalogue } = await ask({ type: PageRequest.TERMS });
  const { presets } = catalogue;
  show(presets, await presetOf(JSON.parse(json), presets));
  box.addEventListener('click', async (event) => {
    const key = event.target.closest('button[data-preset]')?.dataset.preset;
    if (!key) return;
    try {
      const current = JSON.parse((await ask({ type: PageRequest.TERMS })).json);
      const chosen = JSON.parse((await ask({ type: PageRequest.PRESET, preset: key })).json);
      await ask({ type: PageRequest.SET_TERMS, json: JSON.stringify({ ...chosen, exceptions: current.exceptions, grants: current.grants }) });
      show(presets, key);
      box.querySelector(`button[data-preset="${key}"]`).focus();
      const name = presets.find((p) => p.key === key).name;
      status.textContent = `Your terms are now “${name}”. You can change them any time in the options.`;
      status.classList.remove('error');
    } catch (e) {
      status.textContent = `Your terms are unchanged: ${e.message}`;
      status.classList.add('error');
    }
  });
} catch (e) {
  status.textContent = `Your terms could not be read: ${e.message}`;
  status.classList.add('error');
}
