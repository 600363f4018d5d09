// CI smoke run of the load tool (`node scripts/loadtest-smoke.mjs`, after `npm run build`; it builds
// nothing itself). Starts 3 built replicas behind nginx on a scratch database (created, migrated and
// dropped again; see apps/loadtest/support/scratch-cluster.mjs), then runs the load tool as a child:
// 300 sockets over 10 boards, targets = the 3 replicas + the load balancer, 100 writes/s for 5 s.
// Prints the tool's final table and exits with its status: non-zero on any consistency error (1),
// bad options (2) or a failed run (3); 4 when the smoke itself failed or ran out of time. Everything
// it started is stopped by pid, on failure and on SIGINT/SIGTERM too. Budget: ~90 s.
//
// Environment: DATABASE_URL (server to make the scratch database on; default
// postgres://postgres@127.0.0.1:5432/test), REDIS_URL (default redis://127.0.0.1:6379).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, startScratchCluster } from '../apps/loadtest/support/scratch-cluster.mjs';

const root = resolve(import.meta.dirname, '..');
const TOOL = resolve(root, 'dist/apps/loadtest/src/main.js');
/** Whole-run budget; past it everything is stopped and the smoke fails. */
const DEADLINE_MS = 85_000;
const log = (m) => console.error(`[smoke] ${m}`);

if (!existsSync(TOOL)) {
  log(`${TOOL} is missing: run \`npm run build\` first`);
  process.exit(4);
}
const { describeExit, spawnTracked } = await import('../libs/cluster/dist/index.js');

let scratch = null;
let child = null;
let finishing = false;

/** Stops the tool (SIGTERM, SIGKILL after 5 s), the cluster and the database; then exits. */
async function finish(code, reason) {
  if (finishing) return new Promise(() => {}); // the first call exits the process
  finishing = true;
  if (reason) log(reason);
  await child?.stop();
  if (scratch) {
    log('stopping the cluster and dropping the scratch database…');
    await scratch.stop();
  }
  process.exit(code);
}

const deadline = setTimeout(() => void finish(4, `FAILED: over the ${DEADLINE_MS / 1000} s budget`), DEADLINE_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void finish(130, `${signal}: stopping`));

const t0 = Date.now();
try {
  scratch = await startScratchCluster({
    replicas: 3,
    databaseUrl: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
    log,
  });
} catch (error) {
  clearTimeout(deadline);
  await finish(4, `FAILED to start the cluster: ${error instanceof Error ? error.message : error}`);
}
const { cluster } = scratch;
log(`cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${cluster.replicaUrls.join(' ')} + LB ${cluster.lbUrl}`);

const args = [
  ...[...cluster.replicaUrls, cluster.lbUrl].flatMap((url) => ['--target', url]),
  ...['--users', '6', '--boards', '10', '--sockets', '300', '--rate', '100', '--warmup', '1', '--duration', '5'],
];
log(`node dist/apps/loadtest/src/main.js ${args.join(' ')}`);
child = spawnTracked('load tool', process.execPath, [TOOL, ...args], { cwd: root, stdio: 'inherit', graceMs: 5000 });
const exit = await child.exited;
if (exit.code === null) log(`the load tool ${describeExit(exit)}`);
const code = exit.code ?? 4;
clearTimeout(deadline);
await finish(code, `${code === 0 ? 'PASSED' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
