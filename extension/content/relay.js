// The isolated-world side of the page-world scripts: hands content/permissions.js and
// content/tcf.js each a private MessagePort at document start, and passes what comes through to
// the service worker. It adds nothing of its own: the service worker takes the site, frame and
// document from the browser's sender, and checks every field it is sent (extension/background.js,
// "Pages").

const permissions = new MessageChannel();

permissions.port1.onmessage = ({ data }) => {
  if (data?.kind === 'permission') {
    chrome.runtime.sendMessage({ type: 'permission', report: data }).catch(() => {});
  } else if (data?.kind === 'decide') {
    chrome.runtime.sendMessage({ type: 'decide', capability: data.capability })
      .then((reply) => permissions.port1.postMessage({ id: data.id, decision: reply?.decision ?? 'ask' }))
      .catch(() => permissions.port1.postMessage({ id: data.id, decision: 'ask' }));
  }
};

// What the site's consent dialog recorded (TCF and GPP strings).
const consent = new MessageChannel();

consent.port1.onmessage = ({ data }) => {
  if (data?.kind === 'tcf' || data?.kind === 'gpp') {
    chrome.runtime.sendMessage({ type: 'consentRecord', record: data }).catch(() => {});
  }
};

window.postMessage('trustledger:port', '*', [permissions.port2]);
window.postMessage('trustledger:tcf-port', '*', [consent.port2]);
