import type { MigrationInterface, QueryRunner } from "typeorm";

/** `email_preferences`: muted notification kinds and the unsubscribe token of each user (emails/email-preferences.entity.ts). */

export class EmailPreferences1796059394317 implements MigrationInterface {
    name = 'EmailPreferences1796059394317'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "email_preferences" (
                "user_id" uuid NOT NULL,
                "muted_kinds" text array NOT NULL DEFAULT '{}',
                "unsubscribe_token" uuid NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_ebb6dfd3eed7110ef94685bc01a" UNIQUE ("unsubscribe_token"),
                CONSTRAINT "PK_f19292146419a50d1e9d8c80b54" PRIMARY KEY ("user_id")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "email_preferences"
            ADD CONSTRAINT "FK_f19292146419a50d1e9d8c80b54" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "email_preferences" DROP CONSTRAINT "FK_f19292146419a50d1e9d8c80b54"
        `);
        await queryRunner.query(`
            DROP TABLE "email_preferences"
        `);
    }

}
