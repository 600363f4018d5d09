import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications of kind `webhook_disabled` (a board's webhook turned off after 50 consecutive failed
 * deliveries, told to the board's owners). Written by hand: TypeORM's generator does not see a
 * changed CHECK expression.
 */
export class NotificationKindWebhookDisabled1796058200000 implements MigrationInterface {
  name = 'NotificationKindWebhookDisabled1796058200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "ck_notifications_kind"`);
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "ck_notifications_kind" CHECK ("kind" IN ('assigned', 'mentioned', 'commented', 'invited', 'due_soon', 'overdue', 'webhook_disabled'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "notifications" WHERE "kind" = 'webhook_disabled'`);
    await queryRunner.query(`ALTER TABLE "notifications" DROP CONSTRAINT "ck_notifications_kind"`);
    await queryRunner.query(`ALTER TABLE "notifications" ADD CONSTRAINT "ck_notifications_kind" CHECK ("kind" IN ('assigned', 'mentioned', 'commented', 'invited', 'due_soon', 'overdue'))`);
  }
}
