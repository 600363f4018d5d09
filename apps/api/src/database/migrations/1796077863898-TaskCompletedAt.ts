import type { MigrationInterface, QueryRunner } from "typeorm";

/** `tasks.completed_at`: when a task was marked done (null while open); a done task gets no due-date reminders. Nullable, no default: instant on a large table. */

export class TaskCompletedAt1796077863898 implements MigrationInterface {
    name = 'TaskCompletedAt1796077863898'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "completed_at" TIMESTAMP WITH TIME ZONE
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tasks" DROP COLUMN "completed_at"
        `);
    }

}
