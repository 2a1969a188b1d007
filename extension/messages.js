// The closed protocol between extension pages and the service worker: every message type, in one
// place. Only extension pages (the popup, the options page) may send these; the background checks
// the sender. Every reply may instead be { error } with a sentence for the person. See
// docs/ARCHITECTURE.md.

export const PageRequest = Object.freeze({
  /** The ledger record of one site: { type, site } → { site: Site | null } */
  SITE: 'site',
  /** The site and visit open in a tab: { type, tabId } → { site, visit } | {} */
  TAB: 'tab',
  /** Every site in one line, most recent first: { type } → { sites: SiteSummary[] } */
  SITES: 'sites',
  /** The whole ledger in its documented format: { type } → { json } */
  EXPORT: 'export',
  /** Merges an exported ledger: { type, json } → { added, combined } | { error } */
  IMPORT: 'import',
  /** The person's terms, as their JSON (docs/terms.md): { type } → { json } */
  TERMS: 'terms',
  /** Replaces the terms if the JSON is valid, and applies them: { type, json } → { json } | { error } */
  SET_TERMS: 'setTerms',
});
