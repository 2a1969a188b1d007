// The app's service worker: asked by the page, it reports to Segment a moment later, by which
// time the test has closed the page: a request the site makes with none of its pages open.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('message', (event) => {
  event.waitUntil(new Promise((resolve) => setTimeout(resolve, 1500))
    .then(() => fetch('https://api.segment.io/v1/t', { method: 'POST', mode: 'no-cors', body: '{"event":"Synced"}' })));
});
