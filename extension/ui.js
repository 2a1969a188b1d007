// Shared by the extension's pages (popup, options, first run): building elements, and asking the
// service worker. No framework.

/** An element with attributes (`true` sets an empty one; `false` and `undefined` none) and children. */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) e.setAttribute(k, '');
    else if (v !== false && v !== undefined) e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

/** Sends `message` to the service worker (extension/messages.js); its `{ error }` is thrown. */
export async function ask(message) {
  const reply = await chrome.runtime.sendMessage(message);
  if (reply?.error) throw new Error(reply.error);
  return reply;
}
