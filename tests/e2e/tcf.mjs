// TC strings for the fixture CMPs, made by IAB Tech Lab's own codec (npm @iabtechlabtcf/core),
// so what a fixture page records is what a real TCF CMP would. The fixture server answers
// `POST /__tcf/encode` with `encodeTcString(JSON body)` (server.mjs); the tests decode with it.
//
// The Global Vendor List here is a small one of our own making (five vendors, TCF 2.2 purposes):
// the codec needs a list to encode, and the tests need no real vendor.

import { GVL, TCModel, TCString } from '@iabtechlabtcf/core';

const PURPOSE_NAMES = [
  'Store and/or access information on a device', 'Use limited data to select advertising',
  'Create profiles for personalised advertising', 'Use profiles to select personalised advertising',
  'Create profiles to personalise content', 'Use profiles to select personalised content',
  'Measure advertising performance', 'Measure content performance',
  'Understand audiences through statistics or combinations of data from different sources',
  'Develop and improve services', 'Use limited data to select content',
];
const byId = (names) => Object.fromEntries(names.map((name, i) => [i + 1, { id: i + 1, name, description: name, illustrations: [] }]));
const vendor = (id, name, purposes, legIntPurposes, specialFeatures = []) => ({
  id, name, purposes, legIntPurposes, flexiblePurposes: [], specialPurposes: [1, 2], features: [], specialFeatures,
  cookieMaxAgeSeconds: 31536000, usesCookies: true, cookieRefresh: false, usesNonCookieAccess: false,
  urls: [{ langId: 'en', privacy: `https://vendor${id}.example/privacy`, legIntClaim: `https://vendor${id}.example/li` }],
});

/** The vendor list: 5 vendors, version 150, TCF policy 5 (TCF 2.3). */
export const VENDOR_LIST = {
  gvlSpecificationVersion: 3, vendorListVersion: 150, tcfPolicyVersion: 5, lastUpdated: '2026-11-01T16:00:00Z',
  purposes: byId(PURPOSE_NAMES),
  specialPurposes: byId(['Ensure security, prevent and detect fraud, and fix errors', 'Deliver and present advertising and content']),
  features: byId(['Match and combine data from other data sources', 'Link different devices']),
  specialFeatures: byId(['Use precise geolocation data', 'Actively scan device characteristics for identification']),
  stacks: {},
  dataCategories: {},
  vendors: {
    2: vendor(2, 'Captify Technologies', [1, 3, 4], [2, 7, 10]),
    21: vendor(21, 'The Trade Desk', [1, 3, 4], [2, 7, 9, 10]),
    91: vendor(91, 'Criteo', [1, 3, 4, 5, 6], [2, 7, 9, 10]),
    755: vendor(755, 'Google Advertising Products', [1, 3, 4], [2, 7, 9, 10], [1]),
    804: vendor(804, 'LinkedIn Ireland', [1, 3, 4, 9], [2, 7, 10]),
  },
};

/**
 * A TC string for what a person chose: `{ cmpId, cmpVersion, purposeConsents: [ids],
 * purposeLegitimateInterests: [ids], specialFeatureOptins: [ids], vendorConsents: [ids],
 * vendorLegitimateInterests: [ids], publisherCountryCode, consentLanguage }`; every vendor of
 * the list is disclosed. Fields left out are empty (or, for the ids, the CMP's: 10, version 1).
 */
export function encodeTcString(choice) {
  const model = new TCModel(new GVL(structuredClone(VENDOR_LIST)));
  model.cmpId = choice.cmpId ?? 10;
  model.cmpVersion = choice.cmpVersion ?? 1;
  model.isServiceSpecific = true;
  model.consentLanguage = choice.consentLanguage ?? 'EN';
  model.publisherCountryCode = choice.publisherCountryCode ?? 'DE';
  model.purposeConsents.set(choice.purposeConsents ?? []);
  model.purposeLegitimateInterests.set(choice.purposeLegitimateInterests ?? []);
  model.specialFeatureOptins.set(choice.specialFeatureOptins ?? []);
  model.vendorConsents.set(choice.vendorConsents ?? []);
  model.vendorLegitimateInterests.set(choice.vendorLegitimateInterests ?? []);
  model.vendorsDisclosed.set(Object.keys(VENDOR_LIST.vendors).map(Number));
  return TCString.encode(model, { segments: ['core', 'vendorsDisclosed'] });
}

/** What a TC string says, as sorted id lists: the test oracle for the engine's decoder. */
export function decodeTcString(string) {
  const m = TCString.decode(string);
  const ids = (vector) => [...vector].filter(([, on]) => on).map(([id]) => id).sort((a, b) => a - b);
  return {
    cmpId: m.cmpId, cmpVersion: m.cmpVersion, policyVersion: m.policyVersion,
    purposeConsents: ids(m.purposeConsents), purposeLegitimateInterests: ids(m.purposeLegitimateInterests),
    specialFeatureOptins: ids(m.specialFeatureOptins), vendorConsents: ids(m.vendorConsents),
    vendorLegitimateInterests: ids(m.vendorLegitimateInterests), vendorsDisclosed: ids(m.vendorsDisclosed),
  };
}
