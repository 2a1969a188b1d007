// OneTrust's loader as a site embeds it (the "OneTrust Cookies Consent Notice" snippet):
//   <script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"
//           data-domain-script="018f2c6e-5a1b-7c3d-9e4f-60a7b8c9d0e1"></script>
// Like the real stub it reads its own data-domain-script, keeps it in window.otStubData and
// loads the banner SDK of the published version from the same CDN (which then fetches the
// domain's JSON). What the fixture leaves out: geolocation rules, the IAB TCF stub, the
// document.write fallback and the versioned-ruleset lookup.
'use strict';

(() => {
  const stub = document.currentScript;
  const domainId = stub?.getAttribute('data-domain-script') ?? '';
  const base = new URL('.', stub?.src ?? 'https://cdn.cookielaw.org/scripttemplates/').href;
  window.otStubData = { domainData: null, domainId, version: '202310.1.0', bannerBaseDataURL: base };
  const sdk = document.createElement('script');
  sdk.src = `${base}202310.1.0/otBannerSdk.js`;
  sdk.charset = 'UTF-8';
  (document.head ?? document.documentElement).appendChild(sdk);
})();
