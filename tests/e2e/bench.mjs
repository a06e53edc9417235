#!/usr/bin/env node
// Benchmark of the release build (dist/): not a test, it prints figures and their aims.
//
//   node tests/e2e/bench.mjs [--loads N] [--json FILE] [--query '?embed=1']   (./x bench-web builds first)
//
// 1. Transfer size: every file of dist/ compressed with gzip -9 (zlib level 9), summed.
// 2. Navigation start -> <body data-ready="true">: median of N loads (default 10), each in a
//    fresh browser context (cold cache) without ?seed (fresh randomness, as a visitor gets).
// 3. Longest main-thread task (PerformanceObserver 'longtask', buffered; Chromium reports tasks of
//    50 ms or more) during load, and during a full autoplay at 4x.
// 4. The handshake inside wasm, as the app reports it: document.body.dataset.runMs.
// 5. The load in phases, medians: the page's wasm arriving (resource timing), then the app's
//    own marks (runner::mark): app start (compiled and instantiated), worker ready, the first
//    reply, data-ready; and in which phase each load's longest task fell.

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, gotoReady, launchBrowser, median, newPage, sleep, startServer } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : dflt;
};
const LOADS = Number(opt('--loads', '10'));
const AUTOPLAYS = Number(opt('--autoplays', '2'));
const JSON_OUT = opt('--json', null);
// --query '?embed=1' measures a page as an embedding course page opens it.
const QUERY = opt('--query', '');

// Installed before any page script: records when data-ready appears, long tasks, frame gaps.
function instrument() {
    const b = (window.__bench = { readyAt: null, longtasks: [], gapFrom: Infinity, maxGap: 0 });
    try {
        new PerformanceObserver((list) => {
            for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
        }).observe({ type: 'longtask', buffered: true });
    } catch (err) {
        b.longtaskError = String(err);
    }
    const mo = new MutationObserver(() => {
        if (b.readyAt === null && document.body?.dataset.ready === 'true') {
            b.readyAt = performance.now();
            mo.disconnect();
        }
    });
    mo.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
    let last = null;
    const frame = (t) => {
        if (last !== null && last >= b.gapFrom) b.maxGap = Math.max(b.maxGap, t - last);
        last = t;
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}

async function distFiles(dir) {
    const out = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) out.push(...(await distFiles(path)));
        else if (entry.isFile()) out.push(path);
    }
    return out;
}

async function transferSize() {
    const rows = [];
    for (const file of await distFiles(DIST)) {
        const raw = await readFile(file);
        rows.push({ file: relative(DIST, file), raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length });
    }
    rows.sort((a, b) => b.gzip - a.gzip);
    return rows;
}

async function oneLoad(browser, server) {
    const p = await newPage(browser, { allowedOrigin: server.origin });
    try {
        await p.context.addInitScript(instrument);
        await gotoReady(p.page, server.base + QUERY, 30_000);
        await p.page.waitForFunction(() => window.__bench.readyAt !== null, null, { timeout: 5_000 });
        // runMs may arrive with or just after data-ready; then let the load settle for a second.
        await p.page.waitForFunction(() => document.body.dataset.runMs !== undefined, null, { timeout: 3_000 }).catch(() => {});
        await sleep(1_000);
        const r = await p.page.evaluate(() => ({
            marks: (() => {
                const mark = (n) => performance.getEntriesByName(`tlslab:${n}`)[0]?.startTime ?? null;
                const wasm = performance.getEntriesByType('resource').find((e) => /tlslab-web-[^/]*_bg\.wasm$/.test(e.name));
                return { wasm: wasm ? wasm.responseEnd : null, app: mark('app-start'), worker: mark('worker-ready'), reply: mark('reply'), decoded: mark('decoded') };
            })(),
            readyAt: window.__bench.readyAt,
            longtasks: window.__bench.longtasks,
            longtaskError: window.__bench.longtaskError,
            runMs: document.body.dataset.runMs,
        }));
        return { ...r, problems: p.problems() };
    } finally {
        await p.close();
    }
}

