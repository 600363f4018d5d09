import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The palette free-text labels get their colors from when they become board labels: the i-th
 * distinct name of a board (by lower-cased name, then name) takes LABEL_PALETTE[i mod 10], so the
 * migration gives the same colors on every run. Also the web app's choices for a new label.
 */
export const LABEL_PALETTE = ['#e5484d', '#f76b15', '#ffc53d', '#46a758', '#12a594', '#0090ff', '#3e63dd', '#8e4ec6', '#d6409f', '#8d8d8d'] as const;

/**
 * Comments, checklists, board labels and archive (issue 10):
 * - `comments` and `checklist_items`, deleted with their task; tasks keep `comment_count`,
 *   `checklist_done` and `checklist_total` so a board snapshot does not count rows;
 * - `board_labels` (unique name per board ignoring case), and `tasks.label_ids` replacing the
 *   free-text `tasks.labels`: every distinct name (ignoring case; the smallest spelling wins) of a
 *   board becomes one label with a palette color, and each task refers to its labels' ids in the
 *   order it listed the names. `tasks.labels` stays for one release (replicas of the previous
 *   release still read and write it during a rolling deploy: docs/operations.md); the next
 *   release converts what they wrote meanwhile, the same way, and drops it;
 * - `archived_at` on tasks and columns, with partial indexes for the board's archive list.
 * `down` turns labels back into names (colors are lost).
 */
export class CollaborationContent1796056647502 implements MigrationInterface {
  name = 'CollaborationContent1796056647502';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "checklist_items" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "task_id" uuid NOT NULL,
                "text" text NOT NULL,
                "done" boolean NOT NULL DEFAULT false,
                "position" text COLLATE "C" NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_bae00945a1d4789bd648e583e29" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_checklist_items_task_id_position" ON "checklist_items" ("task_id", "position")
        `);
    await queryRunner.query(`
            CREATE TABLE "comments" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "task_id" uuid NOT NULL,
                "author_id" uuid NOT NULL,
                "body" text NOT NULL,
                "mention_ids" uuid array NOT NULL DEFAULT '{}',
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_8bf68bc960f2b69e818bdb90dcb" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_comments_task_id_created_at_id" ON "comments" ("task_id", "created_at", "id")
        `);
    await queryRunner.query(`
            CREATE TABLE "board_labels" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "name" text NOT NULL,
                "color" text NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_36094a1a363f814a02ecccbf628" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_board_labels_board_id_lower_name" ON "board_labels" ("board_id", lower("name"))`);
    await queryRunner.query(`
            ALTER TABLE "columns"
            ADD "archived_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "label_ids" uuid array NOT NULL DEFAULT '{}'
        `);
    // Free-text labels → board labels. gen_random_uuid() is core since PostgreSQL 13.
    await queryRunner.query(
      `INSERT INTO board_labels (id, board_id, name, color)
       SELECT gen_random_uuid(), board_id, name, ($1::text[])[((row_number() OVER (PARTITION BY board_id ORDER BY lower(name), name) - 1) % $2) + 1]
         FROM (SELECT t.board_id, min(l.name COLLATE "C") AS name
                 FROM tasks t CROSS JOIN LATERAL unnest(t.labels) AS l(name)
                WHERE btrim(l.name) <> ''
                GROUP BY t.board_id, lower(l.name)) names`,
      [LABEL_PALETTE, LABEL_PALETTE.length],
    );
    await queryRunner.query(`
            UPDATE tasks t SET label_ids = ids.label_ids
              FROM (SELECT t2.id, array_agg(bl.id ORDER BY first.ord) AS label_ids
                      FROM tasks t2
                      CROSS JOIN LATERAL (SELECT lower(name) AS lname, min(ord) AS ord FROM unnest(t2.labels) WITH ORDINALITY AS l(name, ord) GROUP BY lower(name)) first
                      JOIN board_labels bl ON bl.board_id = t2.board_id AND lower(bl.name) = first.lname
                     GROUP BY t2.id) ids
             WHERE t.id = ids.id
        `);
    await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "archived_at" TIMESTAMP WITH TIME ZONE
        `);
    await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "comment_count" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "checklist_done" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD "checklist_total" integer NOT NULL DEFAULT '0'
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_tasks_board_id_archived_at_id" ON "tasks" ("board_id", "archived_at", "id")
            WHERE "archived_at" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_columns_board_id_archived_at_id" ON "columns" ("board_id", "archived_at", "id")
            WHERE "archived_at" IS NOT NULL
        `);
    await queryRunner.query(`
            ALTER TABLE "checklist_items"
            ADD CONSTRAINT "FK_e5add8bec8b0ded3c68289424e2" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "checklist_items"
            ADD CONSTRAINT "FK_ddce58fe3b634074f0eb8168d43" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "comments"
            ADD CONSTRAINT "FK_706cd9416275b3556f2e5850d64" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "comments"
            ADD CONSTRAINT "FK_18c2493067c11f44efb35ca0e03" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "board_labels"
            ADD CONSTRAINT "FK_7bdd2a6caa8bb52d6ec59268857" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "board_labels" DROP CONSTRAINT "FK_7bdd2a6caa8bb52d6ec59268857"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_18c2493067c11f44efb35ca0e03"`);
    await queryRunner.query(`ALTER TABLE "comments" DROP CONSTRAINT "FK_706cd9416275b3556f2e5850d64"`);
    await queryRunner.query(`ALTER TABLE "checklist_items" DROP CONSTRAINT "FK_ddce58fe3b634074f0eb8168d43"`);
    await queryRunner.query(`ALTER TABLE "checklist_items" DROP CONSTRAINT "FK_e5add8bec8b0ded3c68289424e2"`);
    await queryRunner.query(`DROP INDEX "public"."ix_columns_board_id_archived_at_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_tasks_board_id_archived_at_id"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "checklist_total"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "checklist_done"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "comment_count"`);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "archived_at"`);
    await queryRunner.query(`
            UPDATE tasks t SET labels = names.labels
              FROM (SELECT t2.id, array_agg(bl.name ORDER BY l.ord) AS labels
                      FROM tasks t2 CROSS JOIN LATERAL unnest(t2.label_ids) WITH ORDINALITY AS l(id, ord)
                      JOIN board_labels bl ON bl.id = l.id
                     GROUP BY t2.id) names
             WHERE t.id = names.id
        `);
    await queryRunner.query(`ALTER TABLE "tasks" DROP COLUMN "label_ids"`);
    await queryRunner.query(`ALTER TABLE "columns" DROP COLUMN "archived_at"`);
    await queryRunner.query(`DROP INDEX "public"."ux_board_labels_board_id_lower_name"`);
    await queryRunner.query(`DROP TABLE "board_labels"`);
    await queryRunner.query(`DROP INDEX "public"."ix_comments_task_id_created_at_id"`);
    await queryRunner.query(`DROP TABLE "comments"`);
    await queryRunner.query(`DROP INDEX "public"."ix_checklist_items_task_id_position"`);
    await queryRunner.query(`DROP TABLE "checklist_items"`);
  }
}
