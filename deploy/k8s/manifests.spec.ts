/**
 * The Kubernetes manifests (deploy/k8s): every overlay renders with `kubectl kustomize`, every
 * object passes the Kubernetes OpenAPI schema (kubernetes-models; the ServiceMonitor CRD by hand),
 * and the properties the operations docs promise hold: probes, shutdown timing, pod security,
 * WebSocket ingress without sticky sessions, PDB, HPA on CPU and sockets, network policies, the
 * migration Job ordered before the API, configuration complete and accepted by the app's own
 * validation. Needs kubectl on the PATH (Debian: kubernetes-client; .ci/run installs it).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { loadAll } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { Env, validateEnv } from '../../apps/api/src/config/env.schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const K8S = resolve(ROOT, 'deploy/k8s');
const OVERLAYS = ['dev', 'prod', 'prod-monitoring'] as const;
type Overlay = (typeof OVERLAYS)[number];

/** Variables kept in the Secret tasklane-api-secrets, never in the ConfigMap. */
const SECRET_KEYS = ['DATABASE_URL', 'JWT_SECRET', 'REDIS_URL'];
/** Schema variables deliberately absent from the ConfigMap: set per pod, or only read without DATABASE_URL. */
// SMTP_URL: optional, and it holds a password: in the Secret when emails are wanted (docs/operations.md "Email").
const NOT_IN_CONFIGMAP = ['REPLICA_ID', 'EMBEDDED_PG_DIR', 'EMBEDDED_PG_PORT', 'SMTP_URL'];
/**
 * ConfigMap keys the API does not read yet: the proxy-trust and X-Replica switches come with
 * later work on the app. Remove a name from here when env.schema.ts gains it.
 */

