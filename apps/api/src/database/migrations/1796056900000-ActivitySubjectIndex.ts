import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activity reads (`GET …/activity`, `…/tasks/:taskId/activity`) look up, per event, the previous
 * event about the same subject (task, column or member id), and list one task's events: an
 * expression index on (board_id, subject, seq), subject = coalesce(data->>'id', data->>'userId'),
 * and a partial one on (board_id, data->>'taskId', seq) for a task's comment and checklist events.
 * One more index entry per event write. Built without CONCURRENTLY: TypeORM runs migrations in a
 * transaction; on a large stream run it by hand with CONCURRENTLY first (docs/operations.md).
 */
export class ActivitySubjectIndex1796056900000 implements MigrationInterface {
  name = 'ActivitySubjectIndex1796056900000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "ix_board_events_subject" ON "board_events" ("board_id", (coalesce("data"->>'id', "data"->>'userId')), "seq")`);
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "ix_board_events_task" ON "board_events" ("board_id", ("data"->>'taskId'), "seq") WHERE "data" ? 'taskId'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_board_events_task"`);
    await queryRunner.query(`DROP INDEX "ix_board_events_subject"`);
  }
}
