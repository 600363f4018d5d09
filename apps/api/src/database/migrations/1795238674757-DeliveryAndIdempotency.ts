import type { MigrationInterface, QueryRunner } from "typeorm";

/** Idempotency keys (per user, pruned after 24 h) and the key echoed on board events. */

export class DeliveryAndIdempotency1795238674757 implements MigrationInterface {
    name = 'DeliveryAndIdempotency1795238674757'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "user_id" uuid NOT NULL,
                "key" text NOT NULL,
                "request_hash" text NOT NULL,
                "status_code" integer NOT NULL,
                "response" jsonb,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_392b1af86f210d98d3f0c764728" PRIMARY KEY ("user_id", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "board_events"
            ADD "idempotency_key" text
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "board_events" DROP COLUMN "idempotency_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_keys_created_at"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
    }

}
