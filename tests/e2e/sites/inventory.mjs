// What each fixture page requests while it loads, for tests to assert exact counts: one entry per
// chrome.webRequest.onBeforeRequest event the page causes in Chromium (order not guaranteed),
// with who is behind it as this project's engine attributes it (docs/filters.md: the TrackerDB
// pattern whose filter matched, else the one owning the host's domain; checked with
// `trustledger classify`): pattern id, organization name, category, or null for none.
// README.md in this directory explains the sites; harness.test.mjs checks this file against the
// browser, the fixture server and TrackerDB.

// `network: false` marks Chromium's cache-only first try for a web font: the extension sees it,
// it fails with net::ERR_CACHE_MISS and never reaches the network; the real fetch follows.
const request = (url, type, { tracker = null, network = true } = {}) => ({
  url,
  type,
  pattern: tracker?.[0] ?? null,
  organization: tracker?.[1] ?? null,
  category: tracker?.[2] ?? null,
  network,
});

// Every host here has a one-label public suffix, so its registrable domain is its last two labels.
const site = (url) => new URL(url).hostname.split('.').slice(-2).join('.');
const withParty = (pageUrl, requests) => requests.map((r) => ({ ...r, thirdParty: site(r.url) !== site(pageUrl) }));

const GOOGLE_ANALYTICS = ['google_analytics', 'Google', 'site_analytics'];
const GOOGLE_TAG_MANAGER = ['google_tag_manager', 'Google', 'utilities'];
const GOOGLE_FONTS = ['google_fonts', 'Google', 'hosting'];
const GOOGLE_STATIC = ['gstatic', 'Google', 'hosting'];
const DOUBLECLICK = ['doubleclick', 'Google', 'advertising'];
const YOUTUBE = ['youtube', 'Google', 'audio_video_player'];
const CRITEO = ['criteo', 'Criteo', 'advertising'];
const CLOUDFLARE = ['cloudflare', 'Cloudflare', 'hosting'];
const FACEBOOK_CONNECT = ['facebook_connect', 'Meta', 'site_analytics'];
const FACEBOOK_CUSTOM_AUDIENCE = ['facebook_custom_audience', 'Meta', 'advertising'];
const HOTJAR = ['hotjar', 'Hotjar', 'site_analytics'];
const STRIPE = ['stripe.com', 'Stripe', 'utilities'];
const TWITTER_BUTTON = ['twitter_button', 'X Corp.', 'social_media'];
const SEGMENT = ['segment', 'Twilio', 'site_analytics'];
const COMSCORE = ['scorecard_research_beacon', 'comScore, Inc.', 'site_analytics'];
// Not by domain: TrackerDB's filter `|https://smetrics.` (a CNAME-cloaked first party).
const ADOBE = ['adobe_experience_cloud', 'Adobe', 'site_analytics'];

const ROBOTO = 'https://fonts.gstatic.com/s/roboto/v30/KFOmCnqEu92Fr1Mu4mxK.woff2';

