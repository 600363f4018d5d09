import type { MigrationInterface, QueryRunner } from "typeorm";

/** Initial schema: users, refresh tokens, boards, members, columns, tasks and the board event stream (outbox). */

export class Init1795238171360 implements MigrationInterface {
    name = 'Init1795238171360'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "users" (
                "id" uuid NOT NULL,
                "email" text NOT NULL,
                "name" text NOT NULL,
                "password_hash" text NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_users_email" ON "users" ("email")
        `);
        await queryRunner.query(`
            CREATE TABLE "boards" (
                "id" uuid NOT NULL,
                "name" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "seq" integer NOT NULL DEFAULT '0',
                "version" integer NOT NULL DEFAULT '1',
                "created_by" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "deleted_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_606923b0b068ef262dfdcd18f44" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "board_events" (
                "board_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "type" text NOT NULL,
                "actor_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "data" jsonb NOT NULL,
                "published_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_c595ef523ee8975ee631ed9c4dc" PRIMARY KEY ("board_id", "seq")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_board_events_unpublished" ON "board_events" ("occurred_at")
            WHERE "published_at" IS NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "columns" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "name" text NOT NULL,
                "position" text COLLATE "C" NOT NULL,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4ac339ccbbfed1dcd96812abbd5" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_columns_board_id_position" ON "columns" ("board_id", "position")
        `);
        await queryRunner.query(`
            CREATE TABLE "board_members" (
                "board_id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "role" text NOT NULL,
                "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "ck_board_members_role" CHECK ("role" IN ('owner', 'editor', 'viewer')),
                CONSTRAINT "PK_159415b4beacf33c9393cfe673c" PRIMARY KEY ("board_id", "user_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_board_members_user_id_board_id" ON "board_members" ("user_id", "board_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "refresh_tokens" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "token_hash" text NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_user_id" ON "refresh_tokens" ("user_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_refresh_tokens_token_hash" ON "refresh_tokens" ("token_hash")
        `);
        await queryRunner.query(`
            CREATE TABLE "tasks" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "column_id" uuid NOT NULL,
                "title" text NOT NULL,
                "description" text NOT NULL DEFAULT '',
                "position" text COLLATE "C" NOT NULL,
                "assignee_ids" uuid array NOT NULL DEFAULT '{}',
                "labels" text array NOT NULL DEFAULT '{}',
                "due_at" TIMESTAMP WITH TIME ZONE,
                "version" integer NOT NULL DEFAULT '1',
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" uuid NOT NULL,
                "updated_by" uuid NOT NULL,
                CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tasks_board_id_created_at_id" ON "tasks" ("board_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_tasks_column_id_position" ON "tasks" ("column_id", "position")
        `);
        // GIN serves `assignee_ids @> ARRAY[$1]` (filter by assignee); TypeORM cannot declare it.
        await queryRunner.query(`
            CREATE INDEX "ix_tasks_assignee_ids" ON "tasks" USING gin ("assignee_ids")
        `);
        await queryRunner.query(`
            ALTER TABLE "boards"
            ADD CONSTRAINT "FK_8156e1b3bd94cb1812a6d55375c" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE NO ACTION ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "board_events"
            ADD CONSTRAINT "FK_a0bf650fe81f3a94e3049efee04" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "columns"
            ADD CONSTRAINT "FK_3f88407849daf390e93035b15ef" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "board_members"
            ADD CONSTRAINT "FK_ca2c72a39c80199717012df3932" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "board_members"
            ADD CONSTRAINT "FK_a9989bac63c51805e59ce91a541" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD CONSTRAINT "FK_2680b7f3ecd70b05030ce6b4aef" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "tasks"
            ADD CONSTRAINT "FK_986f14173dba32448f3f3abb1c4" FOREIGN KEY ("column_id") REFERENCES "columns"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "tasks" DROP CONSTRAINT "FK_986f14173dba32448f3f3abb1c4"
        `);
        await queryRunner.query(`
            ALTER TABLE "tasks" DROP CONSTRAINT "FK_2680b7f3ecd70b05030ce6b4aef"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"
        `);
        await queryRunner.query(`
            ALTER TABLE "board_members" DROP CONSTRAINT "FK_a9989bac63c51805e59ce91a541"
        `);
        await queryRunner.query(`
            ALTER TABLE "board_members" DROP CONSTRAINT "FK_ca2c72a39c80199717012df3932"
        `);
        await queryRunner.query(`
            ALTER TABLE "columns" DROP CONSTRAINT "FK_3f88407849daf390e93035b15ef"
        `);
        await queryRunner.query(`
            ALTER TABLE "board_events" DROP CONSTRAINT "FK_a0bf650fe81f3a94e3049efee04"
        `);
        await queryRunner.query(`
            ALTER TABLE "boards" DROP CONSTRAINT "FK_8156e1b3bd94cb1812a6d55375c"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tasks_assignee_ids"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tasks_column_id_position"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_tasks_board_id_created_at_id"
        `);
        await queryRunner.query(`
            DROP TABLE "tasks"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_refresh_tokens_token_hash"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_user_id"
        `);
        await queryRunner.query(`
            DROP TABLE "refresh_tokens"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_board_members_user_id_board_id"
        `);
        await queryRunner.query(`
            DROP TABLE "board_members"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_columns_board_id_position"
        `);
        await queryRunner.query(`
            DROP TABLE "columns"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_board_events_unpublished"
        `);
        await queryRunner.query(`
            DROP TABLE "board_events"
        `);
        await queryRunner.query(`
            DROP TABLE "boards"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ux_users_email"
        `);
        await queryRunner.query(`
            DROP TABLE "users"
        `);
    }

}
