import type { MigrationInterface, QueryRunner } from 'typeorm';

/** BRIN index serving retention's `occurred_at < cut-off` delete without scanning board_events. */
export class EventsOccurredAtBrin1795240000000 implements MigrationInterface {
  name = 'EventsOccurredAtBrin1795240000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_board_events_occurred_at_brin" ON "board_events" USING brin ("occurred_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_board_events_occurred_at_brin"`);
  }
}
