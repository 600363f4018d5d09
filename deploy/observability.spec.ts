/**
 * The observability files: Prometheus alerts (promtool check rules + promtool test rules), the
 * compose scrape config (promtool check config), the Grafana dashboard (every query parses as
 * PromQL, uses only the metric names the app exposes, covers what docs/operations.md lists) and
 * the docker-compose `observability` profile wiring. Needs promtool on the PATH (Debian:
 * prometheus; .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dump, load, YAML11_SCHEMA } from 'js-yaml';

const ROOT = resolve(import.meta.dirname, '..');
const PROM = join(ROOT, 'deploy/prometheus');
const tmp = mkdtempSync(join(tmpdir(), 'tasklane-observability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * The metrics the API exposes at GET /metrics (docs/operations.md "Observability"): histograms as
 * their base name (the _bucket, _count and _sum series are allowed), and the prom-client default
 * metrics the dashboard uses, with the tasklane_ prefix. Prometheus's own `up` is allowed too.
 */
const HISTOGRAMS = ['tasklane_http_request_duration_seconds', 'tasklane_fanout_delay_seconds', 'tasklane_db_query_duration_seconds', 'tasklane_job_duration_seconds'];
const METRICS = new Set([
  ...HISTOGRAMS.flatMap((h) => [`${h}_bucket`, `${h}_count`, `${h}_sum`]),
  'tasklane_socket_connected',
  'tasklane_socket_rooms',
  'tasklane_socket_events_received_total',
  'tasklane_socket_acks_total',
  'tasklane_board_events_committed_total',
  'tasklane_outbox_unpublished_events',
  'tasklane_outbox_oldest_unpublished_age_seconds',
  'tasklane_outbox_relayed_total',
  'tasklane_redis_publish_failures_total',
  'tasklane_redis_reconnects_total',
  'tasklane_db_pool_connections',
  'tasklane_rate_limit_rejections_total',
  'tasklane_jobs_queued',
  'tasklane_jobs_active',
  'tasklane_jobs_failed',
  'tasklane_webhook_attempts_total',
  'tasklane_nodejs_eventloop_lag_seconds',
  'tasklane_nodejs_eventloop_lag_p99_seconds',
  'tasklane_process_cpu_seconds_total',
  'tasklane_process_resident_memory_bytes',
  'tasklane_nodejs_heap_size_used_bytes',
  'up',
]);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** Runs promtool; throws a readable error when it is missing. */
function promtool(...args: string[]): { status: number | null; out: string } {
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd: ROOT });
  if (run.error) throw new Error(`promtool is needed (Debian: apt-get install prometheus): ${run.error.message}`);
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}
const yamlFile = (path: string): Obj => load(readFileSync(path, 'utf8'), { schema: YAML11_SCHEMA }) as Obj;

/**
 * Metric names in a PromQL expression: what is left as an identifier, not followed by `(`, once
 * strings, label matchers, ranges and grouping lists (`by (…)`, `on (…)`, …) are removed.
 */
function metricNames(expr: string): string[] {
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);
  const bare = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)].map((m) => m[1]).filter((name) => !keywords.has(name));
}

it('the metric-name extractor finds metrics and skips functions, labels, ranges and grouping lists', () => {
  expect(metricNames('histogram_quantile(0.99, sum by (route, le) (rate(tasklane_x_bucket{route=~"/a/:b", le!=""}[5m]))) / on (replica) group_left up == bool 1')).toEqual(['tasklane_x_bucket', 'up']);
  expect(metricNames('max(tasklane_y) > 10 and absent(foo_total offset 5m)')).toEqual(['tasklane_y', 'foo_total']);
});

