import type { MigrationInterface, QueryRunner } from "typeorm";

/** `reminders_sent`: one row per due-date reminder sent (task, kind, due date), so a re-saved task is not reminded twice (reminders/reminder-sent.entity.ts). */

export class RemindersSent1796074245207 implements MigrationInterface {
    name = 'RemindersSent1796074245207'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "reminders_sent" (
                "task_id" uuid NOT NULL,
                "kind" text NOT NULL,
                "due_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "sent_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9b4c6b31c159e7f0963efaf498d" PRIMARY KEY ("task_id", "kind", "due_at")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "reminders_sent"
            ADD CONSTRAINT "FK_3d443bcf2c57f7b944618721b52" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reminders_sent" DROP CONSTRAINT "FK_3d443bcf2c57f7b944618721b52"
        `);
        await queryRunner.query(`
            DROP TABLE "reminders_sent"
        `);
    }

}
