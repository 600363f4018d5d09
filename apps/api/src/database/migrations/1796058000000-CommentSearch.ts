import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The generated column's expression, exactly as the Comment entity declares it (TypeORM compares them). */
const SEARCH_VECTOR = `to_tsvector('simple', "body")`;

/**
 * Comments in search: `comments.search_vector`, a stored generated tsvector of the body ('simple',
 * like tasks'), and a GIN index, so GET /search finds a task by a word of one of its comments.
 * A table rewrite of `comments` (see TaskSearch for the lock and typeorm_metadata).
 */
export class CommentSearch1796058000000 implements MigrationInterface {
  name = 'CommentSearch1796058000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "comments" ADD "search_vector" tsvector GENERATED ALWAYS AS (${SEARCH_VECTOR}) STORED NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_comments_search_vector" ON "comments" USING GIN ("search_vector")`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" character varying NOT NULL, "database" character varying, "schema" character varying, "table" character varying, "name" character varying, "value" text)`,
    );
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'comments', 'GENERATED_COLUMN', 'search_vector', $1)`,
      [SEARCH_VECTOR],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'comments' AND "name" = 'search_vector' AND "schema" = current_schema()`);
    await queryRunner.query(`DROP INDEX "ix_comments_search_vector"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP COLUMN "search_vector"`);
  }
}
