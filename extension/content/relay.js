// The isolated-world side of content/permissions.js: hands the page-world script a private
// MessagePort at document start, and passes what comes through it to the service worker. It
// adds nothing of its own: the service worker takes the site, frame and document from the
// browser's sender, and checks every field it is sent (extension/background.js, "Pages").

const KINDS = new Set(['permission', 'decide']);
const channel = new MessageChannel();

channel.port1.onmessage = ({ data }) => {
  if (!KINDS.has(data?.kind)) return;
  if (data.kind === 'permission') {
    chrome.runtime.sendMessage({ type: 'permission', report: data }).catch(() => {});
    return;
  }
  chrome.runtime.sendMessage({ type: 'decide', capability: data.capability })
    .then((reply) => channel.port1.postMessage({ id: data.id, decision: reply?.decision ?? 'ask' }))
    .catch(() => channel.port1.postMessage({ id: data.id, decision: 'ask' }));
};

window.postMessage('trustledger:port', '*', [channel.port2]);