async function oneAutoplay(browser, server) {
    const p = await newPage(browser, { allowedOrigin: server.origin });
    try {
        await p.context.addInitScript(instrument);
        const { page } = p;
        await gotoReady(page, server.base + QUERY, 30_000);
        await sleep(1_000);
        await page.locator('select[data-control="speed"]').selectOption('4');
        await page.locator('[data-action="restart"]').click();
        const steps = Number(await page.locator('[data-progress]').getAttribute('data-steps'));
        const t0 = await page.evaluate(() => {
            window.__bench.gapFrom = performance.now();
            return performance.now();
        });
        await page.locator('[data-action="play"]').click();
        await page.waitForFunction(
            (last) =>
                document.querySelector('[data-progress]')?.getAttribute('data-step') === String(last) &&
                document.querySelector('[data-action="play"]')?.getAttribute('aria-pressed') !== 'true',
            steps - 1,
            { timeout: 60_000, polling: 50 },
        );
        const t1 = await page.evaluate(() => performance.now());
        await sleep(700); // the last message's animation
        const r = await page.evaluate((t0) => ({
            longtasks: window.__bench.longtasks.filter((t) => t.start + t.duration >= t0),
            maxGap: window.__bench.maxGap,
        }), t0);
        return { ...r, playMs: t1 - t0, steps, problems: p.problems() };
    } finally {
        await p.close();
    }
}

/** The phases of one load: [name, from, to] in ms since navigation start. */
const PHASES = [
    ['navigation -> page wasm received', () => 0, (m) => m.wasm],
    ['page wasm -> app start (compile, instantiate)', (m) => m.wasm, (m) => m.app],
    ['app start -> worker ready (its wasm fetched, compiled)', (m) => m.app, (m) => m.worker],
    ['worker ready -> first reply (handshake, JSON sent)', (m) => m.worker, (m) => m.reply],
    ['first reply -> decoded (the timeline JSON read)', (m) => m.reply, (m) => m.decoded],
    ['decoded -> data-ready (first render)', (m) => m.decoded, (m) => m.ready],
];

/** The phase a moment falls in, by name. */
const phaseOf = (m, t) => PHASES.find(([, from, to]) => from(m) !== null && to(m) !== null && t >= from(m) && t < to(m))?.[0] ?? 'after data-ready';

const fmtMs = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : 'n/a');
const fmtKiB = (b) => `${(b / 1024).toFixed(1)} KiB`;
const maxTask = (tasks) => (tasks.length ? Math.max(...tasks.map((t) => t.duration)) : 0);
const taskText = (v) => (v > 0 ? fmtMs(v) : 'none >= 50 ms');

