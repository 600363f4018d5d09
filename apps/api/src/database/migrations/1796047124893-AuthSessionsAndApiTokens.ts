import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh-token families and personal API tokens: `auth_sessions` (one row per login, the family
 * every rotated refresh token belongs to), `refresh_tokens.session_id`, and `api_tokens`. Each
 * existing refresh token becomes a session of its own (same id, same expiry), so nobody is logged
 * out by the upgrade.
 */
export class AuthSessionsAndApiTokens1796047124893 implements MigrationInterface {
  name = 'AuthSessionsAndApiTokens1796047124893';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "api_tokens" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "name" text NOT NULL,
                "token_hash" text NOT NULL,
                "scopes" text array NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "last_used_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_api_tokens_user_id" ON "api_tokens" ("user_id")
        `);
    await queryRunner.query(`
            CREATE UNIQUE INDEX "ux_api_tokens_token_hash" ON "api_tokens" ("token_hash")
        `);
    await queryRunner.query(`
            CREATE TABLE "auth_sessions" (
                "id" uuid NOT NULL,
                "user_id" uuid NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_641507381f32580e8479efc36cd" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_auth_sessions_user_id" ON "auth_sessions" ("user_id")
        `);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD "session_id" uuid`);
    await queryRunner.query(`
            INSERT INTO "auth_sessions" ("id", "user_id", "expires_at", "revoked_at", "created_at")
            SELECT "id", "user_id", "expires_at", "revoked_at", "created_at" FROM "refresh_tokens"
        `);
    await queryRunner.query(`UPDATE "refresh_tokens" SET "session_id" = "id"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ALTER COLUMN "session_id" SET NOT NULL`);
    await queryRunner.query(`
            CREATE INDEX "ix_refresh_tokens_session_id" ON "refresh_tokens" ("session_id")
        `);
    await queryRunner.query(`
            ALTER TABLE "api_tokens"
            ADD CONSTRAINT "FK_b74883f5884a42fd8496d389b25" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "auth_sessions"
            ADD CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens"
            ADD CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4" FOREIGN KEY ("session_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3bf308fa93da3966f9e76fcfba4"
        `);
    await queryRunner.query(`
            ALTER TABLE "auth_sessions" DROP CONSTRAINT "FK_50ccaa6440288a06f0ba693ccc6"
        `);
    await queryRunner.query(`
            ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_b74883f5884a42fd8496d389b25"
        `);
    await queryRunner.query(`
            DROP INDEX "ix_refresh_tokens_session_id"
        `);
    await queryRunner.query(`
            ALTER TABLE "refresh_tokens" DROP COLUMN "session_id"
        `);
    await queryRunner.query(`
            DROP INDEX "ix_auth_sessions_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "auth_sessions"
        `);
    await queryRunner.query(`
            DROP INDEX "ux_api_tokens_token_hash"
        `);
    await queryRunner.query(`
            DROP INDEX "ix_api_tokens_user_id"
        `);
    await queryRunner.query(`
            DROP TABLE "api_tokens"
        `);
  }
}
