// What the benchmark scripts (bench, profile:writes) read while the load tool runs: which of its
// progress lines belong to the measured phase, a replica's statement counters and its group-commit
// counters.

/**
 * Whether `line` is one of the load tool's measured-phase progress lines
 * (`[  12s measure] writes 200/s | …`, apps/loadtest/src/metrics.ts); the first and the last one
 * bound the measured phase.
 * @param {string} line one line of the tool's stderr
 * @returns {boolean}
 */
export const isMeasureLine = (line) => /^\[ *\d+s measure/.test(line);

/**
 * A replica's group-commit counters in its /metrics text (Prometheus exposition):
 * `tasklane_group_commit_writes` histogram's sum (writes committed) and count (transactions, one
 * BEGIN and one COMMIT each); 0 for a counter that is missing.
 * @param {string} text the body of GET /metrics
 * @returns {{ writes: number, batches: number }}
 */
export function groupCommitCounts(text) {
  const read = (suffix) => Number(new RegExp(`^tasklane_group_commit_writes_${suffix}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { writes: read('sum'), batches: read('count') };
}

/**
 * A replica's SQL statement counters in its /metrics text: statement label → count, from
 * `tasklane_db_query_duration_seconds_count{…statement="<label>"…}`.
 * @param {string} text the body of GET /metrics
 * @returns {Map<string, number>}
 */
export function statementCountsIn(text) {
  const counts = new Map();
  for (const m of text.matchAll(/^tasklane_db_query_duration_seconds_count\{[^}]*statement="([^"]+)"[^}]*\} (\d+)/gm)) counts.set(m[1], Number(m[2]));
  return counts;
}
