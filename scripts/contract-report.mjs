// Runs the e2e suites with every HTTP response checked against the OpenAPI document and prints
// the mismatches grouped by route and status: what the API owners need to fix in the decorators
// (or the code). The suites themselves are untouched (apps/api/test/support/contract-recorder.ts
// wraps supertest and fetch). Needs PostgreSQL and Redis, like `npm run test:e2e`.
//
//   node scripts/contract-report.mjs [jest args...]     e.g. apps/api/test/tasks.e2e-spec.ts
//   node scripts/contract-report.mjs --from <file.jsonl>  report on an earlier run's records
//
// Exits 1 when any response mismatches, 0 otherwise; the jest run's own failures are reported
// but do not decide the exit code (a failing test still says something about the contract).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const documentFile = resolve(root, 'dist/openapi.json');
let file;
if (args[0] === '--from') {
  file = resolve(args[1]);
} else {
  file = join(mkdtempSync(join(tmpdir(), 'tasklane-contract-')), 'responses.jsonl');
  execFileSync('npm', ['run', 'openapi', '--silent'], { cwd: root, stdio: 'inherit' });
  const jest = spawnSync(resolve(root, 'node_modules/.bin/jest'), ['--config', 'apps/api/test/support/jest.contract.config.mjs', ...args], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CONTRACT_REPORT_FILE: file, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim() },
  });
  console.log(`\njest exited ${jest.status}; records in ${file}\n`);
}

const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const recorderErrors = lines.filter((l) => l.recorderError);
const proxied = lines.filter((l) => !l.recorderError && l.fromApi === false);
const records = lines.filter((l) => !l.recorderError && l.fromApi !== false);

/** route → status → { count, bad, problems: Map<message, {count, example test}> } */
const byRoute = new Map();
for (const r of records) {
  const statuses = byRoute.get(r.route) ?? new Map();
  byRoute.set(r.route, statuses);
  const entry = statuses.get(r.status) ?? { count: 0, bad: 0, problems: new Map() };
  statuses.set(r.status, entry);
  entry.count += 1;
  const problems = [...r.errors, ...r.undocumentedFields.map((e) => `${e} [closed-schema check]`)];
  if (r.errors.length) entry.bad += 1;
  for (const raw of problems) {
    // The route and status are the group's heading; keep the rest of the sentence.
    // The route and status are the group's heading; keep the rest of the sentence, with array
    // indices folded (body/items/17/x → body/items/*/x) so one schema gap is one line.
    const message = raw.replace(/^[A-Z]+ \S+( \d{3})?: /, '').replace(/\/\d+(?=[/ ])/g, '/*');
    const p = entry.problems.get(message) ?? { count: 0, example: `${r.suite} › ${r.test}` };
    p.count += 1;
    entry.problems.set(message, p);
  }
}

let mismatched = 0;
const routes = [...byRoute.keys()].sort((a, b) => a.split(' ')[1].localeCompare(b.split(' ')[1]) || a.localeCompare(b));
console.log(`# Responses checked against the OpenAPI document: ${records.length} (${routes.length} routes)\n`);
for (const route of routes) {
  const statuses = byRoute.get(route);
  const withProblems = [...statuses].filter(([, e]) => e.problems.size > 0).sort(([a], [b]) => a - b);
  const clean = [...statuses].filter(([, e]) => e.problems.size === 0).map(([s, e]) => `${s} ×${e.count}`);
  if (!withProblems.length) {
    console.log(`${route}: ok (${clean.join(', ')})`);
    continue;
  }
  console.log(`\n## ${route}${clean.length ? `   (ok: ${clean.join(', ')})` : ''}`);
  for (const [status, e] of withProblems) {
    mismatched += e.bad;
    console.log(`- ${status} (${e.bad}/${e.count} responses mismatch)`);
    for (const [message, p] of e.problems) console.log(`    - ${message} ×${p.count}   e.g. ${p.example}`);
  }
}
if (proxied.length) {
  const counts = new Map();
  for (const l of proxied) counts.set(`${l.route} ${l.status}`, (counts.get(`${l.route} ${l.status}`) ?? 0) + 1);
  const list = [...counts].map(([k, n]) => `${k} ×${n}`);
  console.log(`\nNot from the API (no X-Request-Id: a proxy answered), not checked: ${list.join(', ')}`);
}
// Documented (operation, status) pairs no suite produced: where the e2e suites say nothing
// about the contract.
const document = JSON.parse(readFileSync(documentFile, 'utf8'));
const unseen = [];
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    const statuses = byRoute.get(`${method.toUpperCase()} ${path}`);
    const missing = Object.keys(operation.responses ?? {}).filter((s) => !statuses?.has(Number(s)));
    if (missing.length) unseen.push(`${method.toUpperCase()} ${path}: ${missing.join(', ')}`);
  }
}
if (unseen.length) console.log(`\nDocumented but never answered in the suites:\n${unseen.map((u) => `  ${u}`).join('\n')}`);
if (recorderErrors.length) console.log(`\n${recorderErrors.length} responses could not be checked:`, recorderErrors.slice(0, 5));
console.log(`\n${mismatched} of ${records.length} responses mismatch the document.`);
process.exitCode = mismatched > 0 ? 1 : 0;
