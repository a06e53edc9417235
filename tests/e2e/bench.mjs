#!/usr/bin/env node
// Benchmark of the release build (dist/): not a test, it prints figures and their aims.
//
//   node tests/e2e/bench.mjs [--loads N] [--autoplays N] [--others N] [--walks N] [--json FILE]
//                            [--query '?embed=1']                   (./x bench-web builds first)
//
// 1. First view: the files a cold load fetches (every request of the page and its workers),
//    each counted as gzip -9 (zlib level 9) of its dist/ file, summed; the files of dist/ it
//    does not fetch (loaded on demand, or not part of the page) are listed apart.
// 2. Navigation start -> <body data-ready="true">: median of N loads (default 10), each in a
//    fresh browser context (cold cache) without ?seed (fresh randomness, as a visitor gets);
//    the same, with --others loads each (default 3), for the other protocols and the comparison.
// 3. Longest main-thread task (PerformanceObserver 'longtask', buffered; Chromium reports tasks of
//    50 ms or more) during each load; during a walk (--walks, default 1 per protocol) through
//    every beat of every step by ArrowRight, opening every inspector tab at every step; and during
//    a full autoplay at 4x.
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
const OTHERS = Number(opt('--others', '3'));
const WALKS = Number(opt('--walks', '1'));
const JSON_OUT = opt('--json', null);
// --query '?embed=1' measures a page as an embedding course page opens it.
const QUERY = opt('--query', '');

