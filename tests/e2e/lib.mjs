// Shared pieces of the end-to-end tests and the benchmark: a static server for dist/, the
// Chromium launch (playwright-core driving Debian's /usr/bin/chromium), page helpers that record
// console errors and every request, and the TLS 1.2 computations used to check the page's values.
//
// No test framework: run.mjs is a small sequential runner, bench.mjs a script.

import { createServer } from 'node:http';
import { createHash, createHmac, X509Certificate, publicEncrypt, constants } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// E2E_DIST points the tests at another build (default: dist/ at the repository root).
export const DIST = process.env.E2E_DIST ? resolve(process.env.E2E_DIST) : join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');

// ---------------------------------------------------------------------------------------------
// Static server

const MIME = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.wasm': 'application/wasm',
    '.json': 'application/json',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.woff2': 'font/woff2',
    '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `dir` on 127.0.0.1 (a free port) under `prefix` ('/' or e.g. '/courses/tls/').
 * Anything outside the prefix is a 404, so a page that builds absolute URLs fails under a sub-path.
 * `prefix` without its trailing slash redirects to it, as a static host would.
 * Returns { origin, base (origin + prefix), log (every request: method, url, status), close() }.
 */
export async function startServer({ dir = DIST, prefix = '/' } = {}) {
    if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`bad prefix ${prefix}`);
    const root = resolve(dir);
    const log = [];
    const server = createServer(async (req, res) => {
        const entry = { method: req.method, url: req.url, status: 0 };
        log.push(entry);
        const send = (status, headers, body) => {
            entry.status = status;
            res.writeHead(status, { 'cache-control': 'no-store', ...headers });
            res.end(req.method === 'HEAD' ? undefined : body);
        };
        try {
            if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, {}, 'method not allowed');
            const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
            if (path === prefix.slice(0, -1) && prefix !== '/') {
                const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
                return send(301, { location: prefix + query }, '');
            }
            if (!path.startsWith(prefix)) return send(404, { 'content-type': 'text/plain' }, 'not found');
            let rel = path.slice(prefix.length);
            if (rel === '' || rel.endsWith('/')) rel += 'index.html';
            const file = normalize(join(root, rel));
            if (file !== root && !file.startsWith(root + sep)) return send(403, {}, 'forbidden');
            const info = await stat(file).catch(() => null);
            if (!info || !info.isFile()) return send(404, { 'content-type': 'text/plain' }, 'not found');
            const body = await readFile(file);
            const type = MIME[extname(file).toLowerCase()] || 'application/octet-stream';
            return send(200, { 'content-type': type, 'content-length': body.length }, body);
        } catch (err) {
            return send(500, { 'content-type': 'text/plain' }, String(err));
        }
    });
    await new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(0, '127.0.0.1', ok);
    });
    const origin = `http://127.0.0.1:${server.address().port}`;
    return {
        origin,
        base: origin + prefix,
        log,
        close: () =>
            new Promise((ok) => {
                server.closeAllConnections?.();
                server.close(() => ok());
            }),
    };
}

// ---------------------------------------------------------------------------------------------
// Browser

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

export async function launchBrowser() {
    let chromium;
    try {
        ({ chromium } = await import('playwright-core'));
    } catch (err) {
        throw new Error(`playwright-core is not installed (run ./x setup): ${err.message}`);
    }
    return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh context and page that record console errors, page errors (page and workers), failed
 * requests, HTTP errors and every requested URL. `problems()` lists what a clean page must not
 * have: console errors, uncaught errors, responses >= 400, failed requests, and requests to any
 * origin but `allowedOrigin` (data: and blob: URLs stay in the page and are allowed).
 */
export async function newPage(browser, { allowedOrigin, viewport, colorScheme = 'light', reducedMotion } = {}) {
    const context = await browser.newContext({
        viewport: viewport || { width: 1280, height: 800 },
        colorScheme,
        reducedMotion: reducedMotion || 'no-preference',
        serviceWorkers: 'block',
    });
    const rec = { consoleErrors: [], pageErrors: [], requests: [], httpErrors: [], failed: [], workers: [] };
    context.on('console', (msg) => {
        if (msg.type() === 'error') {
            const loc = msg.location();
            rec.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
        }
    });
    context.on('weberror', (err) => rec.pageErrors.push(String(err.error()?.stack || err.error())));
    context.on('request', (req) => rec.requests.push(req.url()));
    context.on('requestfailed', (req) => rec.failed.push(`${req.url()}: ${req.failure()?.errorText}`));
    context.on('response', (res) => {
        if (res.status() >= 400) rec.httpErrors.push(`${res.status()} ${res.url()}`);
    });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('worker', (worker) => rec.workers.push(worker.url()));
    const foreign = () =>
        rec.requests.filter((url) => {
            if (/^(data|blob|about):/.test(url)) return false;
            try {
                // `allowedOrigin` may list several (a host page and the app it embeds).
                return ![allowedOrigin].flat().includes(new URL(url).origin);
            } catch {
                return true;
            }
        });
    const problems = () => [
        ...rec.consoleErrors.map((e) => `console error: ${e}`),
        ...rec.pageErrors.map((e) => `uncaught error: ${e}`),
        ...rec.httpErrors.map((e) => `HTTP error: ${e}`),
        ...rec.failed.map((e) => `request failed: ${e}`),
        ...foreign().map((u) => `request to another origin: ${u}`),
    ];
    return { context, page, rec, problems, close: () => context.close().catch(() => {}) };
}

/** Navigates and waits for `<body data-ready="true">`. */
export async function gotoReady(page, url, timeout = 20_000) {
    await page.goto(url, { waitUntil: 'load' });
    try {
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout });
    } catch {
        const body = await page.evaluate(() => document.body?.outerHTML.slice(0, 400)).catch(() => '?');
        throw new Error(`${url}: body[data-ready="true"] did not appear within ${timeout} ms; body starts: ${body}`);
    }
}

