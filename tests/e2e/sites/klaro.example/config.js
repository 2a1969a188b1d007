// Klaro's site configuration (klaro.example), as the Klaro documentation has it: a global object
// named by the script tag's data-config, read by klaro.js.
var klaroConfig = {
  version: 1,
  elementID: 'klaro',
  storageMethod: 'cookie',
  cookieName: 'klaro',
  cookieExpiresAfterDays: 365,
  default: false,
  mustConsent: false,
  acceptAll: true,
  hideDeclineAll: false,
  hideLearnMore: false,
  services: [
    { name: 'matomo', title: 'Matomo', purposes: ['analytics'] },
    { name: 'google-analytics', title: 'Google Analytics', purposes: ['analytics'] },
    { name: 'facebook-pixel', title: 'Meta Pixel', purposes: ['marketing'] },
    { name: 'session', title: 'Session cookie', purposes: ['functional'], required: true },
  ],
};