describe('Prometheus alerts', () => {
  const rules: Obj[] = yamlFile(join(PROM, 'alerts.yml')).groups.flatMap((g: Obj) => g.rules);

  it('promtool check rules accepts deploy/prometheus/alerts.yml', () => {
    const { status, out } = promtool('check', 'rules', 'deploy/prometheus/alerts.yml');
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('promtool test rules passes deploy/prometheus/alerts.test.yml', () => {
    const { status, out } = promtool('test', 'rules', 'deploy/prometheus/alerts.test.yml');
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('SUCCESS') });
  });

  it('the four promised alerts exist, each with a severity and a summary', () => {
    const byName = new Map(rules.map((r) => [r.alert, r]));
    expect(byName.get('TasklaneOutboxEventsStuck')?.expr).toMatch(/tasklane_outbox_oldest_unpublished_age_seconds.*> 10\b/);
    expect(byName.get('TasklaneHttp5xxRatioHigh')?.expr).toMatch(/status_code=~"5\.\."/);
    expect(byName.get('TasklaneDbPoolWaiters')?.expr).toMatch(/tasklane_db_pool_connections\{state="waiting"\}/);
    expect(byName.get('TasklaneReplicaDown')?.expr).toMatch(/up\{job="tasklane-api"\} == 0/);
    for (const r of rules) expect({ alert: r.alert, severity: r.labels?.severity, summary: typeof r.annotations?.summary }).toEqual({ alert: r.alert, severity: expect.stringMatching(/^(warning|critical)$/), summary: 'string' });
  });

  it('every alert has a unit test where it fires and one where it stays quiet', () => {
    const tests: Obj[] = yamlFile(join(PROM, 'alerts.test.yml')).tests.flatMap((t: Obj) => t.alert_rule_test ?? []);
    for (const r of rules) {
      const mine = tests.filter((t) => t.alertname === r.alert);
      expect({ alert: r.alert, fires: mine.some((t) => t.exp_alerts?.length > 0), quiet: mine.some((t) => (t.exp_alerts ?? []).length === 0) }).toEqual({ alert: r.alert, fires: true, quiet: true });
    }
  });

  it('alerts use only the metrics the app exposes', () => {
    for (const r of rules) expect({ alert: r.alert, unknown: metricNames(r.expr).filter((m) => !METRICS.has(m)) }).toEqual({ alert: r.alert, unknown: [] });
  });

  it('promtool check config accepts the compose scrape config (and the rule file it loads)', () => {
    const { status, out } = promtool('check', 'config', 'deploy/prometheus/prometheus.yml');
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining('is valid prometheus config file syntax') });
  });
});