// ---------------------------------------------------------------------------------------------
// TLS 1.2 computations (RFC 5246, RFC 7627), to check what the page shows

export const hex = (buf) => Buffer.from(buf).toString('hex');
export const unhex = (s) => Buffer.from(s, 'hex');

/** The PRF hash of a TLS 1.2 suite: SHA-384 for *_SHA384 suites, SHA-256 otherwise (RFC 5246 5). */
export const prfHash = (suite) => (/_SHA384$/.test(suite) ? 'sha384' : 'sha256');

/** P_hash(secret, seed) truncated to `len` bytes (RFC 5246 section 5). */
export function pHash(alg, secret, seed, len) {
    const out = [];
    let size = 0;
    let a = seed;
    while (size < len) {
        a = createHmac(alg, secret).update(a).digest();
        const chunk = createHmac(alg, secret).update(Buffer.concat([a, seed])).digest();
        out.push(chunk);
        size += chunk.length;
    }
    return Buffer.concat(out).subarray(0, len);
}

/** PRF(secret, label, seed) (RFC 5246 section 5). */
export const prf = (alg, secret, label, seed, len) =>
    pHash(alg, secret, Buffer.concat([Buffer.from(label, 'ascii'), seed]), len);

export const digest = (alg, ...parts) => {
    const h = createHash(alg);
    for (const p of parts) h.update(p);
    return h.digest();
};

/** The first certificate (DER) of a Certificate handshake message (type 11). */
export function firstCertificate(handshake) {
    if (handshake[0] !== 11) throw new Error(`not a Certificate message: type ${handshake[0]}`);
    const u24 = (o) => (handshake[o] << 16) | (handshake[o + 1] << 8) | handshake[o + 2];
    const certLen = u24(7);
    return handshake.subarray(10, 10 + certLen);
}

/** RSA without padding: block^e mod n with the public key of a DER certificate. */
export function rsaPublicRaw(certDer, block) {
    const key = new X509Certificate(certDer).publicKey;
    return publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
}

// ---------------------------------------------------------------------------------------------
// Small things

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

export function median(values) {
    const v = [...values].sort((a, b) => a - b);
    if (v.length === 0) return NaN;
    const mid = Math.floor(v.length / 2);
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** One DER TLV at `offset`: { tag, start (of contents), end }. */
export function derTlv(buf, offset) {
    const tag = buf[offset];
    let len = buf[offset + 1];
    let start = offset + 2;
    if (len & 0x80) {
        const n = len & 0x7f;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
        start += n;
    }
    return { tag, start, end: start + len, header: start - offset };
}

/** The tbsCertificate (with its tag and length) of a DER certificate. */
export function tbsCertificate(certDer) {
    const outer = derTlv(certDer, 0);
    const tbs = derTlv(certDer, outer.start);
    return certDer.subarray(outer.start, tbs.end);
}

/** DigestInfo prefixes (RFC 8017 section 9.2, note 1). */
export const DIGEST_INFO_PREFIX = {
    sha256: '3031300d060960864801650304020105000420',
    sha384: '3041300d060960864801650304020205000430',
    sha512: '3051300d060960864801650304020305000440',
};
