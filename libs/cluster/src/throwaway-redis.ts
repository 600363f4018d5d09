import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { READY_TIMEOUT_MS, spawnTracked, THROWAWAY_STOP_GRACE_MS, type TrackedChild } from './child-process.js';
import { findFreePort } from './ports.js';
import { makeTempDir } from './temp-dir.js';
import { pollUntil } from './wait-for-http.js';

/** A throwaway Redis: see {@link startThrowawayRedis}. */
export interface ThrowawayRedis {
  /** e.g. `redis://127.0.0.1:41234` */
  readonly url: string;
  readonly port: number;
  /** OS pid while running, null when stopped. */
  readonly pid: number | null;
  readonly logFile: string;
  /** SIGTERM (SIGKILL after 15 s); resolves once it has exited. No-op when stopped. */
  stop(): Promise<void>;
  /** SIGKILL (no shutdown at all); resolves once it has exited. No-op when stopped. */
  kill(): Promise<void>;
  /**
   * Stops it if running, then starts it again on the same port; resolves when it answers PING.
   * @throws Error with the log tail when it does not answer within 30 s.
   */
  restart(): Promise<void>;
  /**
   * `CLIENT KILL TYPE pubsub`: drops every subscriber connection.
   * @returns how many were killed.
   * @throws when Redis does not answer within 5 s or answers with an error.
   */
  killPubSubClients(): Promise<number>;
  /** Stops it and removes its temp directory. Never rejects. */
  cleanup(): Promise<void>;
}

/**
 * Starts `redis-server --port <free> --bind 127.0.0.1 --save '' --appendonly no` (no persistence,
 * so a restart comes back empty, like a failed-over cache) with its log in a new temp directory, as
 * a tracked child (see {@link spawnTracked}), and resolves once it answers PING. For fault tests
 * that stop, kill and restart Redis without touching the machine's shared server.
 * @throws Error with the log tail when it does not start within 30 s (the process is killed and the
 *   directory removed); `redis-server` must be on the PATH.
 */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const dir = makeTempDir('tasklane-redis-');
  const logFile = join(dir, 'redis.log');
  const port = await findFreePort();
  let child: TrackedChild | null = null;

  const start = async (): Promise<void> => {
    child = spawnTracked(`redis-server on port ${port}`, 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      cwd: dir,
      logFile,
      graceMs: THROWAWAY_STOP_GRACE_MS,
      unref: true,
    });
    await child.ready((signal) => pollUntil(`PING on port ${port}`, (s) => redisCommand(port, ['PING'], s), READY_TIMEOUT_MS, { signal }));
  };
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => void (await child?.stop(signal));
  await start().catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.running ? child.pid : null;
    },
    logFile,
    stop: () => stop(),
    kill: () => stop('SIGKILL'),
    restart: async () => {
      await stop();
      await start();
    },
    killPubSubClients: async () => Number((await redisCommand(port, ['CLIENT', 'KILL', 'TYPE', 'pubsub'], AbortSignal.timeout(5000))).slice(1)),
    cleanup: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One RESP round trip to 127.0.0.1:`port`: sends `args` as a command, resolves with the first reply
 * line when it is a simple string or an integer (`+PONG`, `:3`).
 * @throws on refusal, when `signal` aborts, or on an error reply (e.g. `-LOADING` while it starts).
 */
function redisCommand(port: number, args: string[], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const finish = (error: Error | null, line = ''): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(line);
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
      finish(line.startsWith('+') || line.startsWith(':') ? null : new Error(`redis answered ${line}`), line);
    });
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
  });
}
