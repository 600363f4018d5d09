import type { MigrationInterface, QueryRunner } from "typeorm";

/** `board_imports.processed`: tasks an import job has written so far, pushed as `import:progress` and shown by `GET /imports/:id`. */

export class BoardImportProgress1796073999179 implements MigrationInterface {
    name = 'BoardImportProgress1796073999179'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "board_imports"
            ADD "processed" integer NOT NULL DEFAULT '0'
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "board_imports" DROP COLUMN "processed"
        `);
    }

}
