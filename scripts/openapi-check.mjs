// Checks that the exported document (scripts/openapi.mjs) is the one a running server serves:
// fetches <base>/docs-json and compares it with the file byte for byte after re-serialising the
// file compactly (the server sends JSON.stringify(document); the file is the same, pretty-printed).
//
//   node scripts/openapi-check.mjs http://127.0.0.1:3000 [file]     default file: dist/openapi.json
//
// Exits 0 when identical; otherwise 1, printing the first JSON paths that differ.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

const [base, fileArg] = process.argv.slice(2);
if (!base) {
  console.error('usage: node scripts/openapi-check.mjs <server base URL> [file]');
  process.exit(2);
}
const file = resolve(fileArg ?? resolve(import.meta.dirname, '..', 'dist/openapi.json'));
const exported = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));
const response = await fetch(new URL('/docs-json', base));
if (!response.ok) {
  console.error(`GET /docs-json: HTTP ${response.status}`);
  process.exit(1);
}
const served = await response.text();
if (served === exported) {
  console.log(`openapi-check: ${file} is byte-identical to ${base}/docs-json (${served.length} bytes)`);
  process.exit(0);
}

/** JSON paths (like `/paths/~1api~1v1~1boards/get`) where a and b differ, at most `max`. */
function differences(a, b, path = '', found = [], max = 20) {
  if (found.length >= max) return found;
  if (isDeepStrictEqual(a, b)) {
    // Same content, different key order: only the serialisation differs.
    if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${path || '/'} (key order)`);
    return found;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      differences(a[key], b[key], `${path}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`, found, max);
    }
    return found;
  }
  found.push(`${path || '/'}: served ${JSON.stringify(a)?.slice(0, 80)} ≠ exported ${JSON.stringify(b)?.slice(0, 80)}`);
  return found;
}
console.error(`openapi-check: ${file} differs from ${base}/docs-json:`);
for (const line of differences(JSON.parse(served), JSON.parse(exported))) console.error(`  ${line}`);
process.exit(1);
