import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * `refresh_tokens.replaced_by_id`: the token a refresh token was rotated into, so that a retry of a
 * refresh whose answer was lost (the same token again within REFRESH_TOKEN_REUSE_GRACE, while its
 * successor is unused) can be told from reuse (auth/token-families.ts). Null for every existing row:
 * tokens rotated before this migration get no grace. Indexed for the foreign key's ON DELETE SET NULL.
 */
export class RefreshTokenReplacedBy1796300438272 implements MigrationInterface {
    name = 'RefreshTokenReplacedBy1796300438272'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD "replaced_by_id" uuid
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_replaced_by_id" ON "refresh_tokens" ("replaced_by_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_860225ddfe4588a6d26e31b0c21" FOREIGN KEY ("replaced_by_id") REFERENCES "refresh_tokens"("id") ON DELETE
            SET NULL ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_860225ddfe4588a6d26e31b0c21"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_refresh_tokens_replaced_by_id"
        `);
        await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP COLUMN "replaced_by_id"
        `);
    }

}
