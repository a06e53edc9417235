// Trunk post-build hook: adds the Content-Security-Policy to index.html, with the hash of the
// one inline script Trunk writes (its module loader), so nothing else inline can run. Under
// `trunk serve` there is also the autoreload script, rewritten per response (no fixed hash): it
// runs by Trunk's nonce, whose placeholder the dev server fills in per response (Trunk.toml).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NONCE = '{{__TRUNK NONCE__}}'; // Trunk's default [build] nonce_placeholder
const file = join(process.env.TRUNK_STAGING_DIR ?? 'dist', 'index.html');
let html = readFileSync(file, 'utf8');
const serving = html.includes('.well-known/trunk/ws'); // the autoreload script: only `trunk serve`
if (serving && !html.includes(` nonce="${NONCE}"`)) throw new Error(`${file}: trunk serve's autoreload script has no nonce: set [build] create_nonce = true`);
// A static build has no server to fill the placeholder in.
if (!serving) html = html.replaceAll(` nonce="${NONCE}"`, '');
const scripts = [...html.matchAll(/<script type="module"(?: nonce="[^"]*")?>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
if (scripts.length !== 1) throw new Error(`expected one inline module script in ${file}, found ${scripts.length}`);
const hash = createHash('sha256').update(scripts[0]).digest('base64');
const policy = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'${serving ? ` 'nonce-${NONCE}'` : ''}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
].join('; ');
html = html.replace('<meta charset="utf-8">', `<meta charset="utf-8">\n    <meta http-equiv="Content-Security-Policy" content="${policy}">`);
writeFileSync(file, html);
