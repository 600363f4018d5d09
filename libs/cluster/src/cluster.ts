import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCpus, notFound, READY_TIMEOUT_MS, spawnTracked, tail, type ChildExit, type TrackedChild } from './child-process.js';
import { checkBalance, nginxConfig, type NginxBalance } from './nginx-config.js';
import { findFreePorts } from './ports.js';
import { makeTempDir } from './temp-dir.js';
import { waitForHttp } from './wait-for-http.js';

/** Repository root: this file is libs/cluster/src/cluster.ts, or libs/cluster/dist/cluster.js once built. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Number of API replicas, ≥ 1. */
  replicas: number;
  /** postgres:// URL of an already migrated database (replicas run with MIGRATIONS_RUN=false). */
  databaseUrl: string;
  /**
   * redis:// URL shared by the replicas' Socket.IO adapter. Without it each replica falls back to the
   * in-memory adapter and events reach only sockets connected to the replica that emitted them.
   */
  redisUrl?: string;
  /** JWT signing key shared by every replica, ≥ 32 characters. Default: random for this cluster. */
  jwtSecret?: string;
  /** Replica i listens on basePort + i. Default: a free port each. */
  basePort?: number;
  /** Port of the nginx load balancer. Default: a free port. */
  lbPort?: number;
  /**
   * Extra environment for the replicas (e.g. `{ LOG_LEVEL: 'info', DB_POOL_SIZE: '10' }`, or
   * `{ RATE_LIMITS: 'off' }` for load tests). It may override LOG_LEVEL, MIGRATIONS_RUN,
   * TRUST_PROXY and EXPOSE_REPLICA_HEADER, not PORT, HOST, DATABASE_URL, REDIS_URL, JWT_SECRET or
   * REPLICA_ID. The parent's environment is inherited except NODE_OPTIONS (Jest's
   * --experimental-vm-modules is not for the replicas): NODE_OPTIONS for the replicas goes here
   * (e.g. `{ NODE_OPTIONS: '--max-semi-space-size=16' }`, the Docker image's).
   */
  env?: Record<string, string>;
  /**
   * Directory for `replica-<i>.log` (stdout and stderr), `nginx.log` and nginx's prefix `nginx/`
   * (config, pid, temp files, error.log); kept after stop(). Default: a new directory under the OS
   * temp dir, which stop() removes unless `keepLogs`. When nginx runs as root its workers run as
   * `nobody`, so the directory must be traversable by that user.
   */
  logDir?: string;
  /** Keep the default temp logDir after stop() (a given logDir is always kept). Default false. */
  keepLogs?: boolean;
  /** Start nginx in front of the replicas (default true). Without it `lbUrl` is null. */
  nginx?: boolean;
  /** nginx executable (default `nginx` from PATH). */
  nginxBin?: string;
  /** How nginx spreads requests (see `NginxConfigOptions.balance`); default `board`. Ignored with `nginx: false`. */
  balance?: NginxBalance;
  /** Built server entry (default `<repo>/dist/apps/api/src/main.js`, from `npm run build`). */
  serverEntry?: string;
  /**
   * Job worker processes (`main.js --role worker`, REPLICA_ID=worker-<i>, health and metrics only;
   * not behind nginx), default 0. With one or more, the API replicas run with JOB_WORKERS=false
   * (unless `env` says otherwise), so jobs run on the workers only; with none, every replica runs
   * job workers itself.
   */
  workers?: number;
  /**
   * CPUs the replicas and workers run on, in taskset's list format (e.g. `1`): each runs under
   * `taskset -c <cpus>` (see SpawnTrackedOptions.cpus), restarts included. nginx is not pinned.
   * Default: not pinned.
   * @throws (from startCluster) when taskset is missing or a listed CPU is not available.
   */
  cpus?: string;
  /**
   * Node.js executable the replicas and workers run on, e.g. another version's `bin/node` to compare
   * runtimes with the same build (the load tool and nginx are not affected). Default: this process's
   * (`process.execPath`).
   * @throws (from startCluster) when it is not an executable file.
   */
  nodeBin?: string;
}

