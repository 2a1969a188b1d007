// The calls a page makes to ask for permissions, for the permission-prompt tests: each records
// what the page itself saw (`window.seen`: [name, outcome]), so a test can compare it with what
// the browser alone gives. Buttons call them with a click (user activation); so does Playwright's
// `evaluate`, which runs as a user gesture; `?ask=` calls them as the page loads, with none.
window.seen = [];
const saw = (name) => (outcome) => window.seen.push([name, outcome]);
const failed = (name) => (error) => window.seen.push([name, `${error.name}: ${error.message}`]);

// A P-256 public key (uncompressed point) for push subscriptions; no push service ever sees it.
const KEY = Uint8Array.from(atob('BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U'
  .replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

window.ask = {
  notifications: () => Notification.requestPermission().then(saw('notifications'), failed('notifications')),
  geolocation: () => new Promise((done) => navigator.geolocation.getCurrentPosition(
    () => done(saw('geolocation')('granted')),
    (e) => done(saw('geolocation')(`error ${e.code}: ${e.message}`)))),
  camera: () => navigator.mediaDevices.getUserMedia({ video: true }).then(() => saw('camera')('granted'), failed('camera')),
  microphone: () => navigator.mediaDevices.getUserMedia({ audio: true }).then(() => saw('microphone')('granted'), failed('microphone')),
  clipboard: () => navigator.clipboard.readText().then(() => saw('clipboard')('granted'), failed('clipboard')),
  midi: () => navigator.requestMIDIAccess().then(() => saw('midi')('granted'), failed('midi')),
  idle: () => IdleDetector.requestPermission().then(saw('idle'), failed('idle')),
  storage: () => document.requestStorageAccess().then(() => saw('storage')('granted'), failed('storage')),
  screens: () => window.getScreenDetails().then(() => saw('screens')('granted'), failed('screens')),
  // Screen sharing and device choosers: a headless browser leaves them open for ever.
  display: () => navigator.mediaDevices.getDisplayMedia({ video: true }).then(() => saw('display')('granted'), failed('display')),
  serial: () => navigator.serial.requestPort().then(() => saw('serial')('granted'), failed('serial')),
  hid: () => navigator.hid.requestDevice({ filters: [] }).then((d) => saw('hid')(`granted ${d.length}`), failed('hid')),
  clipboardItems: () => navigator.clipboard.read().then(() => saw('clipboardItems')('granted'), failed('clipboardItems')),
  // Location watched until the first answer.
  watch: () => new Promise((done) => {
    const id = navigator.geolocation.watchPosition(
      () => { navigator.geolocation.clearWatch(id); done(saw('watch')('granted')); },
      (e) => { navigator.geolocation.clearWatch(id); done(saw('watch')(`error ${e.code}: ${e.message}`)); });
  }),
  push: () => navigator.serviceWorker.register('/push-worker.js')
    .then(() => navigator.serviceWorker.ready)
    .then((r) => r.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: KEY }))
    .then(() => saw('push')('granted'), failed('push')),
  probe: (names) => Promise.all(names.map((name) => navigator.permissions.query({ name })
    .then((s) => saw(`probe ${name}`)(s.state), failed(`probe ${name}`)))),
};

for (const button of document.querySelectorAll('button[data-ask]')) {
  button.addEventListener('click', () => window.ask[button.dataset.ask]());
}

// `?ask=notifications,geolocation` asks as the page loads, before anyone could click.
for (const name of new URLSearchParams(location.search).get('ask')?.split(',') ?? []) window.ask[name]?.();