async function main() {
    if (!existsSync(join(DIST, 'index.html'))) {
        console.error('bench: dist/index.html is missing: run `trunk build --release` first');
        process.exit(2);
    }
    const files = await transferSize();
    const total = files.reduce((s, r) => s + r.gzip, 0);
    console.log('dist/ files (gzip -9):');
    for (const r of files) console.log(`  ${fmtKiB(r.gzip).padStart(11)}  (raw ${fmtKiB(r.raw).padStart(10)})  ${r.file}`);

    const server = await startServer({ prefix: '/' });
    const browser = await launchBrowser();
    const loads = [];
    const autoplays = [];
    try {
        await oneLoad(browser, server); // warm-up: the OS file cache and Chromium's own start-up
        for (let i = 0; i < LOADS; i++) loads.push(await oneLoad(browser, server));
        for (let i = 0; i < AUTOPLAYS; i++) autoplays.push(await oneAutoplay(browser, server));
    } finally {
        await browser.close().catch(() => {});
        await server.close();
    }

    const ready = loads.map((l) => l.readyAt);
    const loadTasks = loads.map((l) => maxTask(l.longtasks));
    const playTasks = autoplays.map((a) => maxTask(a.longtasks));
    const runMs = loads.map((l) => Number(l.runMs)).filter(Number.isFinite);
    const result = {
        transfer_bytes_gzip9: total,
        files: files.length,
        ready_ms: { median: median(ready), min: Math.min(...ready), max: Math.max(...ready), samples: ready },
        longest_task_load_ms: { max: Math.max(...loadTasks), median: median(loadTasks), samples: loadTasks },
        longest_task_autoplay_ms: { max: Math.max(...playTasks), samples: playTasks },
        longest_frame_gap_autoplay_ms: Math.max(...autoplays.map((a) => a.maxGap)),
        autoplay_ms: autoplays.map((a) => a.playMs),
        handshake_wasm_ms: runMs.length ? { median: median(runMs), min: Math.min(...runMs), max: Math.max(...runMs) } : null,
    };

    const rows = [
        ['transfer size, gzip -9', `${fmtKiB(total)} (${total} B, ${files.length} files)`, '<= 350 KB'],
        [`nav start -> data-ready, median of ${LOADS}`, `${fmtMs(result.ready_ms.median)} (${fmtMs(result.ready_ms.min)} .. ${fmtMs(result.ready_ms.max)})`, '<= 800 ms'],
        ['longest task during load', `${taskText(result.longest_task_load_ms.max)} (median of loads: ${taskText(result.longest_task_load_ms.median)})`, '<= 50 ms'],
        [`longest task during autoplay at 4x (${AUTOPLAYS}x)`, taskText(result.longest_task_autoplay_ms.max), '<= 50 ms'],
        ['longest frame gap during autoplay', fmtMs(result.longest_frame_gap_autoplay_ms), ''],
        ['autoplay at 4x, whole run', result.autoplay_ms.map(fmtMs).join(', '), ''],
        [
            'handshake in wasm (body data-run-ms)',
            result.handshake_wasm_ms
                ? `${fmtMs(result.handshake_wasm_ms.median)} median (${fmtMs(result.handshake_wasm_ms.min)} .. ${fmtMs(result.handshake_wasm_ms.max)})`
                : 'not reported (no data-run-ms)',
            '',
        ],
    ];
    const w0 = Math.max(...rows.map((r) => r[0].length));
    const w1 = Math.max(...rows.map((r) => r[1].length));
    console.log('');
    console.log(`${'measure'.padEnd(w0)}  ${'value'.padEnd(w1)}  aim`);
    console.log(`${'-'.repeat(w0)}  ${'-'.repeat(w1)}  ---------`);
    for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);

    // The load in phases, each a median over the loads that marked both ends.
    const marks = loads.map((l) => ({ ...l.marks, ready: l.readyAt }));
    result.phases_ms = Object.fromEntries(
        PHASES.map(([name, from, to]) => {
            const spans = marks.filter((m) => from(m) !== null && to(m) !== null).map((m) => to(m) - from(m));
            return [name, spans.length ? median(spans) : null];
        }),
    );
    const longest = loads.map((l, i) => {
        const t = l.longtasks.reduce((a, b) => (b.duration > (a?.duration ?? 0) ? b : a), null);
        return t ? phaseOf(marks[i], t.start) : null;
    }).filter(Boolean);
    result.longest_task_phase = longest;
    console.log('');
    console.log(`load phases, median of ${LOADS}:`);
    for (const [name, ms] of Object.entries(result.phases_ms)) console.log(`  ${fmtMs(ms).padStart(8)}  ${name}`);
    const counts = longest.reduce((c, p) => ({ ...c, [p]: (c[p] ?? 0) + 1 }), {});
    console.log(`  the longest task of each load fell in: ${Object.entries(counts).map(([p, n]) => `${p} (${n})`).join('; ') || 'no task of 50 ms or more'}`);

    const longtaskError = loads.find((l) => l.longtaskError)?.longtaskError;
    if (longtaskError) console.log(`\nnote: PerformanceObserver('longtask') failed: ${longtaskError}`);
    const problems = [...loads, ...autoplays].flatMap((x) => x.problems);
    if (problems.length) console.log(`\npage problems during the benchmark:\n  ${[...new Set(problems)].join('\n  ')}`);
    if (JSON_OUT) {
        await writeFile(JSON_OUT, JSON.stringify(result, null, 2) + '\n');
        console.log(`\nwrote ${JSON_OUT}`);
    }
}

await main();
