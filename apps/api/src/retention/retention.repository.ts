import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** Retention's election (a transaction-scoped advisory lock, no table) and its statements' time limit. */
@Injectable()
export class RetentionRepository {
  /** True when this transaction now holds the retention lock (released at its end); false when another replica holds it. */
  async tryElect(tx: EntityManager): Promise<boolean> {
    const { rows } = await runPrepared<{ locked: boolean }>(tx, `SELECT pg_try_advisory_xact_lock(hashtext('tasklane:retention')) AS locked`);
    return rows[0].locked;
  }

  /** Lets each statement of this transaction run up to `ms` (SET LOCAL statement_timeout: back to the pool's at its end). */
  async allowStatementsOf(tx: EntityManager, ms: number): Promise<void> {
    await runPrepared(tx, `SELECT set_config('statement_timeout', $1, true)`, [String(ms)]);
  }
}
