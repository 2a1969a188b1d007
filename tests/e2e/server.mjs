// The fixture server for the end-to-end tests: one request handler behind an HTTP and an HTTPS
// listener (Chromium maps every host's port 80 and 443 onto them). A host with a directory
// under sites/ gets that directory's files; any other host (the trackers, CDNs, cloaked
// subdomains) gets a small valid answer, so every request a page makes succeeds. Every request
// is recorded for the tests to inspect. The TLS certificate is a throwaway made by openssl.
//
// Two things for the consent-dialog fixtures: a file `NAME.headers.json` next to a site's file
// adds its headers to that file's answer (a strict Content-Security-Policy, say), and
// `POST /__tcf/encode` on any host answers a TC string for the JSON choice it is sent
// (tcf.mjs: made by IAB Tech Lab's own codec).

import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join, normalize, extname, sep } from 'node:path';
import { promisify } from 'node:util';
import { encodeTcString } from './tcf.mjs';

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.gif': 'image/gif',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// The smallest valid GIF: 1x1, transparent.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const WEBSOCKET_CLOSE_FRAME = Buffer.from([0x88, 0x00]);

/**
 * Starts the server. `sitesDir` holds one directory per fixture host; `tlsDir` is a scratch
 * directory for the certificate. Resolves to
 * `{ httpPort, httpsPort, requests, lastRequestAt, reset(), close() }`.
 */
export async function startFixtureServer({ sitesDir, tlsDir }) {
  const tls = await makeCertificate(tlsDir);
  const state = { requests: [], lastRequestAt: 0 };
  const record = (entry) => {
    state.requests.push(entry);
    state.lastRequestAt = entry.timestamp;
  };
  const onRequest = (req, res) => handle(req, res, sitesDir, record);
  // Upgraded sockets are no longer the HTTP servers' to close, so they are tracked here.
  const webSockets = new Set();
  const onUpgrade = (req, socket) => {
    webSockets.add(socket.once('close', () => webSockets.delete(socket)));
    answerWebSocket(req, socket, record);
  };

  const http = createHttpServer(onRequest).on('upgrade', onUpgrade);
  const https = createHttpsServer(tls, onRequest).on('upgrade', onUpgrade);
  await Promise.all([listen(http), listen(https)]);

  return {
    httpPort: http.address().port,
    httpsPort: https.address().port,
    get requests() { return state.requests; },
    get lastRequestAt() { return state.lastRequestAt; },
    reset() { state.requests = []; },
    close() {
      for (const socket of webSockets) socket.destroy();
      return Promise.all([shut(http), shut(https)]);
    },
  };
}

async function makeCertificate(dir) {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-days', '2', '-subj', '/CN=trustledger-e2e', '-keyout', key, '-out', cert,
  ]);
  return { key: await readFile(key), cert: await readFile(cert) };
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
}

function shut(server) {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
}

async function handle(req, res, sitesDir, record) {
  const entry = requestRecord(req);
  entry.body = await readBody(req);
  record(entry);
  const setCookie = cookieToSet(entry);
  if (setCookie) res.setHeader('set-cookie', setCookie);
  res.setHeader('cache-control', 'no-store');
  if (entry.method === 'POST' && entry.path === '/__tcf/encode') {
    answerTcString(res, entry.body);
    return;
  }
  const site = await siteFile(sitesDir, entry.host, entry.path);
  if (site === undefined) {
    sendFallback(res, entry);
  } else if (site === null) {
    res.writeHead(404, { 'content-type': CONTENT_TYPES['.txt'] }).end('not found\n');
  } else {
    res.writeHead(200, { 'content-type': contentType(site.path), ...site.headers }).end(site.body);
  }
}

// A TC string for the fixture CMPs, or 400 with the codec's message.
function answerTcString(res, body) {
  res.setHeader('access-control-allow-origin', '*');
  try {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.txt'] }).end(encodeTcString(JSON.parse(body ?? '{}')));
  } catch (error) {
    res.writeHead(400, { 'content-type': CONTENT_TYPES['.txt'] }).end(`${error.message}\n`);
  }
}

// What the tests see of one request.
function requestRecord(req) {
  const scheme = req.socket.encrypted ? 'https' : 'http';
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const url = new URL(req.url, `${scheme}://${host}`);
  return {
    scheme,
    host,
    path: url.pathname,
    query: url.search.slice(1),
    url: url.href,
    method: req.method,
    headers: req.headers,
    userAgent: req.headers['user-agent'] ?? null,
    referer: req.headers.referer ?? null,
    secGpc: req.headers['sec-gpc'] ?? null,
    cookie: req.headers.cookie ?? null,
    dest: req.headers['sec-fetch-dest'] ?? null,
    timestamp: Date.now(),
  };
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? Buffer.concat(chunks).toString('utf8') : null;
}

// `?setcookie=NAME` answers with `Set-Cookie: NAME=e2e`, persistent for a day; over HTTPS it is
// `SameSite=None; Secure`, so it is stored and sent back in third-party contexts too.
function cookieToSet({ scheme, query }) {
  const name = new URLSearchParams(query).get('setcookie');
  if (!name) return null;
  const attributes = scheme === 'https' ? '; SameSite=None; Secure' : '';
  return `${name}=e2e; Path=/; Max-Age=86400${attributes}`;
}

// The file for a fixture host: `undefined` when the host has no directory under sites/,
// `null` when it has one but not this file.
async function siteFile(sitesDir, host, path) {
  if (!host || host.includes('/') || host.startsWith('.')) return undefined;
  const root = join(sitesDir, host);
  const isSite = await stat(root).then((s) => s.isDirectory(), () => false);
  if (!isSite) return undefined;
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(root + sep)) return null;
  const body = await readFile(file).catch(() => null);
  if (body === null) return null;
  const headers = await readFile(`${file}.headers.json`, 'utf8').then(JSON.parse, () => ({}));
  return { path: file, body, headers };
}

function contentType(path) {
  return CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
}

// Any other host: an answer that fits what was asked for, judged by the path's extension, then by
// the beacon-like path, then by what the browser says it is fetching (Sec-Fetch-Dest).
function sendFallback(res, { host, path, dest }) {
  res.setHeader('access-control-allow-origin', '*');
  const ext = extname(path);
  if (['.gif', '.png', '.ico'].includes(ext) || /pixel|collect/.test(path) || dest === 'image') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.gif'] }).end(PIXEL);
  } else if (ext === '.js' || dest === 'script' || dest === 'worker') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.js'] }).end('');
  } else if (ext === '.css' || dest === 'style') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.css'] }).end('');
  } else if (ext === '.json') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.json'] }).end('{}');
  } else if (ext === '.html' || dest === 'iframe' || dest === 'document') {
    res.writeHead(200, { 'content-type': CONTENT_TYPES['.html'] })
      .end(`<!doctype html><meta charset="utf-8"><title>${host}</title>\n`);
  } else {
    res.writeHead(204).end();
  }
}

// A WebSocket: record the handshake, accept it, then close the connection cleanly.
function answerWebSocket(req, socket, record) {
  record({ ...requestRecord(req), body: null });
  socket.on('error', () => {});
  const accept = createHash('sha1')
    .update(req.headers['sec-websocket-key'] + WEBSOCKET_GUID)
    .digest('base64');
  socket.write([
    'HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`, '', '',
  ].join('\r\n'));
  socket.end(WEBSOCKET_CLOSE_FRAME);
}
