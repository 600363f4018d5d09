import type { MigrationInterface, QueryRunner } from "typeorm";

/** `email_recipients`: addresses without an account that get invitation emails, with their unsubscribe secret (emails/email-recipient.entity.ts). */

export class EmailRecipients1796074525248 implements MigrationInterface {
    name = 'EmailRecipients1796074525248'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "email_recipients" (
                "email" text NOT NULL,
                "unsubscribe_token" uuid NOT NULL,
                "suppressed_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "UQ_c108e79e4bb95881576f0ef7cc1" UNIQUE ("unsubscribe_token"),
                CONSTRAINT "PK_dac2aa2a44ee47f8062e250ab44" PRIMARY KEY ("email")
            )
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP TABLE "email_recipients"
        `);
    }

}
