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
  /** The person's terms, as their JSON (docs/terms.md), with the names of what they speak of:
   *  { type } → { json, catalogue: { purposes, capabilities, categories, presets } } */
  TERMS: 'terms',
  /** Replaces the terms if the JSON is valid, and applies them: { type, json } → { json } | { error } */
  SET_TERMS: 'setTerms',
  /** Allows a capability on a site for a while: { type, site, capability, minutes } → { json } | { error } */
  GRANT: 'grant',
  /** The terms as an IEEE 7012 proffer (JSON-LD, docs/terms.md): { type } → { json } */
  PROFFER: 'proffer',
  /** A preset's terms, by key (from the catalogue): { type, preset } → { json } */
  PRESET: 'preset',
  /** What a site has access to now: { type, site } → { access: [{ capability, name, source:
   *  'grant' | 'terms' | 'browser', until? }] } (source: a time-limited grant, the person's terms,
   *  or the browser's own site setting, granted at a prompt) */
  ACCESS: 'access',
  /** What every site may use now (sites of the ledger and of the terms): { type } →
   *  { sites: [{ site, access: [as ACCESS] }] }, only sites with some access, by name */
  ACCESS_ALL: 'accessAll',
  /** Takes a capability back from a site: its grants end, and the site is denied it from now on
   *  unless only a grant gave it: { type, site, capability } → { json } | { error } */
  REVOKE: 'revoke',
  /** The site (registrable domain) of what a person typed, a host or a URL: { type, input } → { site } | { error } */
  SITE_OF: 'siteOf',
  /** How the person may open the site's own consent settings again, if Trust Ledger answered
   *  its dialog and the rule says how: { type, site } → { vendor } | {} */
  CONSENT_REOPENABLE: 'consentReopenable',
  /** Opens the site's own consent settings in a tab showing it (the given one, else any), for
   *  the person to choose; from then on the site is not held to Trust Ledger's answer:
   *  { type, site, tabId? } → { vendor } | { error } */
  CONSENT_REOPEN: 'consentReopen',
});

// What content scripts may send (content/relay.js, for content/permissions.js and
// content/tcf.js; content/consent.js, the consent executor, see consent-worker.js). The sender is
// the browser's: the background takes the tab, frame, document and URL from it, never from the
// message, and the engine checks every field. Nothing of the terms or the ledger is answered but
// one capability's decision for the sender's own site.
export const ContentRequest = Object.freeze({
  /** A call that asks for a permission or probes one: { type, report: { capability, call, probe,
   *  activation, outcome, byTerms } } → nothing */
  PERMISSION: 'permission',
  /** What the terms say of one capability on the sender's top-level site: { type, capability }
   *  → { decision: 'allow' | 'ask' | 'deny' } */
  DECIDE: 'decide',
  /** Which consent rules may run in the sender's frame: { type } → { plan: { rules: [{ name,
   *  vendor, present, showing }], prehide, heuristic } } */
  CONSENT_PLAN: 'consentPlan',
  /** A rule's dialog is on the page: { type, rule } → { session, command } (src/consent/session.rs) */
  CONSENT_FOUND: 'consentFound',
  /** The reply to a session's command: { type, session, reply } → { command } (op 'done' at the end) */
  CONSENT_STEP: 'consentStep',
  /** The top frame's visible popups, for the heuristic: { type, lang, candidates: [{ text,
   *  buttons: [{ text, ariaLabel, title }] }] } → { press: { candidate, button } | null, session } */
  CONSENT_UNKNOWN: 'consentUnknown',
  /** What pressing the heuristic's button did: { type, session, pressed, gone } → {} */
  CONSENT_UNKNOWN_DONE: 'consentUnknownDone',
  /** What the site's CMP recorded (content/tcf.js): { type, record: { kind: 'tcf', tcString,
   *  eventStatus, cmpId, purposeConsents, purposeLegitimateInterests } | { kind: 'gpp', … } } → {} */
  CONSENT_RECORD: 'consentRecord',
  /** The page's first-party cookie names, read after an answer: { type, names } → {} */
  CONSENT_COOKIES: 'consentCookies',
});