describe('Grafana dashboard deploy/grafana/tasklane.json', () => {
  const dashboard: Obj = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/tasklane.json'), 'utf8'));
  const panels: Obj[] = dashboard.panels.filter((p: Obj) => p.type !== 'row');
  const targets = panels.flatMap((p) => p.targets.map((t: Obj) => ({ panel: p.title, ...t })));
  /** The expression as Prometheus gets it for "All" replicas and routes over a 1m range. */
  const concrete = (expr: string) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$replica', '.*').replaceAll('$route', '.*');

  it('has unique panel ids, panels that do not overlap on a 24-column grid, and the Prometheus datasource variable', () => {
    const ids = dashboard.panels.map((p: Obj) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect({ panel: p.title, cell: `${i},${j}`, taken: cells.has(`${i},${j}`) }).toEqual({ panel: p.title, cell: `${i},${j}`, taken: false });
        cells.add(`${i},${j}`);
      }
    }
    const variables = dashboard.templating.list.map((v: Obj) => v.name);
    expect(variables).toEqual(expect.arrayContaining(['datasource', 'replica', 'route']));
    for (const p of panels) expect({ panel: p.title, ds: p.datasource }).toEqual({ panel: p.title, ds: { type: 'prometheus', uid: '${datasource}' } });
    for (const t of targets) for (const v of t.expr.matchAll(/\$(\w+)/g)) if (!v[1].startsWith('__')) expect(variables).toContain(v[1]);
  });

  it('every query is valid PromQL (promtool checks them as recording rules)', () => {
    const file = join(tmp, 'dashboard-queries.yml');
    const rules = targets.map((t, i) => ({ record: `dashboard:query_${i}`, expr: concrete(t.expr) }));
    writeFileSync(file, dump({ groups: [{ name: 'dashboard', rules }] }));
    const { status, out } = promtool('check', 'rules', file);
    expect({ status, out }).toEqual({ status: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('queries use only the metrics the app exposes', () => {
    for (const t of targets) expect({ panel: t.panel, unknown: metricNames(concrete(t.expr)).filter((m) => !METRICS.has(m)) }).toEqual({ panel: t.panel, unknown: [] });
  });

  it('covers per-route rate, errors and duration, sockets, fan-out delay, outbox age, pool saturation and event-loop lag', () => {
    const exprs = targets.map((t) => t.expr as string);
    const some = (re: RegExp) => exprs.some((e) => re.test(e));
    expect(some(/by \([^)]*route[^)]*\) \(rate\(tasklane_http_request_duration_seconds_count/)).toBe(true);
    expect(some(/by \([^)]*route[^)]*\) \(rate\(tasklane_http_request_duration_seconds_count\{[^}]*status_code=~"5\.\."/)).toBe(true);
    expect(some(/histogram_quantile\(0\.99, sum by \([^)]*route[^)]*\) \(rate\(tasklane_http_request_duration_seconds_bucket/)).toBe(true);
    expect(some(/tasklane_socket_connected/)).toBe(true);
    expect(some(/histogram_quantile\(0\.99, sum by \([^)]*le[^)]*\) \(rate\(tasklane_fanout_delay_seconds_bucket/)).toBe(true);
    expect(some(/tasklane_outbox_oldest_unpublished_age_seconds/)).toBe(true);
    expect(some(/state="idle".*state="total"|state="total".*state="idle"/)).toBe(true);
    expect(some(/tasklane_nodejs_eventloop_lag/)).toBe(true);
  });
});

describe('docker-compose profile `observability`', () => {
  const compose = yamlFile(join(ROOT, 'docker-compose.yml'));
  const services: Record<string, Obj> = compose.services;
  const apis = Object.keys(services).filter((name) => /^api\d+$/.test(name));
  const mounts = (service: string) => (services[service].volumes ?? []).filter((v: string) => v.startsWith('./')).map((v: string) => v.split(':'));

  it('adds Prometheus, Grafana and Jaeger only under the profile; the app services stay in every profile', () => {
    for (const name of ['prometheus', 'grafana', 'jaeger']) expect({ name, profiles: services[name]?.profiles }).toEqual({ name, profiles: ['observability'] });
    for (const name of [...apis, 'postgres', 'redis', 'migrate', 'nginx', 'worker']) expect({ name, profiles: services[name].profiles }).toEqual({ name, profiles: undefined });
  });

  it('mounts files that exist, and Prometheus scrapes every API replica with the config and rules checked above', () => {
    for (const name of ['prometheus', 'grafana']) for (const [source] of mounts(name)) expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
    const promMounts = Object.fromEntries(mounts('prometheus').map(([s, t]: string[]) => [s, t]));
    expect(promMounts['./deploy/prometheus/prometheus.yml']).toBe('/etc/prometheus/prometheus.yml');
    // rule_files are relative to the config file: alerts.yml must sit beside it in the container too.
    expect(dirname(promMounts['./deploy/prometheus/alerts.yml'])).toBe(dirname(promMounts['./deploy/prometheus/prometheus.yml']));
    const scrape = yamlFile(join(PROM, 'prometheus.yml')).scrape_configs.find((c: Obj) => c.job_name === 'tasklane-api');
    const port = services[apis[0]].environment.PORT ?? '3000';
    expect(scrape.static_configs.flatMap((c: Obj) => c.targets).sort()).toEqual(apis.map((a) => `${a}:${port}`).sort());
    expect(scrape.metrics_path).toBe('/metrics');
    // The job worker answers /metrics on its port too (docs/jobs.md), under a job of its own.
    const workers = yamlFile(join(PROM, 'prometheus.yml')).scrape_configs.find((c: Obj) => c.job_name === 'tasklane-worker');
    expect(workers.static_configs.flatMap((c: Obj) => c.targets)).toEqual([`worker:${services.worker.environment.PORT ?? '3000'}`]);
    expect(services.worker.command.join(' ')).toMatch(/main\.js --role worker$/);
  });

  it('Grafana gets the dashboard and datasources from deploy/grafana, pointing at the compose services', () => {
    const grafanaMounts = Object.fromEntries(mounts('grafana').map(([s, t]: string[]) => [s, t]));
    expect(grafanaMounts['./deploy/grafana/provisioning']).toBe('/etc/grafana/provisioning');
    const provider = yamlFile(join(ROOT, 'deploy/grafana/provisioning/dashboards/tasklane.yml')).providers[0];
    expect(dirname(grafanaMounts['./deploy/grafana/tasklane.json'])).toBe(provider.options.path);
    const datasources: Obj[] = yamlFile(join(ROOT, 'deploy/grafana/provisioning/datasources/tasklane.yml')).datasources;
    const prometheus = datasources.find((d) => d.type === 'prometheus')!;
    expect(prometheus.uid).toBe(JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/tasklane.json'), 'utf8')).templating.list.find((v: Obj) => v.name === 'datasource').current.value);
    expect(new URL(prometheus.url).host).toBe(`prometheus:${services.prometheus.ports[0].split(':')[1]}`);
    expect(new URL(datasources.find((d) => d.type === 'jaeger')!.url).hostname).toBe('jaeger');
  });

  it('the replicas carry OTEL_EXPORTER_OTLP_ENDPOINT; Jaeger receives OTLP at the documented address', () => {
    for (const api of apis) expect(Object.keys(services[api].environment)).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']));
    expect(services.jaeger.environment.COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(services.jaeger.image).toMatch(/^jaegertracing\/all-in-one:/);
    expect(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318');
  });
});