/** One API replica process of a {@link Cluster}. */
export interface ReplicaHandle {
  /** 0-based; the process runs with REPLICA_ID=replica-<index>, which it echoes as `X-Replica`. */
  readonly index: number;
  readonly port: number;
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  /** OS pid while running, null after kill() or an exit. */
  readonly pid: number | null;
  /**
   * Sends `signal` (default SIGTERM: graceful shutdown) to the process and resolves once it has
   * exited, with how it ended (a graceful shutdown ends by the signal it got: `{ code: null,
   * signal: 'SIGTERM' }`); SIGKILL follows after 10 s. Resolves at once if it is not running: with
   * its last exit, or null if it never ran.
   */
  kill(signal?: NodeJS.Signals): Promise<ChildExit | null>;
  /**
   * Starts the process again on the same port and resolves when `/health/ready` answers 2xx; resolves
   * after that check alone if it is already running.
   * @throws Error with the log tail if it exits or is not ready within 30 s (the process is killed).
   */
  start(): Promise<void>;
}

/** A running local cluster: see {@link startCluster}. */
export interface Cluster {
  /** nginx's URL, e.g. `http://127.0.0.1:8080`; null with `nginx: false`. */
  lbUrl: string | null;
  /** Each replica's own URL, by index. */
  replicaUrls: string[];
  replicas: ReplicaHandle[];
  /** The job worker processes (see {@link ClusterOptions.workers}); `index` is the worker's, `url` its health/metrics port. */
  workers: ReplicaHandle[];
  /** Where the logs are (see {@link ClusterOptions.logDir}). */
  logDir: string;
  /**
   * Stops nginx, then every replica: SIGTERM, SIGKILL after 10 s, and waits for each exit; then
   * removes the default temp logDir (see {@link ClusterOptions.keepLogs}). Idempotent; never rejects.
   */
  stop(): Promise<void>;
}

class Replica implements ReplicaHandle {
  readonly url: string;
  private child: TrackedChild | null = null;

  constructor(
    readonly index: number,
    readonly port: number,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
    private readonly role: 'api' | 'worker' = 'api',
    private readonly cpus?: string,
    private readonly nodeBin: string = process.execPath,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  get pid(): number | null {
    return this.child?.running ? this.child.pid : null;
  }

  async start(): Promise<void> {
    if (!this.child?.running) {
      // The OpenTelemetry preload only when tracing is on (see apps/api/src/telemetry.ts): it must load before the app.
      const args = [...(this.env.OTEL_EXPORTER_OTLP_ENDPOINT ? ['--import', join(dirname(this.entry), 'telemetry.js'), this.entry] : [this.entry]), ...(this.role === 'worker' ? ['--role', 'worker'] : [])];
      const name = this.role === 'worker' ? `worker-${this.index}` : `replica-${this.index}`;
      this.child = spawnTracked(`${name} (port ${this.port})`, this.nodeBin, args, {
        cwd: ROOT,
        env: { ...this.env, PORT: String(this.port) },
        logFile: this.logFile,
        ...(this.cpus === undefined ? {} : { cpus: this.cpus }),
      });
    }
    await this.child.ready((signal) => waitForHttp(`${this.url}/health/ready`, READY_TIMEOUT_MS, { signal }));
  }

  async kill(signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit | null> {
    return (await this.child?.stop(signal)) ?? null;
  }
}

/**
 * Checks that `path` names an executable file (`ClusterOptions.nodeBin`).
 * @throws Error `nodeBin is not an executable file: <path>` otherwise (missing, a directory, no execute permission).
 */
function checkNodeBin(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`nodeBin is not an executable file: ${path}`);
  }
}

