// Web app benchmark: `npm run bench:web [-- --tasks 5000] [--runs 5]` (builds first).
// On a scratch database (apps/loadtest/support/scratch-cluster.mjs: one built replica behind nginx,
// dropped afterwards) it seeds one board with --tasks tasks over 3 columns through REST, then in
// headless Chromium (Debian's /usr/bin/chromium via playwright-core, the browser tests' flags):
//  1. open     time from navigation start to the board fully rendered (status Live, every column's
//              task count shown and its first cards in the DOM), --runs times, fresh page each time;
//  2. scroll   frame times while one column scrolls from top to bottom over 2 s (rAF-driven);
//  3. drag     frame times during a pointer drag of a card across all columns (60 mouse steps),
//              ending in one real move request;
//  4. bundle   the app's JS and CSS, raw and gzipped (dist/apps/web/assets).
// Frame times come from requestAnimationFrame timestamps inside the page. Prints a Markdown
// summary and writes bench-results/web-<timestamp>.json (git-ignored).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { parseCliArgs } from './cli-args.mjs';
import { startScratchCluster } from '../apps/loadtest/support/scratch-cluster.mjs';
import { TasklaneRestClient } from '../libs/client/dist/index.js';

const root = resolve(import.meta.dirname, '..');
const usage = 'usage: npm run bench:web [-- --tasks N] [--runs N]';
const args = parseCliArgs(usage, { tasks: { type: 'string', default: '5000' }, runs: { type: 'string', default: '5' } });
const TASKS = Number(args.tasks);
const RUNS = Number(args.runs);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const log = (m) => console.error(`[bench:web] ${m}`);
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};
const round = (x) => Math.round(x * 10) / 10;
const frameStats = (intervals) => ({
  frames: intervals.length,
  p50: round(pct(intervals, 50)),
  p95: round(pct(intervals, 95)),
  max: round(Math.max(...intervals)),
  over33ms: intervals.filter((x) => x > 33.4).length,
});

// In-page frame recorder (a string: evaluated in the browser).
const START_FRAMES = `(() => { window.__frames = []; let last = performance.now(); const tick = (t) => { window.__frames.push(t - last); last = t; if (window.__recording) requestAnimationFrame(tick); }; window.__recording = true; requestAnimationFrame(tick); })()`;
const STOP_FRAMES = `(() => { window.__recording = false; return window.__frames.slice(1); })()`;

let scratch = null;
let browser = null;
async function main() {
  scratch = await startScratchCluster({ replicas: 1, prefix: 'tasklane_benchweb', env: { RATE_LIMITS: 'off' }, log });
  const origin = scratch.cluster.replicaUrls[0];
  const rest = new TasklaneRestClient(origin);
  const email = `bench-${Date.now()}@example.com`;
  const password = 'correct horse battery staple';
  await rest.register(email, password, 'Bench User');
  const board = await rest.createBoard({ name: `${TASKS} tasks` });
  log(`seeding ${TASKS} tasks…`);
  const seedStart = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < TASKS) {
        const i = next++;
        await rest.createTask(board.id, { columnId: board.columns[i % 3].id, title: `Task ${i + 1}: ${['write the plan', 'review the design', 'fix the login bug', 'call the venue'][i % 4]}`, labels: i % 5 === 0 ? ['urgent'] : [] });
      }
    }),
  );
  log(`seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const perColumn = [0, 1, 2].map((c) => Math.floor(TASKS / 3) + (c < TASKS % 3 ? 1 : 0));

  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(origin);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Your boards' }).waitFor();

  const rendered = `(() => {
    const live = document.querySelector('[role="status"][aria-label="Connection"]')?.getAttribute('data-status') === 'live';
    const cols = [...document.querySelectorAll('main[aria-label="Columns"] > section')];
    const want = ${JSON.stringify(perColumn)};
    return live && cols.length === 3 && cols.every((c, i) => c.querySelector('[aria-label="' + want[i] + ' tasks"]') && c.querySelector('article'));
  })()`;
  const open = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${origin}/boards/${board.id}`);
    await page.waitForFunction(rendered, null, { polling: 'raf', timeout: 60_000 });
    open.push(Math.round(await page.evaluate('performance.now()')));
    log(`open #${i + 1}: ${open[open.length - 1]} ms`);
  }
  const domCards = await page.evaluate('document.querySelectorAll("article").length');

  // scroll the first column top to bottom in 2 s
  await page.evaluate(START_FRAMES);
  await page.evaluate(`new Promise((done) => {
    const el = document.querySelector('main[aria-label="Columns"] > section > div');
    const t0 = performance.now();
    const step = (t) => { const f = Math.min(1, (t - t0) / 2000); el.scrollTop = f * (el.scrollHeight - el.clientHeight); if (f < 1) requestAnimationFrame(step); else done(); };
    requestAnimationFrame(step);
  })`);
  const scroll = frameStats(await page.evaluate(STOP_FRAMES));
  await page.evaluate(`document.querySelector('main[aria-label="Columns"] > section > div').scrollTop = 0`);
  await page.waitForTimeout(300);

  // drag the first card of column 1 across the columns to column 3
  const handle = page.getByRole('button', { name: /^Move task / }).first();
  const from = await handle.boundingBox();
  const target = await page.getByRole('region').nth(2).boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.evaluate(START_FRAMES);
  await page.mouse.down();
  await page.mouse.move(from.x + 20, from.y + 20, { steps: 5 });
  for (let i = 1; i <= 60; i++) {
    await page.mouse.move(from.x + ((target.x + target.width / 2 - from.x) * i) / 60, from.y + 40 + ((target.y + 200 - from.y) * i) / 60);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  await page.waitForTimeout(200);
  const drag = frameStats(await page.evaluate(STOP_FRAMES));

  const assets = join(root, 'dist/apps/web/assets');
  const bundle = readdirSync(assets)
    .filter((f) => /\.(js|css)$/.test(f))
    .map((f) => {
      const bytes = readFileSync(join(assets, f));
      return { file: f, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
  const total = bundle.reduce((a, b) => ({ bytes: a.bytes + b.bytes, gzip: a.gzip + b.gzip }), { bytes: 0, gzip: 0 });

  const result = { tasks: TASKS, runs: RUNS, openMs: { runs: open, p50: pct(open, 50), max: Math.max(...open) }, domCards, scrollFrameMs: scroll, dragFrameMs: drag, bundle, bundleTotal: total, chromium: browser.version() };
  mkdirSync(join(root, 'bench-results'), { recursive: true });
  const file = join(root, 'bench-results', `web-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`| measure | result |
| --- | --- |
| open a ${TASKS}-task board (navigation → fully rendered), ${RUNS} runs | p50 ${result.openMs.p50} ms, max ${result.openMs.max} ms (${open.join(', ')}) |
| task cards in the DOM after opening | ${domCards} of ${TASKS} |
| frame time while scrolling a column end to end | p50 ${scroll.p50} ms, p95 ${scroll.p95} ms, max ${scroll.max} ms, ${scroll.over33ms} of ${scroll.frames} frames over 33 ms |
| frame time during a drag across columns | p50 ${drag.p50} ms, p95 ${drag.p95} ms, max ${drag.max} ms, ${drag.over33ms} of ${drag.frames} frames over 33 ms |
| bundle (JS + CSS) | ${(total.bytes / 1024).toFixed(1)} KiB, gzipped ${(total.gzip / 1024).toFixed(1)} KiB |
| Chromium | ${result.chromium} |`);
  log(`written ${file}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await browser?.close().catch(() => undefined);
  await scratch?.stop();
}
