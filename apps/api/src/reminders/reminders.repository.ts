import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '../database/prepared.js';

/** `reminders_sent`: every statement of the reminders. */
@Injectable()
export class RemindersRepository {
  /**
   * Records, inside `tx`, that the `kind` reminder of `taskId` for `dueAt` (ISO-8601) is sent.
   * Returns false when it was recorded before (by a committed transaction, or one that commits
   * while this waits on its row): the caller then sends nothing.
   */
  async markSent(tx: EntityManager, taskId: string, kind: 'due_soon' | 'overdue', dueAt: string): Promise<boolean> {
    const { rowCount } = await runPrepared(tx, `INSERT INTO reminders_sent (task_id, kind, due_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [taskId, kind, dueAt]);
    return rowCount === 1;
  }

  /** Deletes the rows whose `due_at` is more than `ageSeconds` ago (index ix_reminders_sent_due_at); returns how many. */
  async prune(tx: EntityManager, ageSeconds: number): Promise<number> {
    const { rowCount } = await runPrepared(tx, `DELETE FROM reminders_sent WHERE due_at < now() - make_interval(secs => $1)`, [ageSeconds]);
    return rowCount;
  }
}
