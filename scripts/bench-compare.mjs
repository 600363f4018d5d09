// `npm run bench:compare [-- --baseline scripts/bench-baseline.json] [--current <summary.json>]`: prints every
// numeric figure of a bench summary (default: the newest bench-results/*/summary.json) beside the
// committed baseline, as a ratio, and marks what got worse by more than 10 %. Which way is better
// comes from the figure's name: per-second rates, socket counts, pgbench TPS, writes per pgbench
// TPS and writes per COMMIT up; milliseconds (CPU milliseconds per write too), KB, per-board costs (the reconnect storm's extra statements and reads per
// board or lost socket), CPU seconds per 1,000 deliveries, ratios to bare Socket.IO (…OverBare),
// failed sockets, missing deliveries and error counts down. Figures the baseline does not have yet are listed as new.
// A warning line comes first when one run was pinned (`npm run bench -- --pin`, summary.json
// `pinning.pinned`) and the other not (a summary without `pinning` counts as not pinned), and when
// the two balanced requests differently (`cluster.balance`; a summary without it balanced round robin),
// and when their replicas ran on different Node.js versions or NODE_OPTIONS (`machine.replicaNode`,
// `machine.replicaNodeOptions`; a summary without them ran its replicas on `machine.node`, no options;
// one with no `machine` at all, like the baseline before 2026-12-03, states no runtime and is not compared),
// and when both have a reconnect storm run with different users (`figures.storm.users`, --storm-users;
// a storm figure without it had 20).
// Exit 0 always: on a shared 2-core machine a ratio is a prompt to look, not a verdict.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseCliArgs } from './cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const usage = 'usage: npm run bench:compare [-- --baseline FILE] [--current FILE]';
const args = parseCliArgs(usage, {
  baseline: { type: 'string', default: join(root, 'scripts/bench-baseline.json') },
  current: { type: 'string', default: '' },
});

/** The newest bench-results/<timestamp>/summary.json, or null. */
function newestSummary() {
  const dir = join(root, 'bench-results');
  if (!existsSync(dir)) return null;
  const runs = readdirSync(dir).filter((d) => existsSync(join(dir, d, 'summary.json'))).sort();
  return runs.length ? join(dir, runs.at(-1), 'summary.json') : null;
}

/** Numeric leaves of `figures` as path → value (`reproduce` strings and arrays skipped). */
function leaves(value, path = [], out = new Map()) {
  if (typeof value === 'number') out.set(path.join('.'), value);
  else if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  return out;
}

/** +1 when bigger is better, -1 when smaller is better, 0 when the name does not say. */
function direction(path) {
  const last = path.split('.').at(-1);
  if (/PerSec$|^sockets$|^tps$|PerPgbenchTps$|PerCommit$/.test(last)) return 1;
  if (/Ms$|MsPerWrite$|^p\d+$|^max$|^kbPerSocket$|PerBoard$|PerLostSocket$|Per1000Deliveries$|OverBare$|^failed$|Failed$|^failedTransactions$|Missing$|Errors$|CallsPerWrite$/.test(last)) return -1;
  return 0;
}

const currentFile = args.current || newestSummary();
if (!currentFile) {
  console.error(`no bench-results/*/summary.json: run npm run bench first\n${usage}`);
  process.exit(2);
}
const baseSummary = JSON.parse(readFileSync(args.baseline, 'utf8'));
const nowSummary = JSON.parse(readFileSync(currentFile, 'utf8'));
const base = leaves(baseSummary.figures);
const now = leaves(nowSummary.figures);
/** Whether a summary's run was pinned (--pin); older summaries have no `pinning`: not pinned. */
const pinned = (summary) => summary.pinning?.pinned === true;
const rows = [];
for (const [path, b] of base) {
  const c = now.get(path);
  const dir = direction(path);
  if (c === undefined || dir === 0) continue;
  const ratio = b === 0 ? null : c / b;
  const worse = ratio !== null && (dir > 0 ? ratio < 0.9 : ratio > 1.1);
  rows.push([path, String(b), String(c), ratio === null ? '-' : `${ratio.toFixed(2)}x`, dir > 0 ? 'higher is better' : 'lower is better', worse ? 'WORSE' : '']);
}
// Figures the baseline has nothing of yet (a new step, or a new variant or figure of a step).
for (const [path, c] of now) {
  const dir = direction(path);
  if (base.has(path) || dir === 0) continue;
  rows.push([path, '-', String(c), 'new', dir > 0 ? 'higher is better' : 'lower is better', '']);
}
console.log(`baseline ${relative(root, resolve(args.baseline))}\ncurrent  ${relative(root, resolve(currentFile))}\n`);
if (pinned(baseSummary) !== pinned(nowSummary)) {
  const which = (summary) => (pinned(summary) ? 'pinned (--pin: load generators and servers on separate CPUs)' : 'not pinned');
  console.log(`warning: the current run is ${which(nowSummary)}, the baseline ${which(baseSummary)}: the ratios mix two setups\n`);
}
/** How a summary's load balancer spread requests; older summaries have no `cluster.balance`: round robin. */
const balance = (summary) => summary.cluster?.balance ?? 'round-robin';
if (balance(baseSummary) !== balance(nowSummary)) {
  console.log(`warning: the current run balanced ${balance(nowSummary)}, the baseline ${balance(baseSummary)} (nginx; board = a board's writes to one replica): the ratios mix two setups\n`);
}
/** The replicas' Node.js and NODE_OPTIONS; older summaries have neither: the bench's own Node.js, no options; null without `machine`. */
const replicaRuntime = (summary) => (summary.machine ? `Node.js ${summary.machine.replicaNode ?? summary.machine.node}${summary.machine.replicaNodeOptions ? ` with NODE_OPTIONS=${summary.machine.replicaNodeOptions}` : ''}` : null);
if (replicaRuntime(baseSummary) !== null && replicaRuntime(nowSummary) !== null && replicaRuntime(baseSummary) !== replicaRuntime(nowSummary)) {
  console.log(`warning: the current run's replicas ran on ${replicaRuntime(nowSummary)}, the baseline's on ${replicaRuntime(baseSummary)}: the ratios mix two runtimes\n`);
}
/** The users of a summary's storm run (--storm-users); 20 before the option existed; null without a storm run. */
const stormUsers = (summary) => (summary.figures?.storm ? (summary.figures.storm.users ?? 20) : null);
if (stormUsers(baseSummary) !== null && stormUsers(nowSummary) !== null && stormUsers(baseSummary) !== stormUsers(nowSummary)) {
  console.log(`warning: the current storm run had ${stormUsers(nowSummary)} users, the baseline's ${stormUsers(baseSummary)} (--storm-users; more users, more presence changes per rejoin): the storm's ratios mix two shapes\n`);
}
if (rows.length === 0) console.log('no figure in both (run the steps the baseline has: npm run bench)');
const widths = rows.reduce((w, r) => r.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), ['figure', 'baseline', 'current', 'ratio', '', ''].map((h) => h.length));
for (const r of [['figure', 'baseline', 'current', 'ratio', '', ''], ...rows]) console.log(r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
