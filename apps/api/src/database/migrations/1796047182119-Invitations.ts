import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations replace adding members by email (which told an owner whether an email had an
 * account): `invitations`, one pending row per (board, email) at most (partial unique index), with
 * the two pending-only keyset indexes of the owners' and the invitee's lists.
 */
export class Invitations1796047182119 implements MigrationInterface {
  name = 'Invitations1796047182119';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "invitations" (
                "id" uuid NOT NULL,
                "board_id" uuid NOT NULL,
                "email" text NOT NULL,
                "role" text NOT NULL,
                "status" text NOT NULL DEFAULT 'pending',
                "invited_by" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "responded_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "ck_invitations_email_lower_case" CHECK ("email" = lower("email")),
                CONSTRAINT "ck_invitations_status" CHECK (
                    "status" IN ('pending', 'accepted', 'declined', 'revoked')
                ),
                CONSTRAINT "ck_invitations_role" CHECK ("role" IN ('owner', 'editor', 'viewer')),
                CONSTRAINT "PK_5dec98cfdfd562e4ad3648bbb07" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_invitations_email_created_at_id_pending" ON "invitations" ("email", "created_at", "id")
            WHERE "status" = 'pending'
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_invitations_board_id_created_at_id_pending" ON "invitations" ("board_id", "created_at", "id")
            WHERE "status" = 'pending'
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_invitations_board_id_email_pending" ON "invitations" ("board_id", "email")
            WHERE "status" = 'pending'
        `);
    await queryRunner.query(`
            ALTER TABLE "invitations"
            ADD CONSTRAINT "FK_283bdff684fc24cfb5fdc6d71ab" FOREIGN KEY ("board_id") REFERENCES "boards"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "invitations" DROP CONSTRAINT "FK_283bdff684fc24cfb5fdc6d71ab"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ux_invitations_board_id_email_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_invitations_board_id_created_at_id_pending"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_invitations_email_created_at_id_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "invitations"
        `);
  }
}
