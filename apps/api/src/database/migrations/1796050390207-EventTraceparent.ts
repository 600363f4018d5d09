import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `board_events.traceparent`: the W3C trace context of the write that caused the event (NULL when
 * tracing is off), so the replicas that emit it continue the write's trace. Nullable and without
 * a default: adding it rewrites nothing, and the running version ignores it.
 */
export class EventTraceparent1796050390207 implements MigrationInterface {
  name = 'EventTraceparent1796050390207';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "board_events" ADD "traceparent" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "board_events" DROP COLUMN "traceparent"`);
  }
}
