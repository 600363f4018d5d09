import type { MigrationInterface, QueryRunner } from "typeorm";

/** `board_imports`: uploaded board files waiting for, or done with, their import job (transfer/board-import.entity.ts). */

export class BoardImports1796058096172 implements MigrationInterface {
    name = 'BoardImports1796058096172'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "board_imports" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "source" text NOT NULL,
                "status" text NOT NULL DEFAULT 'queued',
                "plan" jsonb,
                "column_count" integer NOT NULL,
                "task_count" integer NOT NULL,
                "skipped" jsonb NOT NULL DEFAULT '{}',
                "board_id" uuid,
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "finished_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_4ec410052e8d9776520a6314a88" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_board_imports_user" ON "board_imports" ("user_id", "created_at")
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_board_imports_user"
        `);
        await queryRunner.query(`
            DROP TABLE "board_imports"
        `);
    }

}
