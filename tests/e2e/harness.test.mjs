// Tests of the end-to-end harness itself, with a throwaway probe extension instead of Trust
// Ledger: real hostnames reach the fixture server, the extension sees the same requests, every
// fixture page makes exactly the requests of sites/inventory.mjs, cookies work across sites, the
// service worker stops and wakes, a restart keeps the profile, and neither close() nor a crashed
// test process leaves anything behind.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { launch } from './harness.mjs';
import { INVENTORY } from './sites/inventory.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TRACKERDB = join(ROOT, 'node_modules/@ghostery/trackerdb/dist/trackerdb.json');

// The probe: a module service worker that keeps every onBeforeRequest event in globalThis.seen.
const PROBE_MANIFEST = {
  manifest_version: 3,
  name: 'e2e harness probe',
  version: '1.0',
  background: { service_worker: 'background.js', type: 'module' },
  permissions: ['webRequest', 'storage'],
  host_permissions: ['<all_urls>'],
};
const PROBE_WORKER = `globalThis.seen = [];
chrome.webRequest.onBeforeRequest.addListener(({ url, type }) => { globalThis.seen.push({ url, type }); },
  { urls: ['<all_urls>'] });
`;

let probeDir;
let h;

before(async () => {
  probeDir = await mkdtemp(join(tmpdir(), 'trustledger-e2e-probe-'));
  await writeFile(join(probeDir, 'manifest.json'), JSON.stringify(PROBE_MANIFEST));
  await writeFile(join(probeDir, 'background.js'), PROBE_WORKER);
  h = await launch({ extensionDir: probeDir });
});

after(async () => {
  await h?.close();
  await rm(probeDir, { recursive: true, force: true });
});

const page = () => h.context.pages()[0];

// Visits `url` with both records emptied first; resolves to what the server and the probe saw.
async function visitAndCollect(url) {
  h.server.reset();
  const worker = await h.serviceWorker();
  await worker.evaluate(() => { globalThis.seen.length = 0; });
  await h.visit(page(), url);
  return { served: h.server.requests, seen: await worker.evaluate(() => globalThis.seen) };
}

const sorted = (items) => [...items].sort();

test('the probe extension is loaded and its service worker found', async () => {
  assert.match(h.extensionId, /^[a-p]{32}$/);
  const worker = await h.serviceWorker();
  assert.equal(worker.url(), `chrome-extension://${h.extensionId}/background.js`);
  assert.equal(await h.serviceWorkerStatus(), 'running');
});

test('trackers reach the server by their real hostnames over HTTPS; the extension sees them', async () => {
  const { served, seen } = await visitAndCollect('https://news.example/');

  const beacon = served.find((r) => r.host === 'www.google-analytics.com' && r.path === '/collect');
  assert.ok(beacon, 'the Google Analytics beacon reached the server');
  assert.equal(beacon.scheme, 'https');
  assert.equal(beacon.method, 'GET');
  assert.match(beacon.query, /t=pageview/);
  assert.equal(beacon.referer, 'https://news.example/');
  assert.match(beacon.userAgent, /Chrome\//);
  assert.equal(beacon.secGpc, null);
  assert.ok(beacon.timestamp > 0);
  for (const host of ['news.example', 'www.googletagmanager.com', 'static.criteo.net', 'gum.criteo.com',
    'securepubads.g.doubleclick.net', 'cdnjs.cloudflare.com']) {
    assert.ok(served.some((r) => r.host === host && r.scheme === 'https'), `${host} over https`);
  }

  assert.deepEqual(sorted(seen.map((s) => s.url)), sorted(served.map((r) => r.url)));
});

test('every fixture page makes exactly the requests of its inventory', async (t) => {
  for (const [url, expected] of Object.entries(INVENTORY)) {
    await t.test(url, async () => {
      const { served, seen } = await visitAndCollect(url);
      assert.deepEqual(
        sorted(seen.map((s) => `${s.type} ${s.url}`)),
        sorted(expected.map((e) => `${e.type} ${e.url}`)),
        'what the extension saw',
      );
      assert.deepEqual(
        sorted(served.map((r) => r.url)),
        sorted(expected.filter((e) => e.network).map((e) => e.url.replace(/^wss:/, 'https:'))),
        'what reached the server',
      );
    });
  }
});

test("the inventory's attributions agree with TrackerDB", () => {
  const db = JSON.parse(readFileSync(TRACKERDB, 'utf8'));
  const domainOwner = (host) => {
    const labels = host.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const pattern = db.domains[labels.slice(i).join('.')];
      if (pattern) return db.patterns[pattern];
    }
    return null;
  };
  for (const entry of Object.values(INVENTORY).flat()) {
    const owner = domainOwner(new URL(entry.url).hostname);
    if (entry.pattern === null) {
      assert.equal(owner, null, `${entry.url} has no TrackerDB owner`);
      continue;
    }
    const pattern = db.patterns[entry.pattern];
    assert.ok(pattern, `${entry.pattern} is a TrackerDB pattern`);
    assert.equal(db.organizations[pattern.organization].name, entry.organization, entry.url);
    assert.equal(pattern.category, entry.category, entry.url);
    // A filter may name a narrower pattern than the domain's owner, never another company.
    if (owner) assert.equal(pattern.organization, owner.organization, entry.url);
  }
});

