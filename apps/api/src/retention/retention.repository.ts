import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** Retention's election: a transaction-scoped advisory lock (no table). */
@Injectable()
export class RetentionRepository {
  /** True when this transaction now holds the retention lock (released at its end); false when another replica holds it. */
  async tryElect(tx: EntityManager): Promise<boolean> {
    const { rows } = await runPrepared<{ locked: boolean }>(tx, `SELECT pg_try_advisory_xact_lock(hashtext('tasklane:retention')) AS locked`);
    return rows[0].locked;
  }
}
