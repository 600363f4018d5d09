import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: `notifications` (one row per user and seq; PK (user_id, seq) serves the list and
 * catch-up, the partial index the unread count) and `notification_streams` (each user's last seq,
 * the row a write locks to number a new notification). New tables only: nothing existing is
 * rewritten, and the running version ignores them.
 */
export class Notifications1796057008431 implements MigrationInterface {
    name = 'Notifications1796057008431'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "notifications" (
                "user_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "id" uuid NOT NULL,
                "kind" text NOT NULL,
                "board_id" uuid NOT NULL,
                "task_id" uuid,
                "comment_id" uuid,
                "actor_id" uuid NOT NULL,
                "board_seq" integer NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "read_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "ck_notifications_kind" CHECK (
                    "kind" IN (
                        'assigned',
                        'mentioned',
                        'commented',
                        'invited',
                        'due_soon',
                        'overdue'
                    )
                ),
                CONSTRAINT "PK_4a8575f66acbfeed858805d4cec" PRIMARY KEY ("user_id", "seq")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_notifications_user_id_unread" ON "notifications" ("user_id")
            WHERE "read_at" IS NULL
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_notifications_id" ON "notifications" ("id")
        `);
        await queryRunner.query(`
            CREATE TABLE "notification_streams" (
                "user_id" uuid NOT NULL,
                "seq" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_d423495583e5f258a587e7aba60" PRIMARY KEY ("user_id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "FK_9a8a82462cab47c73d25f49261f" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications"
            ADD CONSTRAINT "FK_e7762649a7a7d31e6448940eefb" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "notification_streams"
            ADD CONSTRAINT "FK_d423495583e5f258a587e7aba60" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "notification_streams" DROP CONSTRAINT "FK_d423495583e5f258a587e7aba60"
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications" DROP CONSTRAINT "FK_e7762649a7a7d31e6448940eefb"
        `);
        await queryRunner.query(`
            ALTER TABLE "notifications" DROP CONSTRAINT "FK_9a8a82462cab47c73d25f49261f"
        `);
        await queryRunner.query(`
            DROP TABLE "notification_streams"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_notifications_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_user_id_unread"
        `);
        await queryRunner.query(`
            DROP TABLE "notifications"
        `);
    }

}
