// The first-run page: what the default terms do, and the presets to start from instead. A preset
// is applied by the service worker (validated by the engine like any terms); per-site exceptions
// and grants, which a first run has none of, are kept all the same.

import { PageRequest } from '../messages.js';
import { ask, el } from '../ui.js';

const box = document.getElementById('presets');
const status = document.getElementById('status');

function show(presets, current) {
  box.replaceChildren(...presets.map((p) => {
    const description = el('p', { id: `preset-${p.key}` }, p.description);
    const button = el('button', { type: 'button', 'data-preset': p.key, 'aria-describedby': description.id },
      p.key === current ? `${p.name} (your terms now)` : `Use “${p.name}”`);
    return el('div', { class: 'preset', 'aria-current': String(p.key === current) }, button, description);
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
