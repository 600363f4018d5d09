import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { READY_TIMEOUT_MS, spawnTracked, THROWAWAY_STOP_GRACE_MS, type TrackedChild } from './child-process.js';
import { findFreePorts } from './ports.js';
import { makeTempDir } from './temp-dir.js';
import { pollUntil } from './wait-for-http.js';

/** A throwaway Redis Cluster: see {@link startThrowawayRedisCluster}. */
export interface ThrowawayRedisCluster {
  /** `127.0.0.1:<port>` of every master, for REDIS_CLUSTER_NODES. */
  readonly nodes: string[];
  readonly ports: number[];
  /** SIGKILL master `index` (no shutdown at all); resolves once it has exited. */
  kill(index: number): Promise<void>;
  /**
   * Starts master `index` again on its port with its own `nodes.conf` (so it takes its slots back,
   * empty: no persistence); resolves once every node reports `cluster_state:ok`.
   * @throws Error when the cluster is not healthy within 30 s.
   */
  start(index: number): Promise<void>;
  /** Stops every node and removes the temp directory. Never rejects. */
  cleanup(): Promise<void>;
}

/**
 * Starts `masters` (default 3) `redis-server --cluster-enabled yes` processes on free loopback
 * ports, each with a free cluster bus port of its own (no persistence, `cluster-node-timeout` 2 s, no replicas), joins them with
 * `redis-cli --cluster create … --cluster-yes` and resolves once every node reports
 * `cluster_state:ok`. Each node keeps its `nodes.conf` in its own directory, so a killed master
 * restarted with `start(i)` rejoins with the same slots. For the Redis Cluster e2e suite; needs
 * Redis 7+ (sharded pub/sub) with `redis-server` and `redis-cli` on the PATH.
 * @throws Error with the log tails when a node does not start or the cluster does not form in 30 s.
 */
export async function startThrowawayRedisCluster(masters = 3): Promise<ThrowawayRedisCluster> {
  const dir = makeTempDir('tasklane-redis-cluster-');
  // Each node's port and its cluster bus port (by default port + 10000, unchecked, maybe in the
  // ephemeral range), all free and distinct.
  const all = await findFreePorts(2 * masters);
  const ports = all.slice(0, masters);
  const busPorts = all.slice(masters);
  const children: (TrackedChild | null)[] = ports.map(() => null);
  const startNode = async (i: number): Promise<void> => {
    const nodeDir = join(dir, `node-${i}`);
    mkdirSync(nodeDir, { recursive: true });
    const port = ports[i];
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', nodeDir];
    args.push('--cluster-enabled', 'yes', '--cluster-port', String(busPorts[i]), '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', 'no');
    const child = spawnTracked(`redis-server (cluster) on port ${port}`, 'redis-server', args, { cwd: nodeDir, logFile: join(nodeDir, 'redis.log'), graceMs: THROWAWAY_STOP_GRACE_MS, unref: true });
    children[i] = child;
    await child.ready((signal) => pollUntil(`PING on port ${port}`, (s) => command(port, ['PING'], s), READY_TIMEOUT_MS, { signal }));
  };
  const healthy = () =>
    pollUntil(
      'cluster_state:ok on every node',
      async (signal) => {
        for (const port of ports) {
          const info = await command(port, ['CLUSTER', 'INFO'], signal);
          if (!info.includes('cluster_state:ok')) throw new Error(`127.0.0.1:${port}: ${info.split('\r\n')[0]}`);
        }
      },
      30_000,
    );
  const stopAll = () => Promise.all(children.map((c) => c?.stop().catch(() => undefined)));
  try {
    await Promise.all(ports.map((_, i) => startNode(i)));
    await promisify(execFile)('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes'], { timeout: 30_000 });
    await healthy();
  } catch (error) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes: ports.map((p) => `127.0.0.1:${p}`),
    ports,
    kill: async (i) => void (await children[i]?.stop('SIGKILL')),
    start: async (i) => {
      if (!children[i]?.running) await startNode(i);
      await healthy();
    },
    cleanup: async () => {
      await stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One RESP round trip to 127.0.0.1:`port`: resolves with a simple string, an integer or a bulk
 * string reply (`PONG`, `3`, CLUSTER INFO's text).
 * @throws on refusal, when `signal` aborts, or on an error reply.
 */
function command(port: number, args: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (error: Error | null, value = ''): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', (error) => finish(error));
    socket.on('data', (chunk) => {
      answer += chunk.toString('utf8');
      const end = answer.indexOf('\r\n');
      if (end < 0) return;
      const line = answer.slice(0, end);
      if (line.startsWith('+') || line.startsWith(':')) return finish(null, line.slice(1));
      if (!line.startsWith('$')) return finish(new Error(`redis answered ${line}`));
      const length = Number(line.slice(1));
      const body = Buffer.from(answer.slice(end + 2), 'utf8');
      if (body.length >= length) finish(null, body.subarray(0, length).toString('utf8'));
    });
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
  });
}