/** Objects kubernetes-models validates, by `apiVersion/kind`. Any other kind fails the test unless checked by hand below. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};
const HAND_CHECKED = ['monitoring.coreos.com/v1/ServiceMonitor'];

// The rendered objects are plain JSON trees; the tests walk them with these loose types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** `kubectl kustomize <dir>` as objects. Throws with kubectl's own message when it fails or is missing. */
function render(dir: string): Obj[] {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.error) throw new Error(`kubectl is needed (Debian: apt-get install kubernetes-client): ${run.error.message}`);
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${run.stderr}`);
  return (loadAll(run.stdout) as Obj[]).filter((doc) => doc !== null && doc !== undefined);
}

const key = (o: Obj) => `${o.apiVersion}/${o.kind}`;
const one = (objects: Obj[], kind: string, name?: string): Obj => {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  expect(found.map((o) => `${o.kind}/${o.metadata?.name}`)).toHaveLength(1);
  return found[0];
};
const podTemplates = (objects: Obj[]) => objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, pod: o.spec.template }));
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
/** Environment a container sees from its ConfigMap and Secret refs (resolved within the render) plus literal env. */
function containerEnv(objects: Obj[], container: Obj): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, one(objects, 'ConfigMap', from.configMapRef.name).data);
    const secret = from.secretRef && objects.find((o) => o.kind === 'Secret' && o.metadata.name === from.secretRef.name);
    if (secret) Object.assign(env, secret.stringData ?? {});
  }
  for (const e of container.env ?? []) if (typeof e.value === 'string') env[e.name] = e.value;
  return env;
}
const ms = (env: Record<string, string>, name: string) => {
  expect(env[name]).toMatch(/^\d+$/);
  return Number(env[name]);
};

describe('kustomize overlays', () => {
  const rendered = {} as Record<Overlay, Obj[]>;
  beforeAll(() => {
    for (const overlay of OVERLAYS) rendered[overlay] = render(join(K8S, 'overlays', overlay));
  });

  it('the base renders on its own, without the ServiceMonitor CRD', () => {
    const base = render(join(K8S, 'base'));
    expect(base.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Job', 'NetworkPolicy', 'ConfigMap']));
    expect(base.filter((o) => o.kind === 'ServiceMonitor' || o.kind === 'Secret')).toEqual([]);
  });

  describe.each(OVERLAYS)('%s', (overlay) => {
    const objects = () => rendered[overlay];
    const api = () => one(objects(), 'Deployment', 'tasklane-api');
    const apiContainer = () => api().spec.template.spec.containers.find((c: Obj) => c.name === 'api');
    const env = () => containerEnv(objects(), apiContainer());

    it('every object passes its Kubernetes schema (the ServiceMonitor its required fields)', () => {
      const problems: string[] = [];
      for (const o of objects()) {
        const Model = MODELS[key(o)];
        if (Model) {
          try {
            new Model(o as never).validate();
          } catch (error) {
            problems.push(`${o.kind}/${o.metadata?.name}: ${(error as Error).message}`);
          }
        } else if (HAND_CHECKED.includes(key(o))) {
          const sm = o;
          if (!sm.metadata?.name || !sm.metadata?.namespace) problems.push('ServiceMonitor: metadata.name and metadata.namespace are required');
          if (typeof sm.spec?.selector !== 'object') problems.push('ServiceMonitor: spec.selector is required');
          if (!Array.isArray(sm.spec?.endpoints) || sm.spec.endpoints.length === 0) problems.push('ServiceMonitor: spec.endpoints must list at least one endpoint');
          for (const e of sm.spec?.endpoints ?? []) {
            if (!e.port && !e.targetPort) problems.push('ServiceMonitor: an endpoint needs port or targetPort');
            if (e.interval && !/^(\d+(ms|s|m|h))+$/.test(e.interval)) problems.push(`ServiceMonitor: interval ${e.interval} is not a Prometheus duration`);
          }
        } else {
          problems.push(`${key(o)} ${o.metadata?.name}: no schema to check it against`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('every object is labelled part-of tasklane and with its rollout phase; configuration and the migration come first', () => {
      for (const o of objects()) {
        expect({ object: `${o.kind}/${o.metadata.name}`, partOf: o.metadata.labels?.['app.kubernetes.io/part-of'] }).toEqual({ object: `${o.kind}/${o.metadata.name}`, partOf: 'tasklane' });
        expect(['pre', 'main']).toContain(o.metadata.labels?.['tasklane.io/rollout-phase']);
        const pre = ['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'NetworkPolicy', 'Job'].includes(o.kind);
        expect(`${o.kind}: ${o.metadata.labels['tasklane.io/rollout-phase']}`).toBe(`${o.kind}: ${pre ? 'pre' : 'main'}`);
      }
      const ns = one(objects(), 'Namespace').metadata.name;
      for (const o of objects().filter((x) => x.kind !== 'Namespace')) expect(`${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`).toBe(`${o.kind}/${o.metadata.name} in ${ns}`);
      expect(one(objects(), 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    it('API probes: readiness on /health/ready, liveness (and startup) on /health/live, on the container port', () => {
      const c = apiContainer();
      const portNames = c.ports.map((p: Obj) => p.name);
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.startupProbe.httpGet.path).toBe('/health/live');
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(portNames).toContain(probe.httpGet.port);
      expect(c.ports.find((p: Obj) => p.name === 'http').containerPort).toBe(Number(env().PORT));
    });

    it('shutdown: preStop sleeps SHUTDOWN_GRACE_MS; the grace period outlasts preStop + grace + keep-alive drain + SHUTDOWN_TIMEOUT_MS', () => {
      const e = env();
      const grace = ms(e, 'SHUTDOWN_GRACE_MS');
      const drain = ms(e, 'SHUTDOWN_KEEPALIVE_DRAIN_MS');
      const timeout = ms(e, 'SHUTDOWN_TIMEOUT_MS');
      const command: string[] = apiContainer().lifecycle.preStop.exec.command;
      expect(command[0]).toBe('sleep');
      const preStopMs = Number(command[1]) * 1000;
      expect(preStopMs).toBe(grace);
      // Behind Kubernetes the grace must be > 0: ingress-nginx needs a moment to drop the endpoint.
      expect(grace).toBeGreaterThan(0);
      // The app's own timer (armed at SIGTERM) must not fire during the drain it runs itself.
      expect(timeout).toBeGreaterThan(grace + drain);
      expect(api().spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopMs + grace + drain + timeout);
    });

    it('pods run as non-root with a read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp, requests and limits', () => {
      const dockerfile = readFileSync(join(ROOT, 'docker/api.Dockerfile'), 'utf8');
      const imageUser = /^USER\s+(\d+)(?::(\d+))?\s*$/m.exec(dockerfile);
      expect(imageUser).not.toBeNull(); // numeric, so runAsNonRoot can verify the image's user
      for (const { owner, pod } of podTemplates(objects())) {
        const spec = pod.spec;
        expect({ owner, runAsNonRoot: spec.securityContext?.runAsNonRoot }).toEqual({ owner, runAsNonRoot: true });
        expect(spec.securityContext.runAsUser).toBe(Number(imageUser![1]));
        expect(spec.securityContext.seccompProfile?.type).toBe('RuntimeDefault');
        expect(spec.automountServiceAccountToken).toBe(false);
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          const sc = c.securityContext ?? {};
          expect({ owner, container: c.name, readOnlyRootFilesystem: sc.readOnlyRootFilesystem, allowPrivilegeEscalation: sc.allowPrivilegeEscalation, drop: sc.capabilities?.drop })
            .toEqual({ owner, container: c.name, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, drop: ['ALL'] });
          for (const kind of ['requests', 'limits']) for (const r of ['cpu', 'memory']) expect({ owner, [`${kind}.${r}`]: c.resources?.[kind]?.[r] }).toEqual({ owner, [`${kind}.${r}`]: expect.any(String) });
        }
      }
    });

    it('configuration: every schema variable is set, secrets only in the Secret, REPLICA_ID from the pod name, and the app accepts it', () => {
      const config = one(objects(), 'ConfigMap').data as Record<string, string>;
      const schema = [...new Set(getMetadataStorage().getTargetValidationMetadatas(Env, '', true, false).map((m) => m.propertyName))];
      const expected = schema.filter((name) => !SECRET_KEYS.includes(name) && !NOT_IN_CONFIGMAP.includes(name));
      expect(Object.keys(config).sort()).toEqual(expected.sort());
      expect(config).toMatchObject({ NODE_ENV: 'production', MIGRATIONS_RUN: 'false', EXPOSE_REPLICA_HEADER: 'false', TRUST_PROXY: expect.any(String) });

      const replicaId = apiContainer().env.find((e: Obj) => e.name === 'REPLICA_ID');
      expect(replicaId.valueFrom.fieldRef.fieldPath).toBe('metadata.name');
      for (const { pod } of podTemplates(objects())) {
        for (const c of pod.spec.containers) expect(c.envFrom.map((f: Obj) => f.secretRef?.name).filter(Boolean)).toEqual(['tasklane-api-secrets']);
      }

      // What the API would do with it: env.schema.ts's own validation (placeholders stand in for the Secret).
      const placeholders = { DATABASE_URL: 'postgres://u:p@db:5432/tasklane', REDIS_URL: 'redis://redis:6379', JWT_SECRET: 'x'.repeat(40) };
      const parsed = validateEnv({ ...placeholders, ...env(), REPLICA_ID: 'tasklane-api-abc' });
      expect(parsed.MIGRATIONS_RUN).toBe(false);
      expect(parsed.NODE_ENV).toBe('production');
    });

    it('the Secret: none at all in production; in dev only placeholders for DATABASE_URL, REDIS_URL and JWT_SECRET', () => {
      const secrets = objects().filter((o) => o.kind === 'Secret');
      if (overlay !== 'dev') {
        expect(secrets).toEqual([]);
        return;
      }
      expect(secrets).toHaveLength(1);
      expect(secrets[0].data).toBeUndefined();
      expect(Object.keys(secrets[0].stringData).sort()).toEqual(SECRET_KEYS);
      for (const value of Object.values(secrets[0].stringData)) if (!String(value).startsWith('redis://')) expect(value).toMatch(/change-me/);
    });

    it('Service and PDB select the API pods; the Service port targets the container port', () => {
      const podLabels = api().spec.template.metadata.labels;
      expect(matches(api().spec.selector.matchLabels, podLabels)).toBe(true);
      const svc = one(objects(), 'Service', 'tasklane-api');
      expect(matches(svc.spec.selector, podLabels)).toBe(true);
      expect(svc.spec.ports.map((p: Obj) => p.targetPort)).toEqual(['http']);
      const pdb = one(objects(), 'PodDisruptionBudget');
      expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
      expect(pdb.spec.maxUnavailable ?? pdb.spec.minAvailable).toBeDefined();
    });

    it('Ingress: ingress-nginx with WebSocket timeouts of at least 75 s over HTTP/1.1, no sticky sessions, /metrics and /health not routed', () => {
      const ing = one(objects(), 'Ingress');
      const a: Record<string, string> = ing.metadata.annotations;
      expect(ing.spec.ingressClassName).toBe('nginx');
      expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(75);
      expect(Number(a['nginx.ingress.kubernetes.io/proxy-send-timeout'])).toBeGreaterThanOrEqual(75);
      expect(a['nginx.ingress.kubernetes.io/proxy-http-version']).toBe('1.1');
      expect(Object.keys(a).filter((k) => /affinity|session-cookie|upstream-hash-by/.test(k))).toEqual([]);
      const svc = one(objects(), 'Service', 'tasklane-api');
      const paths = ing.spec.rules.flatMap((r: Obj) => r.http.paths);
      for (const p of paths) {
        expect(p.backend.service.name).toBe(svc.metadata.name);
        expect(svc.spec.ports.map((x: Obj) => x.name)).toContain(p.backend.service.port.name);
        for (const internal of ['/metrics', '/health/ready', '/health/live']) {
          const routed = p.pathType === 'Exact' ? p.path === internal : internal === p.path || internal.startsWith(p.path.endsWith('/') ? p.path : `${p.path}/`);
          expect({ path: p.path, internal, routed }).toEqual({ path: p.path, internal, routed: false });
        }
      }
      expect(paths.map((p: Obj) => p.path)).toEqual(expect.arrayContaining(['/api', '/socket.io']));
    });

    it('HPA scales the Deployment on CPU and on tasklane_socket_connected per pod; the Deployment leaves replicas to it', () => {
      const hpa = one(objects(), 'HorizontalPodAutoscaler');
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'tasklane-api' });
      const cpu = hpa.spec.metrics.find((m: Obj) => m.type === 'Resource' && m.resource.name === 'cpu');
      expect(cpu.resource.target.averageUtilization).toBeGreaterThan(0);
      const sockets = hpa.spec.metrics.find((m: Obj) => m.type === 'Pods' && m.pods.metric.name === 'tasklane_socket_connected');
      expect(Number(sockets.pods.target.averageValue)).toBeGreaterThan(0);
      expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      expect(api().spec.replicas).toBeUndefined();
      expect(api().spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    });

    it('network policies: default deny; ingress controller and Prometheus → API on http; API and migration → PostgreSQL, Redis, DNS', () => {
      const policies = objects().filter((o) => o.kind === 'NetworkPolicy');
      const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0);
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const podLabels = (component: string) => ({ ...api().spec.template.metadata.labels, 'app.kubernetes.io/component': component });
      const selects = (p: Obj, labels: Record<string, string>) =>
        matches(p.spec.podSelector.matchLabels ?? {}, labels) &&
        (p.spec.podSelector.matchExpressions ?? []).every((e: Obj) => e.operator === 'In' && e.values.includes(labels[e.key]));
      const ingress = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && p !== deny && selects(p, podLabels('api'))).flatMap((p) => p.spec.ingress);
      const allowedFrom = ingress.flatMap((rule: Obj) => rule.from.map((f: Obj) => ({ ns: f.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'], pod: f.podSelector?.matchLabels?.['app.kubernetes.io/name'], ports: rule.ports.map((x: Obj) => x.port) })));
      expect(allowedFrom).toEqual(expect.arrayContaining([{ ns: 'ingress-nginx', pod: 'ingress-nginx', ports: ['http'] }]));
      for (const component of ['api', 'migration']) {
        const egress = policies.filter((p) => p.spec.policyTypes.includes('Egress') && p !== deny && selects(p, podLabels(component))).flatMap((p) => p.spec.egress);
        const ports = egress.flatMap((rule: Obj) => rule.ports.map((x: Obj) => `${x.port}/${x.protocol}`));
        expect({ component, ports: ports.sort() }).toEqual({ component, ports: ['53/TCP', '53/UDP', '5432/TCP', '6379/TCP'] });
      }
    });

    it('job workers: the API image with --role worker, probes on the container port, REPLICA_ID from the pod, no Service; the API pods run no jobs', () => {
      const worker = one(objects(), 'Deployment', 'tasklane-worker');
      const [c] = worker.spec.template.spec.containers;
      expect(c.image).toBe(apiContainer().image);
      expect(c.command.join(' ')).toMatch(/dist\/apps\/api\/src\/main\.js --role worker$/);
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) expect(c.ports.map((p: Obj) => p.name)).toContain(probe.httpGet.port);
      expect(c.ports.find((p: Obj) => p.name === 'http').containerPort).toBe(Number(env().PORT));
      expect(c.env.find((e: Obj) => e.name === 'REPLICA_ID').valueFrom.fieldRef.fieldPath).toBe('metadata.name');
      // The same (hash-suffixed) ConfigMap and the same Secret as the API.
      expect(c.envFrom).toEqual(apiContainer().envFrom);
      expect(worker.spec.replicas).toBeGreaterThanOrEqual(1);
      const podLabels = worker.spec.template.metadata.labels;
      expect(matches(worker.spec.selector.matchLabels, podLabels)).toBe(true);
      for (const o of objects().filter((x) => x.kind === 'Service' || x.kind === 'PodDisruptionBudget')) {
        const selector = o.spec.selector.matchLabels ?? o.spec.selector;
        expect({ object: o.metadata.name, selectsWorkers: matches(selector, podLabels) }).toEqual({ object: o.metadata.name, selectsWorkers: false });
      }
      expect(env().JOB_WORKERS).toBe('false');
      // Shutdown: running jobs get SHUTDOWN_TIMEOUT_MS, inside the pod's grace period.
      expect(worker.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(ms(env(), 'SHUTDOWN_TIMEOUT_MS'));
    });

    it('network policies of the workers: Prometheus in on http; out to PostgreSQL, Redis, DNS, SMTP (465/587) and public addresses on 80/443 only', () => {
      const policy = one(objects(), 'NetworkPolicy', 'tasklane-worker');
      const labels = one(objects(), 'Deployment', 'tasklane-worker').spec.template.metadata.labels;
      expect(matches(policy.spec.podSelector.matchLabels, labels)).toBe(true);
      expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
      expect(policy.spec.ingress.flatMap((r: Obj) => r.from.map((f: Obj) => f.namespaceSelector.matchLabels['kubernetes.io/metadata.name']))).toEqual(['monitoring']);
      const ports = policy.spec.egress.flatMap((r: Obj) => r.ports.map((x: Obj) => `${x.port}/${x.protocol}`)).sort();
      expect(ports).toEqual(['443/TCP', '465/TCP', '53/TCP', '53/UDP', '5432/TCP', '587/TCP', '6379/TCP', '80/TCP']);
      const web = policy.spec.egress.find((r: Obj) => r.ports.some((x: Obj) => x.port === 443));
      expect(web.to[0].ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
      // The API's own egress policy does not reach the workers (it would open PostgreSQL… to nothing more, but say so).
      const apiEgress = one(objects(), 'NetworkPolicy', 'tasklane-api-egress');
      expect(apiEgress.spec.podSelector.matchExpressions.find((e: Obj) => e.key === 'app.kubernetes.io/component').values).not.toContain('worker');
    });

    it('the migration Job runs the TypeORM CLI on the data source that npm run migration:run uses, with the API image', () => {
      const job = one(objects(), 'Job', 'tasklane-migrate');
      const [c] = job.spec.template.spec.containers;
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      const dataSource = /-d (\S+)/.exec(pkg.scripts['migration:run'])![1];
      expect(c.command).toEqual(['node', 'node_modules/typeorm/cli.js', 'migration:run', '-d', dataSource]);
      // The image ships the CLI only if typeorm is a production dependency (docker/api.Dockerfile's prod-deps stage).
      expect(pkg.dependencies.typeorm).toBeDefined();
      expect(existsSync(join(ROOT, dataSource.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
      expect(c.image).toBe(apiContainer().image);
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      if (overlay !== 'dev') expect(c.image).toMatch(/:(?!latest$)[\w.-]+$/);
    });

    it('ServiceMonitor only in prod-monitoring, scraping the Service port http at /metrics in the namespace', () => {
      const monitors = objects().filter((o) => o.kind === 'ServiceMonitor');
      if (overlay !== 'prod-monitoring') {
        expect(monitors).toEqual([]);
        return;
      }
      const [sm] = monitors;
      const svc = one(objects(), 'Service', 'tasklane-api');
      expect(matches(sm.spec.selector.matchLabels, svc.metadata.labels)).toBe(true);
      expect(sm.spec.namespaceSelector.matchNames).toEqual([svc.metadata.namespace]);
      expect(sm.spec.endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
      expect(svc.spec.ports.map((p: Obj) => p.name)).toContain('http');
    });
  });
});

describe('rollout.sh', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tasklane-rollout-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs rollout.sh with a stand-in kubectl that records each call (`lines`, and `calls`: the
   * first two words plus the --selector), renders with the real one and answers `get job` with
   * `jobState` (the Job's true conditions).
   */
  function rollout(overlay: string, jobState: 'Complete' | 'Failed'): { status: number | null; lines: string[]; calls: string[]; stderr: string } {
    const log = join(dir, `${overlay}-${jobState}.log`);
    const fake = join(dir, 'kubectl');
    writeFileSync(
      fake,
      `#!/bin/sh\necho "$*" >> "${log}"\ncase "$1" in\n  kustomize) exec kubectl "$@" ;;\n  get) printf '%s' "${jobState}" ;;\n  logs) echo "migration output" ;;\nesac\nexit 0\n`,
    );
    chmodSync(fake, 0o755);
    writeFileSync(log, '');
    const run = spawnSync(join(K8S, 'rollout.sh'), [overlay], { encoding: 'utf8', env: { ...process.env, KUBECTL: fake, ROLLOUT_POLL_S: '0', MIGRATE_TIMEOUT_S: '5' } });
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const calls = lines.map((l) => [...l.split(' ').slice(0, 2), ...(l.includes('--selector ') ? [l.split('--selector ')[1]] : [])].join(' '));
    return { status: run.status, lines, calls, stderr: run.stderr };
  }

  it('deletes the old Job, applies the pre phase, waits for the migration, then applies the API and waits for it, in the overlay namespace', () => {
    const { status, lines, calls } = rollout('prod', 'Complete');
    expect(status).toBe(0);
    expect(calls).toEqual([
      `kustomize ${join(K8S, 'overlays/prod')}`,
      'delete job',
      'apply -f tasklane.io/rollout-phase=pre',
      'get job',
      'apply -f tasklane.io/rollout-phase=main',
      'rollout status',
      'rollout status',
    ]);
    const ns = one(render(join(K8S, 'overlays/prod')), 'Namespace').metadata.name;
    expect(lines[1]).toBe(`delete job tasklane-migrate --namespace ${ns} --ignore-not-found --wait=true`);
    expect(lines[5]).toMatch(new RegExp(`^rollout status deployment/tasklane-api --namespace ${ns} `));
    expect(lines[6]).toMatch(new RegExp(`^rollout status deployment/tasklane-worker --namespace ${ns} `));
  });

  it('stops before touching the API when the migration Job failed', () => {
    const { status, calls, stderr } = rollout('dev', 'Failed');
    expect(status).toBe(1);
    expect(stderr).toContain('migration Job failed');
    expect(calls).toContain('logs job/tasklane-migrate');
    expect(calls.filter((c) => c.includes('rollout-phase=main') || c.startsWith('rollout'))).toEqual([]);
  });

  it('rejects an overlay that does not exist, calling nothing', () => {
    const { status, calls } = rollout('nope', 'Complete');
    expect(status).toBe(2);
    expect(calls).toEqual([]);
  });
});
