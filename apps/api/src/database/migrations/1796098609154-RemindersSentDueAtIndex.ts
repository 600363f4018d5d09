import type { MigrationInterface, QueryRunner } from "typeorm";

/** `reminders_sent (due_at)`: every retention pass deletes the rows 15 days past their due date (RemindersService.prune) without reading the whole table. Built inside the migration's transaction (it blocks reminder inserts while it runs); on a large table create it by hand first with CONCURRENTLY under the same name (docs/operations.md). */

export class RemindersSentDueAtIndex1796098609154 implements MigrationInterface {
    name = 'RemindersSentDueAtIndex1796098609154'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX IF NOT EXISTS "ix_reminders_sent_due_at" ON "reminders_sent" ("due_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_reminders_sent_due_at"
        `);
    }

}