/**
 * Starts a local Tasklane cluster from the built server (`npm run build` first): `replicas` processes
 * `node dist/apps/api/src/main.js` (this process's Node.js, or `nodeBin`) on 127.0.0.1 (REPLICA_ID=replica-<i>, MIGRATIONS_RUN=false,
 * LOG_LEVEL=warn, TRUST_PROXY=loopback, EXPOSE_REPLICA_HEADER=true; rate limits as configured,
 * i.e. on unless `env` says `RATE_LIMITS: 'off'`) and, unless `nginx: false`, an nginx load balancer in front of them
 * (a board's writes to one replica and the rest round robin, or all round robin with `balance: 'round-robin'`;
 * WebSocket upgrade; config from {@link nginxConfig}) run as a foreground child. Resolves once every
 * replica answers `/health/ready` and nginx answers `/health/live` through the load balancer.
 *
 * Children are SIGKILLed if the calling process exits without stop(). Migrations are the caller's
 * job (`npm run migration:run`).
 *
 * With `cpus`, the replicas and workers run under `taskset -c <cpus>`; nginx does not.
 *
 * @throws RangeError for invalid options; Error when taskset or a CPU of `cpus` is missing, `nodeBin` is not an executable file, the built server is missing, or a replica or
 *   nginx fails to start within 30 s (message includes the log tail). Everything already started is
 *   stopped before the error is thrown.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { replicas: count, databaseUrl, redisUrl, basePort, nginx: withNginx = true, workers: workerCount = 0 } = options;
  if (!Number.isInteger(workerCount) || workerCount < 0) throw new RangeError(`workers must be an integer >= 0, got ${workerCount}`);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`replicas must be an integer >= 1, got ${count}`);
  if (!/^postgres(ql)?:\/\//.test(databaseUrl ?? '')) throw new RangeError('databaseUrl must be a postgres:// URL');
  if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1 || basePort + count - 1 > 65535)) {
    throw new RangeError(`basePort must leave room for ${count} ports below 65536, got ${basePort}`);
  }
  if (options.cpus !== undefined) checkCpus(options.cpus);
  if (options.nodeBin !== undefined) checkNodeBin(options.nodeBin);
  // Before any replica starts (nginxConfig checks it again only once they run).
  if (options.balance !== undefined) checkBalance(options.balance);
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('hex');
  if (jwtSecret.length < 32) throw new RangeError('jwtSecret must be at least 32 characters');
  const entry = resolve(options.serverEntry ?? join(ROOT, 'dist/apps/api/src/main.js'));
  if (!existsSync(entry)) throw new Error(`built server not found at ${entry}: run \`npm run build\` first`);

  const logDir = prepareLogDir(options.logDir);
  const ports = basePort === undefined ? await findFreePorts(count + 1) : [...Array.from({ length: count }, (_, i) => basePort + i), ...(await findFreePorts(1))];
  const lbPort = options.lbPort ?? ports[count];

  const inherited: NodeJS.ProcessEnv = { ...process.env };
  delete inherited.NODE_OPTIONS;
  delete inherited.REDIS_URL;
  const envOf = (replicaId: string): NodeJS.ProcessEnv => ({
    ...inherited,
    MIGRATIONS_RUN: 'false',
    LOG_LEVEL: 'warn',
    // nginx runs on 127.0.0.1: its X-Forwarded-For names the client (per-address rate limits).
    TRUST_PROXY: 'loopback',
    // Tests and the local cluster tell replicas apart by it (off by default in the server).
    EXPOSE_REPLICA_HEADER: 'true',
    ...(workerCount > 0 ? { JOB_WORKERS: 'false' } : {}),
    ...options.env,
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    JWT_SECRET: jwtSecret,
    REPLICA_ID: replicaId,
  });
  const workerPorts = await findFreePorts(workerCount);
  const workers = workerPorts.map((port, index) => new Replica(index, port, entry, envOf(`worker-${index}`), join(logDir, `worker-${index}.log`), 'worker', options.cpus, options.nodeBin));
  const replicas = Array.from({ length: count }, (_, index) => new Replica(index, ports[index], entry, envOf(`replica-${index}`), join(logDir, `replica-${index}.log`), 'api', options.cpus, options.nodeBin));

  let nginx: TrackedChild | null = null;
  let keepLogs = options.keepLogs ?? false;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      // The load balancer first, so no new requests reach replicas that are shutting down.
      await nginx?.stop().catch(() => undefined);
      await Promise.allSettled([...replicas, ...workers].map((r) => r.kill('SIGTERM')));
      if (!options.logDir && !keepLogs) {
        try {
          rmSync(logDir, { recursive: true, force: true, maxRetries: 2 });
        } catch {
          // a leftover temp dir is not worth failing a teardown over
        }
      }
    })());

  try {
    await Promise.all([...replicas, ...workers].map((r) => r.start()));
    if (withNginx) {
      nginx = startNginx(options.nginxBin ?? 'nginx', logDir, lbPort, replicas.map((r) => `127.0.0.1:${r.port}`), options.balance);
      await waitForNginx(nginx, logDir, `http://127.0.0.1:${lbPort}`);
    }
  } catch (error) {
    keepLogs = true; // the error names files in logDir
    await stop();
    throw error;
  }

  return {
    lbUrl: withNginx ? `http://127.0.0.1:${lbPort}` : null,
    replicaUrls: replicas.map((r) => r.url),
    replicas,
    workers,
    logDir,
    stop,
  };
}

function prepareLogDir(given: string | undefined): string {
  if (given) {
    mkdirSync(given, { recursive: true });
    return resolve(given);
  }
  return makeTempDir('tasklane-cluster-'); // traversable: nginx workers (nobody, under root) write temp files inside
}

/** Options of {@link startLoadBalancer}. */
export interface LoadBalancerOptions {
  /** What nginx proxies to, as `host:port` (any HTTP servers: tests put stand-ins there); at least one. */
  upstreams: string[];
  /** Directory for `nginx.log` and nginx's prefix `nginx/` (config, error.log); kept. Default: a temp directory that stop() removes. */
  logDir?: string;
  /** nginx executable (default `nginx` from PATH). */
  nginxBin?: string;
  /** How nginx spreads requests; default `board`. */
  balance?: NginxBalance;
}