const PAGES = {
  'https://news.example/': [
    request('https://news.example/', 'main_frame'),
    request('https://news.example/css/news.css', 'stylesheet'),
    request('https://news.example/img/logo.svg', 'image'),
    request('https://news.example/img/park.svg', 'image'),
    request('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js', 'script', { tracker: CLOUDFLARE }),
    request('https://www.googletagmanager.com/gtm.js?id=GTM-NEWS1', 'script', { tracker: GOOGLE_TAG_MANAGER }),
    request('https://www.google-analytics.com/analytics.js', 'script', { tracker: GOOGLE_ANALYTICS }),
    request('https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-1234-1&cid=555&dp=%2F', 'image', { tracker: GOOGLE_ANALYTICS }),
    request('https://static.criteo.net/js/ld/publishertag.js', 'script', { tracker: CRITEO }),
    request('https://gum.criteo.com/sync?c=1&r=1&setcookie=uid', 'image', { tracker: CRITEO }),
    request('https://securepubads.g.doubleclick.net/gampad/ads?iu=/1234/news/front&sz=300x250', 'sub_frame', { tracker: DOUBLECLICK }),
  ],
  'https://news.example/article.html': [
    request('https://news.example/article.html', 'main_frame'),
    request('https://news.example/css/news.css', 'stylesheet'),
    request('https://news.example/img/logo.svg', 'image'),
    request('https://www.google-analytics.com/analytics.js', 'script', { tracker: GOOGLE_ANALYTICS }),
    request('https://www.google-analytics.com/collect?v=1&t=pageview&tid=UA-1234-1&cid=555&dp=%2Farticle.html', 'image', { tracker: GOOGLE_ANALYTICS }),
  ],
  'https://shop.example/': [
    request('https://shop.example/', 'main_frame'),
    request('https://shop.example/css/shop.css', 'stylesheet'),
    request('https://shop.example/img/logo.svg', 'image'),
    request('https://shop.example/img/boots.svg', 'image'),
    request('https://connect.facebook.net/en_US/fbevents.js', 'script', { tracker: FACEBOOK_CONNECT }),
    request('https://www.facebook.com/tr?id=1&ev=PageView&noscript=1', 'image', { tracker: FACEBOOK_CUSTOM_AUDIENCE }),
    request('https://static.hotjar.com/c/hotjar-1.js?sv=6', 'script', { tracker: HOTJAR }),
    request('https://static.criteo.net/js/ld/ld.js', 'script', { tracker: CRITEO }),
    request('https://gum.criteo.com/sync?c=2&r=1', 'image', { tracker: CRITEO }),
    request('https://js.stripe.com/v3/', 'script', { tracker: STRIPE }),
    request('https://js.stripe.com/v3/elements-inner-card.html', 'sub_frame', { tracker: STRIPE }),
  ],
  'https://blog.example/': [
    request('https://blog.example/', 'main_frame'),
    request('https://blog.example/css/blog.css', 'stylesheet'),
    request('https://blog.example/img/header.svg', 'image'),
    request('https://fonts.googleapis.com/css?family=Roboto', 'stylesheet', { tracker: GOOGLE_FONTS }),
    request(ROBOTO, 'font', { tracker: GOOGLE_STATIC, network: false }),
    request(ROBOTO, 'font', { tracker: GOOGLE_STATIC }),
  ],
  'https://blog.example/post.html': [
    request('https://blog.example/post.html', 'main_frame'),
    request('https://blog.example/css/blog.css', 'stylesheet'),
    request('https://blog.example/img/header.svg', 'image'),
    request(ROBOTO, 'font', { tracker: GOOGLE_STATIC, network: false }),
    request(ROBOTO, 'font', { tracker: GOOGLE_STATIC }),
  ],
  'https://video.example/': [
    request('https://video.example/', 'main_frame'),
    request('https://video.example/css/video.css', 'stylesheet'),
    request('https://video.example/worker.js', 'script'),
    request('https://platform.twitter.com/widgets.js', 'script', { tracker: TWITTER_BUTTON }),
    request('https://www.youtube.com/embed/x', 'sub_frame', { tracker: YOUTUBE }),
    request('https://api.segment.io/v1/t', 'xmlhttprequest', { tracker: SEGMENT }),
    request('https://www.google-analytics.com/g/collect?v=2&tid=G-VIDEO1&en=page_view', 'ping', { tracker: GOOGLE_ANALYTICS }),
    request('wss://ws.hotjar.com/api/v2/client/ws', 'websocket', { tracker: HOTJAR }),
    request('https://sb.scorecardresearch.com/b?c1=2&c2=1234&ns_site=video', 'xmlhttprequest', { tracker: COMSCORE }),
  ],
  'https://bank.example/': [
    request('https://bank.example/', 'main_frame'),
    request('https://bank.example/css/bank.css', 'stylesheet'),
    request('https://bank.example/js/app.js', 'script'),
    request('https://bank.example/img/logo.svg', 'image'),
    request('https://static.bank.example/fonts/bank-sans.css', 'stylesheet'),
    request('https://metrics.bank.example/b/ss/bankprod/1/JS-2.22.0/s12345?AQB=1&pageName=signin&AQE=1', 'image'),
    request('https://smetrics.bank.example/b/ss/bankprod/1/JS-2.22.0/s67890?AQB=1&pageName=signin&AQE=1', 'image', { tracker: ADOBE }),
  ],
};

export const INVENTORY = Object.fromEntries(
  Object.entries(PAGES).map(([pageUrl, requests]) => [pageUrl, withParty(pageUrl, requests)]),
);