test('plain HTTP stays HTTP', async () => {
  const { served } = await visitAndCollect('http://blog.example/');
  assert.equal(page().url(), 'http://blog.example/');
  assert.deepEqual(
    sorted(served.filter((r) => r.host === 'blog.example').map((r) => `${r.scheme} ${r.path}`)),
    ['http /', 'http /css/blog.css', 'http /img/header.svg'],
  );
});

test('a third-party cookie set on one site is sent from another', async () => {
  await h.context.clearCookies();
  const news = await visitAndCollect('https://news.example/');
  assert.equal(news.served.find((r) => r.host === 'gum.criteo.com').cookie, null);
  const shop = await visitAndCollect('https://shop.example/');
  assert.equal(shop.served.find((r) => r.host === 'gum.criteo.com').cookie, 'uid=e2e');
});

test('the service worker stops, and the next event wakes it without losing that event', async () => {
  const worker = await h.serviceWorker();
  await worker.evaluate(() => { globalThis.marker = 'before the stop'; });
  await h.stopServiceWorker();
  assert.equal(await h.serviceWorkerStatus(), 'stopped');

  h.server.reset();
  await h.visit(page(), 'https://bank.example/');
  assert.equal(await h.serviceWorkerStatus(), 'running');
  const woken = await h.serviceWorker();
  assert.equal(await woken.evaluate(() => globalThis.marker), undefined, 'a fresh worker');
  assert.deepEqual(
    sorted(await woken.evaluate(() => globalThis.seen.map((s) => s.url))),
    sorted(INVENTORY['https://bank.example/'].map((e) => e.url)),
  );
});

test('serviceWorker() starts a stopped worker', async () => {
  await h.stopServiceWorker();
  assert.equal(await h.serviceWorkerStatus(), 'stopped');
  const worker = await h.serviceWorker();
  assert.equal(await h.serviceWorkerStatus(), 'running');
  assert.deepEqual(await worker.evaluate(() => globalThis.seen), []);
});

test('restart relaunches on the same profile: storage and cookies are kept', async () => {
  await (await h.serviceWorker()).evaluate(() => chrome.storage.local.set({ kept: 'yes' }));
  const before = { extensionId: h.extensionId, context: h.context };

  const { context, serviceWorker } = await h.restart();
  assert.notEqual(context, before.context);
  assert.equal(h.context, context);
  assert.equal(h.extensionId, before.extensionId);
  assert.equal(serviceWorker.url(), `chrome-extension://${before.extensionId}/background.js`);
  assert.deepEqual(await serviceWorker.evaluate(() => chrome.storage.local.get('kept')), { kept: 'yes' });

  const { served } = await visitAndCollect('https://shop.example/');
  assert.equal(served.find((r) => r.host === 'gum.criteo.com').cookie, 'uid=e2e');
});

test('close() leaves no browser process and no temporary directory', async () => {
  const other = await launch({ extensionDir: probeDir });
  const profile = other.userDataDir;
  assert.ok(browserPids(profile).length > 0, 'the browser runs');
  await other.close();
  await other.close();
  assert.deepEqual(browserPids(profile), []);
  await assert.rejects(access(profile), { code: 'ENOENT' });
});

test('a test process that dies without close() leaves no browser and no temporary directory', async () => {
  const crashing = `
    import { launch } from ${JSON.stringify(pathToFileURL(join(ROOT, 'tests/e2e/harness.mjs')).href)};
    const h = await launch({ extensionDir: ${JSON.stringify(probeDir)} });
    console.log(h.userDataDir);
    throw new Error('a failing test that never closes its harness');
  `;
  const error = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', crashing])
    .then(() => assert.fail('the child should have failed'), (e) => e);
  assert.match(error.stderr, /a failing test that never closes its harness/);
  const profile = error.stdout.trim();
  assert.ok(profile.startsWith(tmpdir()), profile);
  assert.deepEqual(browserPids(profile), []);
  await assert.rejects(access(dirname(profile)), { code: 'ENOENT' });
});

function browserPids(profileDir) {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profileDir);
    } catch {
      return false;
    }
  });
}