/** A load balancer started by {@link startLoadBalancer}. */
export interface LoadBalancer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  /** nginx's directory (`nginx/error.log` inside). */
  readonly logDir: string;
  /** Stops nginx and waits for its exit; removes a default logDir. */
  stop(): Promise<void>;
}

/**
 * Starts nginx alone, with the configuration startCluster gives it ({@link nginxConfig}), in front of
 * `upstreams`, and resolves once `GET /health/live` answers 2xx through it (some upstream must
 * answer that). For tests of the balancer's own behaviour, e.g. what it re-sends when an upstream
 * fails mid-request.
 * @throws Error with the error log's tail when nginx does not start within 30 s (it is stopped).
 */
export async function startLoadBalancer(options: LoadBalancerOptions): Promise<LoadBalancer> {
  // Renders once first: malformed upstreams throw here, before a directory or a process exists.
  nginxConfig({ listenPort: 1, upstreams: options.upstreams, prefixDir: '/', balance: options.balance });
  const logDir = options.logDir ? prepareLogDir(options.logDir) : makeTempDir('tasklane-lb-'); // traversable by nginx's workers, as prepareLogDir's
  const [port] = await findFreePorts(1);
  const url = `http://127.0.0.1:${port}`;
  const nginx = startNginx(options.nginxBin ?? 'nginx', logDir, port, options.upstreams, options.balance);
  const stop = async (): Promise<void> => {
    await nginx.stop();
    if (!options.logDir) rmSync(logDir, { recursive: true, force: true });
  };
  try {
    await waitForNginx(nginx, logDir, url);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, logDir, stop };
}

function startNginx(bin: string, logDir: string, port: number, upstreams: string[], balance?: NginxBalance): TrackedChild {
  const prefix = join(logDir, 'nginx');
  mkdirSync(prefix, { recursive: true });
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ listenPort: port, listenHost: '127.0.0.1', upstreams, prefixDir: prefix, balance }));
  // -e: the error log before the config is read (the compiled-in /var/log/nginx is root-only).
  return spawnTracked('nginx', bin, ['-p', `${prefix}/`, '-e', join(prefix, 'error.log'), '-c', conf, '-g', 'daemon off;'], {
    cwd: prefix,
    logFile: join(logDir, 'nginx.log'),
  });
}

async function waitForNginx(nginx: TrackedChild, logDir: string, lbUrl: string): Promise<void> {
  try {
    await nginx.ready((signal) => waitForHttp(`${lbUrl}/health/live`, READY_TIMEOUT_MS, { signal }));
  } catch (error) {
    const hint = notFound(nginx.exit) ? ' (nginx is not on the PATH: install it, e.g. `apt-get install nginx`, or pass nginx: false)' : '';
    throw new Error(`nginx on ${lbUrl}${hint}: ${(error as Error).message}\n--- ${join(logDir, 'nginx', 'error.log')} (tail) ---\n${tail(join(logDir, 'nginx', 'error.log'))}`, {
      cause: error,
    });
  }
}
