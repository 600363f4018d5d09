import type { MigrationInterface, QueryRunner } from "typeorm";

/** Webhooks of a board and their delivery log (webhooks/*.entity.ts): two new tables, nothing rewritten. */

export class Webhooks1796056925629 implements MigrationInterface {
    name = 'Webhooks1796056925629'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "position" BIGSERIAL NOT NULL,
                "webhook_id" uuid NOT NULL,
                "seq" integer,
                "event_type" text NOT NULL,
                "body" text NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT '0',
                "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_attempt_at" TIMESTAMP WITH TIME ZONE,
                "response_code" integer,
                "duration_ms" integer,
                "error" text,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_log" ON "webhook_deliveries" ("webhook_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhook_deliveries_pending" ON "webhook_deliveries" ("webhook_id", "position")
            WHERE "status" = 'pending'
        `);
        await queryRunner.query(`
            CREATE TABLE "webhooks" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "url" text NOT NULL,
                "events" text array NOT NULL,
                "secret" text NOT NULL,
                "enabled" boolean NOT NULL DEFAULT true,
                "consecutive_failures" integer NOT NULL DEFAULT '0',
                "disabled_reason" text,
                "created_by" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_9e8795cfc899ab7bdaa831e8527" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_webhooks_board" ON "webhooks" ("board_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries"
            ADD CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "webhooks"
            ADD CONSTRAINT "FK_3e1227603d1f88fa3c5415e3cd5" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "webhooks" DROP CONSTRAINT "FK_3e1227603d1f88fa3c5415e3cd5"
        `);
        await queryRunner.query(`
            ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_a0286aeb96db651efd1ae2966f2"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhooks_board"
        `);
        await queryRunner.query(`
            DROP TABLE "webhooks"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_pending"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_webhook_deliveries_log"
        `);
        await queryRunner.query(`
            DROP TABLE "webhook_deliveries"
        `);
    }

}
