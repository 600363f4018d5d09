import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The generated column's expression, exactly as the Task entity declares it (TypeORM compares them). */
const SEARCH_VECTOR = `setweight(to_tsvector('simple', coalesce("title", '')), 'A') || setweight(to_tsvector('simple', coalesce("description", '')), 'B')`;

/**
 * Full-text search on tasks: `search_vector`, a stored generated tsvector over title (weight A)
 * and description (weight B) with the 'simple' configuration (no stemming: prefix queries match
 * what was typed, in any language), and a GIN index on it.
 *
 * Adding a STORED generated column rewrites `tasks` under an ACCESS EXCLUSIVE lock (seconds per
 * million rows; see docs/operations.md). TypeORM keeps generated columns' expressions in
 * `typeorm_metadata` (to compare them with the entity); it is created here if missing, and the row
 * names the current database and schema rather than the one the migration was generated on.
 */
export class TaskSearch1796057328903 implements MigrationInterface {
  name = 'TaskSearch1796057328903';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tasks" ADD "search_vector" tsvector GENERATED ALWAYS AS (${SEARCH_VECTOR}) STORED NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_tasks_search_vector" ON "tasks" USING GIN ("search_vector")`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "typeorm_metadata" ("type" character varying NOT NULL, "database" character varying, "schema" character varying, "table" character varying, "name" character varying, "value" text)`,
    );
    await queryRunner.query(
      `INSERT INTO "typeorm_metadata" ("database", "schema", "table", "type", "name", "value") VALUES (current_database(), current_schema(), 'tasks', 'GENERATED_COLUMN', 'search_vector', $1)`,
      [SEARCH_VECTOR],
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "typeorm_metadata" WHERE "type" = 'GENERATED_COLUMN' AND "table" = 'tasks' AND "name" = 'search_vector' AND "schema" = current_schema()`);
    await queryRunner.query(`DROP INDEX "ix_tasks_search_vector"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "search_vector"`);
  }
}
