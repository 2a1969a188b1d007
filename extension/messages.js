// The closed protocol between extension pages and the service worker: every message type, in one
// place. Only extension pages (the popup, the options page) may send these; the background checks
// the sender. See docs/ARCHITECTURE.md.

export const PageRequest = Object.freeze({
  /** The ledger record of one site: { type, site } → { site: Site | null } */
  SITE: 'site',
  /** The site and visit open in a tab: { type, tabId } → { site, visit } | {} */
  TAB: 'tab',
});