// Installed before any page script: records when data-ready appears, long tasks, frame gaps.
function instrument() {
    const b = (window.__bench = { readyAt: null, longtasks: [], gapFrom: Infinity, maxGap: 0 });
    // Where the player is: "step/beat", for the walk to see a key press land.
    b.position = () =>
        [
            document.querySelector('[data-progress]')?.getAttribute('data-step'),
            document.querySelector('[data-panel="beats"]')?.getAttribute('data-beat') ?? '1',
        ].join('/');
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

/** The links each measured like the default, with --others cold loads each. */
const OTHER_LINKS = ['?protocol=tls12-ecdhe', '?protocol=tls13', '?compare=tls12-rsa,tls13'];

/** A cold page (its own browser context), instrumented, loaded at `query` until data-ready. */
async function opened(browser, server, query) {
    const p = await newPage(browser, { allowedOrigin: server.origin });
    await p.context.addInitScript(instrument);
    try {
        await gotoReady(p.page, server.base + query, 30_000);
    } catch (err) {
        await p.close();
        throw err;
    }
    return p;
}

async function oneLoad(browser, server, query = QUERY) {
    const p = await opened(browser, server, query);
    try {
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
        // Every request of the page and its workers (a worker's own fetches are not in the page's
        // resource timing).
        const fetched = p.rec.requests.filter((u) => /^https?:/.test(u)).map((u) => new URL(u).pathname.split('/').pop() || 'index.html');
        return { ...r, fetched, problems: p.problems() };
    } finally {
        await p.close();
    }
}

async function oneAutoplay(browser, server) {
    const p = await opened(browser, server, QUERY);
    try {
        const { page } = p;
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

/** Every beat of every step by ArrowRight, and at each step every inspector tab opened. */
async function oneWalk(browser, server, query) {
    const p = await opened(browser, server, query);
    try {
        const { page } = p;
        await sleep(1_000);
        const t0 = await page.evaluate(() => performance.now());
        const position = () => page.evaluate(() => window.__bench.position());
        const steps = Number(await page.locator('[data-progress]').getAttribute('data-steps'));
        let moves = 0;
        let tabs = 0;
        const actions = []; // [start, what]: which action each long task followed
        const now = () => page.evaluate(() => performance.now());
        for (let step = 0; step < steps; step++) {
            for (const tab of await page.locator('button[role="tab"]:not([disabled])').all()) {
                const name = await tab.getAttribute('data-tab');
                actions.push([await now(), `step ${step + 1}, tab ${name}`]);
                await tab.click();
                await page.waitForFunction(
                    (name) => document.querySelector(`button[role="tab"][data-tab="${name}"]`)?.getAttribute('aria-selected') === 'true',
                    name,
                    { timeout: 5_000, polling: 20 },
                );
                tabs++;
            }
            // ArrowRight beat by beat until the step changes (the last step has nowhere to go),
            // from the page: on a focused tab, ArrowRight would move between tabs.
            await page.evaluate(() => document.activeElement?.blur());
            for (let i = 0; i < 40 && step < steps - 1; i++) {
                const before = await position();
                actions.push([await now(), `step ${step + 1}, ArrowRight from ${before}`]);
                await page.keyboard.press('ArrowRight');
                await page.waitForFunction((before) => window.__bench.position() !== before, before, { timeout: 5_000, polling: 20 });
                moves++;
                if ((await position()).split('/')[0] !== before.split('/')[0]) break;
            }
        }
        await sleep(500);
        const longtasks = await page.evaluate((t0) => window.__bench.longtasks.filter((t) => t.start + t.duration >= t0), t0);
        const after = (t) => actions.filter(([at]) => at <= t.start).pop()?.[1] ?? 'before the first action';
        const worst = longtasks.map((t) => `${fmtMs(t.duration)} after ${after(t)}`);
        return { query, longtasks, worst, steps, moves, tabs, problems: p.problems() };
    } finally {
        await p.close();
    }
}

/** The phases of one load: [name, from, to] in ms since navigation start. */
const PHASES = [
    ['navigation -> page wasm received', () => 0, (m) => m.wasm],
    ['page wasm -> app start (compile, instantiate)', (m) => m.wasm, (m) => m.app],
    ['app start -> worker ready (the page drawn, the worker listening)', (m) => m.app, (m) => m.worker],
    ['worker ready -> first reply (the rest of the handshake, sent)', (m) => m.worker, (m) => m.reply],
    ['first reply -> decoded (the packed timeline read)', (m) => m.reply, (m) => m.decoded],
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

    const server = await startServer({ prefix: '/' });
    const browser = await launchBrowser();
    const loads = [];
    const others = Object.fromEntries(OTHER_LINKS.map((q) => [q, []]));
    const walks = [];
    const autoplays = [];
    try {
        await oneLoad(browser, server); // warm-up: the OS file cache and Chromium's own start-up
        for (let i = 0; i < LOADS; i++) loads.push(await oneLoad(browser, server));
        if (!QUERY) for (let i = 0; i < OTHERS; i++) for (const q of OTHER_LINKS) others[q].push(await oneLoad(browser, server, q));
        const walked = QUERY ? [QUERY] : ['', '?protocol=tls12-ecdhe', '?protocol=tls13'];
        for (let i = 0; i < WALKS; i++) for (const q of walked) walks.push(await oneWalk(browser, server, q));
        for (let i = 0; i < AUTOPLAYS; i++) autoplays.push(await oneAutoplay(browser, server));
    } finally {
        await browser.close().catch(() => {});
        await server.close();
    }

    // The first view: every file any measured load fetched; the rest of dist/ apart.
    const fetched = new Set([...[...loads, ...Object.values(others).flat()].flatMap((l) => l.fetched)]);
    const first = files.filter((r) => fetched.has(r.file));
    const later = files.filter((r) => !fetched.has(r.file));
    const total = first.reduce((s, r) => s + r.gzip, 0);
    console.log('first view: the files a cold load fetches (gzip -9):');
    for (const r of first) console.log(`  ${fmtKiB(r.gzip).padStart(11)}  (raw ${fmtKiB(r.raw).padStart(10)})  ${r.file}`);
    console.log(`  ${fmtKiB(total).padStart(11)}  in all`);
    // A file one load requests twice (the worker imports the page's glue) is counted once: a
    // host that allows caching serves the second request from the cache. This benchmark's
    // server sends no-store, so here it crosses twice.
    const twice = [...new Set(loads.flatMap((l) => l.fetched.filter((f, i) => l.fetched.indexOf(f) !== i)))];
    if (twice.length) console.log(`  requested twice per load, counted once (cached by an ordinary host): ${twice.join(', ')}`);
    console.log('not fetched by a first view (on demand, or other pages):');
    for (const r of later) console.log(`  ${fmtKiB(r.gzip).padStart(11)}  (raw ${fmtKiB(r.raw).padStart(10)})  ${r.file}`);

    const ready = loads.map((l) => l.readyAt);
    const loadTasks = loads.map((l) => maxTask(l.longtasks));
    const playTasks = autoplays.map((a) => maxTask(a.longtasks));
    const runMs = loads.map((l) => Number(l.runMs)).filter(Number.isFinite);
    const result = {
        first_view_bytes_gzip9: total,
        first_view_files: first.map((r) => r.file),
        on_demand: later.map((r) => ({ file: r.file, gzip: r.gzip })),
        ready_ms: { median: median(ready), min: Math.min(...ready), max: Math.max(...ready), samples: ready },
        longest_task_load_ms: { max: Math.max(...loadTasks), median: median(loadTasks), samples: loadTasks },
        longest_task_autoplay_ms: { max: Math.max(...playTasks), samples: playTasks },
        longest_frame_gap_autoplay_ms: Math.max(...autoplays.map((a) => a.maxGap)),
        autoplay_ms: autoplays.map((a) => a.playMs),
        handshake_wasm_ms: runMs.length ? { median: median(runMs), min: Math.min(...runMs), max: Math.max(...runMs) } : null,
    };

    const rows = [
        ['first view, gzip -9', `${fmtKiB(total)} (${total} B, ${first.length} files)`, '<= 300 KB (293.0 KiB)'],
        [`nav start -> data-ready, median of ${LOADS}`, `${fmtMs(result.ready_ms.median)} (${fmtMs(result.ready_ms.min)} .. ${fmtMs(result.ready_ms.max)})`, '<= 600 ms'],
        ['longest task during load', `${taskText(result.longest_task_load_ms.max)} (median of loads: ${taskText(result.longest_task_load_ms.median)})`, '< 50 ms'],
        ...Object.entries(others)
            .filter(([, l]) => l.length)
            .flatMap(([q, l]) => {
                const ready = l.map((x) => x.readyAt);
                const tasks = l.map((x) => maxTask(x.longtasks));
                return [
                    [`${q}: data-ready, median of ${l.length}`, `${fmtMs(median(ready))} (${fmtMs(Math.min(...ready))} .. ${fmtMs(Math.max(...ready))})`, '<= 600 ms'],
                    [`${q}: longest task during load`, `${taskText(Math.max(...tasks))} (median of loads: ${taskText(median(tasks))})`, '< 50 ms'],
                ];
            }),
        ...walks.map((w) => [
            `walk ${w.query || '(default)'}: ${w.steps} steps, ${w.moves} key presses, ${w.tabs} tab switches`,
            `longest task ${taskText(maxTask(w.longtasks))}`,
            '< 50 ms',
        ]),
        [`longest task during autoplay at 4x (${AUTOPLAYS}x)`, taskText(result.longest_task_autoplay_ms.max), '< 50 ms'],
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
    result.others = Object.fromEntries(Object.entries(others).map(([q, l]) => [q, { ready_ms: l.map((x) => x.readyAt), longest_task_ms: l.map((x) => maxTask(x.longtasks)) }]));
    result.walks = walks.map((w) => ({ query: w.query, steps: w.steps, moves: w.moves, tabs: w.tabs, longest_task_ms: maxTask(w.longtasks), long_tasks: w.worst }));
    for (const w of walks.filter((w) => w.worst.length)) console.log(`\nlong tasks in the walk ${w.query || '(default)'}:\n  ${w.worst.join('\n  ')}`);
    const problems = [...loads, ...Object.values(others).flat(), ...walks, ...autoplays].flatMap((x) => x.problems);
    if (problems.length) console.log(`\npage problems during the benchmark:\n  ${[...new Set(problems)].join('\n  ')}`);
    if (JSON_OUT) {
        await writeFile(JSON_OUT, JSON.stringify(result, null, 2) + '\n');
        console.log(`\nwrote ${JSON_OUT}`);
    }
}

await main();
