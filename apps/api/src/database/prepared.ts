import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

/** The part of node-postgres' Client used here. */
interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/** Rows and affected-row count of a statement. */
export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

const names = new Map<string, string>();
const labels = new Map<string, string>();

/** Receives each statement's short name (statementLabel) and duration in seconds. */
export type QueryObserver = (statement: string, seconds: number) => void;
/** Observers by DataSource: each app in a process (the e2e suites run two) measures its own statements. */
const observers = new WeakMap<DataSource, QueryObserver>();

/** Sets the observer of every runPrepared statement on `dataSource` (the metrics; null: none). */
export function observeQueries(dataSource: DataSource, observer: QueryObserver | null): void {
  if (observer) observers.set(dataSource, observer);
  else observers.delete(dataSource);
}

/**
 * A short, bounded name for a statement, for metrics: its verb and first table, e.g.
 * `select board_streams`, `insert board_events` (also for `WITH … INSERT INTO board_events`, named
 * after the last INSERT or DELETE of a statement with CTEs),
 * `update tasks`, `select board_streams for update`; or the name a leading comment gives, e.g.
 * `/* select board_events *\/ SELECT … FROM board_streams … LATERAL (… board_events …)` for a read
 * whose first table is not what it is about (lower-case words only).
 * Never the SQL text itself, never a value.
 */
export function statementLabel(text: string): string {
  let label = labels.get(text);
  if (!label) {
    const named = /^\s*\/\*\s*([a-z_]+(?: [a-z_]+)*)\s*\*\//.exec(text)?.[1];
    if (named) {
      labels.set(text, named);
      return named;
    }
    const sql = text.replace(/\s+/g, ' ').trim();
    let verb = (/^\w+/.exec(sql)?.[0] ?? 'sql').toLowerCase();
    let body = sql;
    if (verb === 'with') {
      // A statement with CTEs is named after what it writes: its last INSERT or DELETE, if any
      // (the main statement comes after the CTEs, e.g. the event's INSERT after the key's).
      const writes = [...sql.matchAll(/\b(insert\s+into|delete\s+from)\s+\w+/gi)];
      const main = writes.at(-1);
      if (main) {
        body = sql.slice(main.index);
        verb = main[1].split(/\s/)[0].toLowerCase();
      }
    }
    const table =
      verb === 'insert' ? /\binto\s+(\w+)/i.exec(body)?.[1] : verb === 'update' ? /^update\s+(\w+)/i.exec(body)?.[1] : /\bfrom\s+(\w+)/i.exec(body)?.[1];
    label = `${verb}${table ? ` ${table.toLowerCase()}` : ''}${/\bfor update\b/i.test(sql) ? ' for update' : ''}`;
    labels.set(text, label);
  }
  return label;
}

/** A stable statement name per SQL text (node-postgres prepares a name once per connection). */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `tl_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * The one way repositories run SQL: `text` as a named prepared statement (node-postgres
 * `{ name, text, values }`), so each connection parses and plans it once and later executions only
 * bind and run (measured on this machine: 220 → 120 µs per statement of the write path). Rows come
 * back as node-postgres returns them (snake_case columns); each repository maps them with its own
 * mapper. Inside a transaction it runs on the transaction's connection (`tx.queryRunner`);
 * otherwise on a pooled one, released after.
 *
 * `text` must come from a bounded set of fragments (a list query's optional filters), never from
 * values: every distinct text becomes one prepared statement per connection. Values always go
 * through `$n` parameters. Each statement's duration (from the connection being held to the rows,
 * errors not counted) goes to the observer set with observeQueries, under statementLabel(text).
 * @throws node-postgres' own errors (`code` = SQLSTATE), mapped to HTTP by AppExceptionFilter.
 */
export async function runPrepared<T>(manager: EntityManager, text: string, values: unknown[] = []): Promise<SqlResult<T>> {
  const owned = manager.queryRunner === undefined;
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const client = (await runner.connect()) as PgClient;
    const observer = observers.get(manager.connection);
    const started = observer ? performance.now() : 0;
    const res = await client.query({ name: statementName(text), text, values });
    observer?.(statementLabel(text), (performance.now() - started) / 1000);
    return { rows: res.rows as T[], rowCount: res.rowCount ?? 0 };
  } finally {
    if (owned) await runner.release();
  }
}
