import type { MigrationInterface, QueryRunner } from "typeorm";

/** The indexes of retention's deletes by age (RetentionService.pruneOnce runs every minute): without them each pass read the whole of `notifications`, `webhook_deliveries`, `boards`, `auth_sessions` and `refresh_tokens`. Built inside the migration's transaction (each blocks writes to its table while it runs); on large tables create them by hand first with CONCURRENTLY under the same names (docs/operations.md). */

export class RetentionIndexes1796349966914 implements MigrationInterface {
    name = 'RetentionIndexes1796349966914'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_auth_sessions_expires_at" ON "auth_sessions" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_auth_sessions_revoked_at" ON "auth_sessions" ("revoked_at")
            WHERE "revoked_at" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_refresh_tokens_expires_at" ON "refresh_tokens" ("expires_at")
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_boards_deleted_at" ON "boards" ("deleted_at")
            WHERE "deleted_at" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_notifications_read_at" ON "notifications" ("read_at")
            WHERE "read_at" IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_notifications_created_at" ON "notifications" ("created_at")
        `);
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_webhook_deliveries_finished_created_at" ON "webhook_deliveries" ("created_at")
            WHERE "status" <> 'pending'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_finished_created_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_created_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_notifications_read_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_boards_deleted_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_expires_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_auth_sessions_revoked_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_auth_sessions_expires_at"
        `);
    }

}
