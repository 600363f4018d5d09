import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A board's stream head moves from `boards.seq` to its own table, `board_streams`, owned by the
 * events module (the row every write locks). Also: memberships of deleted boards go (a deleted
 * board has no members from now on), and `idempotency_keys.status_code`, which no replay read, goes.
 */
export class BoardStreams1796044238500 implements MigrationInterface {
  name = 'BoardStreams1796044238500';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "board_streams" (
                "board_id" uuid NOT NULL,
                "seq" integer NOT NULL DEFAULT '0',
                CONSTRAINT "PK_cddc25e7b8697449a9e8e671c04" PRIMARY KEY ("board_id")
            )
        `);
    await queryRunner.query(`INSERT INTO "board_streams" ("board_id", "seq") SELECT "id", "seq" FROM "boards"`);
    await queryRunner.query(`
            ALTER TABLE "board_streams"
            ADD CONSTRAINT "FK_cddc25e7b8697449a9e8e671c04" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`ALTER TABLE "boards" DROP COLUMN "seq"`);
    await queryRunner.query(`DELETE FROM "board_members" m USING "boards" b WHERE b."id" = m."board_id" AND b."deleted_at" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "status_code"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD "status_code" integer NOT NULL DEFAULT 200`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ALTER COLUMN "status_code" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "boards" ADD "seq" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`UPDATE "boards" b SET "seq" = s."seq" FROM "board_streams" s WHERE s."board_id" = b."id"`);
    await queryRunner.query(`ALTER TABLE "board_streams" DROP CONSTRAINT "FK_cddc25e7b8697449a9e8e671c04"`);
    await queryRunner.query(`DROP TABLE "board_streams"`);
  }
}
