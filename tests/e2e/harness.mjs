// The end-to-end harness: Debian's Chromium, headless, with one unpacked MV3 extension loaded and
// every hostname mapped onto the fixture server (server.mjs), plus what the tests need around
// it: the extension's service worker (find it, stop it, wake it), a relaunch on the same
// profile, and a visit helper that waits for the network to go quiet.
//
//   const h = await launch({ extensionDir });
//   t.after(() => h.close());
//   const page = h.context.pages()[0];
//   await h.visit(page, 'https://news.example/');
//   h.server.requests;                                   // what reached the "network"
//   await (await h.serviceWorker()).evaluate(() => …);   // what the extension saw
//
// close() is idempotent. If the process exits without it (a crash, an interrupted run), an exit
// hook kills the browser and removes the temporary directories. The browser is /usr/bin/chromium
// unless the CHROMIUM environment variable names another.

import { chromium } from 'playwright-core';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFixtureServer } from './server.mjs';
import { pressKeys, startDisplay } from './display.mjs';

const SITES_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sites');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// Chromium's own background calls (account list, component updates, autofill hints for pages
// with forms) that the flags below do not stop: they get "no such host", so they never reach the
// server nor clutter server.requests. Extensions do not see them either.
const BROWSER_SERVICE_HOSTS = [
  'accounts.google.com', 'update.googleapis.com', 'content-autofill.googleapis.com',
];
const QUIET_MS = 500;
const VISIT_LIMIT_MS = 10_000;
const WORKER_TIMEOUT_MS = 10_000;

const exitCleanups = new Set();
process.on('exit', () => {
  for (const cleanup of exitCleanups) cleanup();
});

/**
 * Launches Chromium with the unpacked extension at `extensionDir` on a fresh profile (or on
 * `userDataDir`, which is then left in place at close) and waits for its service worker.
 * `extensionDir: null` launches the same browser with no extension (for comparisons);
 * `headless: false` opens a window, on a virtual display of its own (Xvfb) unless DISPLAY is set;
 * `args` adds Chromium flags. Resolves to a Harness.
 */
export async function launch({ extensionDir, userDataDir, headless = true, args = [] } = {}) {
  if (extensionDir === undefined) throw new Error('launch: extensionDir is required (null for none)');
  const tempDir = await mkdtemp(join(tmpdir(), 'trustledger-e2e-'));
  const harness = new Harness({
    extensionDir: extensionDir && resolve(extensionDir),
    profileDir: userDataDir ? resolve(userDataDir) : join(tempDir, 'profile'),
    tempDir,
    headless,
    args,
  });
  try {
    await harness.start();
  } catch (error) {
    await harness.close();
    throw error;
  }
  return harness;
}

class Harness {
  /** The current BrowserContext (a new one after restart()). */
  context = null;
  /** The fixture server: { httpPort, httpsPort, requests, lastRequestAt, reset(), close() }. */
  server = null;
  /** The extension's id, from its service worker's URL. */
  extensionId = null;
  /** The profile directory Chromium runs on. */
  userDataDir;

  #extensionDir;
  #headless;
  #args;
  #display = null;
  #tempDir;
  #browserSession = null;
  #lastBrowserActivity = 0;
  #closed = false;
  #exitCleanup;

  constructor({ extensionDir, profileDir, tempDir, headless, args }) {
    this.#extensionDir = extensionDir;
    this.#headless = headless;
    this.#args = args;
    this.userDataDir = profileDir;
    this.#tempDir = tempDir;
    this.#exitCleanup = () => {
      killBrowser(profileDir);
      rmSync(tempDir, { recursive: true, force: true, maxRetries: 5 });
    };
    exitCleanups.add(this.#exitCleanup);
  }

  async start() {
    if (!this.#headless && !process.env.DISPLAY) {
      this.#display = await startDisplay();
      exitCleanups.add(this.#display.close);
    }
    this.server = await startFixtureServer({ sitesDir: SITES_DIR, tlsDir: this.#tempDir });
    await seedProfile(this.userDataDir);
    await this.#launchBrowser();
    if (!this.#extensionDir) return;
    const isExtensionWorker = (w) => w.url().startsWith('chrome-extension://');
    const worker = this.context.serviceWorkers().find(isExtensionWorker) ?? await this.context.waitForEvent(
      'serviceworker', { predicate: isExtensionWorker, timeout: WORKER_TIMEOUT_MS },
    ).catch(() => {
      throw new Error(`no extension service worker started within ${WORKER_TIMEOUT_MS} ms: is ` +
        `${this.#extensionDir} an unpacked MV3 extension with a background service worker?`);
    });
    this.extensionId = new URL(worker.url()).host;
  }

  /** The extension's service worker (a Playwright Worker), started first if it is stopped. */
  async serviceWorker() {
    if (!(await this.#workerTarget())) await this.#startServiceWorker();
    return this.#runningWorker() ?? this.context.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith(this.#scope()),
      timeout: WORKER_TIMEOUT_MS,
    });
  }

  /**
   * Presses keys in the browser's focused window (a headed browser only): with a permission
   * prompt open, 'Escape' dismisses it. See display.mjs.
   */
  async pressKeys(...keys) {
    if (this.#headless) throw new Error('pressKeys: the browser is headless; launch it with headless: false');
    await pressKeys(this.#display ?? { name: process.env.DISPLAY }, ...keys);
  }

  /** 'running' or 'stopped', without waking the worker. */
  async serviceWorkerStatus() {
    return (await this.#workerTarget()) ? 'running' : 'stopped';
  }

  /** Stops the extension's service worker, as Chromium does when it goes idle; resolves once stopped. */
  async stopServiceWorker() {
    const target = await this.#workerTarget();
    if (target) await this.#browserSession.send('Target.closeTarget', { targetId: target.targetId });
    await poll(async () => !(await this.#workerTarget()), 'the service worker to stop');
  }

  /**
   * Navigates `page` to `url`, waits for `load`, then until neither the browser nor the server
   * has seen a request for QUIET_MS; the whole visit is bounded to VISIT_LIMIT_MS. Resolves to
   * the navigation's Response.
   */
  async visit(page, url) {
    const deadline = Date.now() + VISIT_LIMIT_MS;
    const response = await page.goto(url, { waitUntil: 'load', timeout: VISIT_LIMIT_MS });
    for (;;) {
      const now = Date.now();
      const quietFor = now - Math.max(this.#lastBrowserActivity, this.server.lastRequestAt);
      if (quietFor >= QUIET_MS || now >= deadline) return response;
      await sleep(Math.min(QUIET_MS - quietFor, deadline - now));
    }
  }

  /**
   * Closes the browser and launches it again on the same profile and the same server (its
   * recorded requests are kept). Resolves to { context, serviceWorker } of the new browser.
   */
  async restart() {
    await this.#closeBrowser();
    await this.#launchBrowser();
    return { context: this.context, serviceWorker: await this.serviceWorker() };
  }

  /** Closes the browser and the server and removes the temporary directories. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#closeBrowser();
    await this.server?.close();
    if (this.#display) {
      this.#display.close();
      exitCleanups.delete(this.#display.close);
    }
    await rm(this.#tempDir, { recursive: true, force: true });
    exitCleanups.delete(this.#exitCleanup);
  }

  // Playwright's `headless: true` passes --headless, which in this Chromium is the new headless
  // mode, the one that runs extensions.
  async #launchBrowser() {
    this.context = await chromium.launchPersistentContext(this.userDataDir, {
      executablePath: CHROMIUM,
      headless: this.#headless,
      ignoreDefaultArgs: ['--disable-extensions'],
      viewport: this.#headless ? { width: 1280, height: 720 } : null,
      args: [...chromiumArgs(this.#extensionDir, this.server), ...this.#args],
      ...(this.#display ? { env: { ...process.env, DISPLAY: this.#display.name } } : {}),
    });
    this.#browserSession = await this.context.browser().newBrowserCDPSession();
    const touch = () => { this.#lastBrowserActivity = Date.now(); };
    for (const event of ['request', 'requestfinished', 'requestfailed']) this.context.on(event, touch);
  }

  async #closeBrowser() {
    await this.context?.close().catch(() => {});
    killBrowser(this.userDataDir);
  }

  #scope() {
    return `chrome-extension://${this.extensionId}/`;
  }

  #runningWorker() {
    return this.context.serviceWorkers().find((w) => w.url().startsWith(this.#scope()));
  }

  // DevTools lists a service worker as a target while it runs, and only then.
  async #workerTarget() {
    const { targetInfos } = await this.#browserSession.send('Target.getTargets');
    return targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(this.#scope()));
  }

  // Chromium offers ServiceWorker.startWorker on page targets only: this borrows a tab (opening
  // one if there is none) for the call.
  async #startServiceWorker() {
    const page = this.context.pages()[0] ?? await this.context.newPage();
    const session = await this.context.newCDPSession(page);
    try {
      await session.send('ServiceWorker.enable');
      await session.send('ServiceWorker.startWorker', { scopeURL: this.#scope() });
    } finally {
      await session.detach().catch(() => {});
    }
    await poll(async () => Boolean(await this.#workerTarget()), 'the service worker to start');
  }
}

// A new profile gets the cookie setting most Chrome users have: third-party cookies allowed
// (CookieControlsMode 0, "off"). This Chromium build blocks them by default, so trackers'
// cookies would never be stored. A profile that already has preferences is left alone.
async function seedProfile(profileDir) {
  const preferences = join(profileDir, 'Default', 'Preferences');
  if (await access(preferences).then(() => true, () => false)) return;
  await mkdir(dirname(preferences), { recursive: true });
  await writeFile(preferences, JSON.stringify({ profile: { cookie_controls_mode: 0 } }));
}

// Flags, each needed: the extension (Playwright's defaults disable extensions; see
// ignoreDefaultArgs), no real network (every host's ports 443 and 80 go to the fixture server;
// anything else fails as "no such host"), the server's throwaway certificate, and quiet,
// sandbox-free headless running. HttpsUpgrades is already in Playwright's own
// --disable-features list; a second --disable-features would replace that list, not extend it.
function chromiumArgs(extensionDir, server) {
  return [
    ...(extensionDir ? [`--load-extension=${extensionDir}`, `--disable-extensions-except=${extensionDir}`] : []),
    `--host-resolver-rules=${hostResolverRules(server)}`,
    '--ignore-certificate-errors',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
}

function hostResolverRules({ httpPort, httpsPort }) {
  return [
    ...BROWSER_SERVICE_HOSTS.map((host) => `MAP ${host} ~NOTFOUND`),
    `MAP *:443 127.0.0.1:${httpsPort}`,
    `MAP *:80 127.0.0.1:${httpPort}`,
    'MAP * ~NOTFOUND',
  ].join(', ');
}

async function poll(done, what) {
  const deadline = Date.now() + WORKER_TIMEOUT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${WORKER_TIMEOUT_MS} ms waiting for ${what}`);
    await sleep(20);
  }
}

// Kills what is left of a browser on this profile (nothing, after a clean close) and waits until
// it is gone, so that its files can be removed. Linux only: the processes are found by their
// --user-data-dir flag; the browser leads a process group (Playwright spawns it detached), and
// killing the group takes its helpers, whose command lines do not name the profile.
// Kills every process of the browser on `profileDir`, again and again until none is left: a
// loaded machine may still be starting one (a helper such as the crash handler, which names the
// profile in another argument and leaves the browser's process group) while the others die.
function killBrowser(profileDir) {
  const deadline = Date.now() + 5_000;
  for (let pids = browserPids(profileDir); pids.length > 0 && Date.now() < deadline; pids = browserPids(profileDir)) {
    for (const pid of pids) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // not a group leader, or already gone
        }
      }
    }
    sleepSync(20);
  }
}

// The processes whose command line names the profile directory (the browser's `--user-data-dir`,
// or a helper's path under it).
function browserPids(profileDir) {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(profileDir));
    } catch {
      return false;
    }
  }).map(Number);
}

// Blocks: the exit hook cannot wait asynchronously.
function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
