import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { UserView } from '@tasklane/contracts';
import { runPrepared } from '../database/prepared.js';

/** A `users` row as node-postgres returns it. */
interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
}

/** A user with the argon2id hash of their password (only for AuthService). */
export interface UserCredentials {
  user: UserView;
  passwordHash: string;
}

const USER_COLUMNS = 'id, email, name, password_hash, created_at';

/** Row → wire shape; the password hash never leaves the repository this way. */
const toUserView = (r: UserRow): UserView => ({ id: r.id, email: r.email, name: r.name, createdAt: r.created_at.toISOString() });

/** SQL for `users` (primary key id; unique index on the lower-cased email). */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts an account. @throws node-postgres 23505 when the email is taken. */
  async insert(tx: EntityManager, u: { id: string; email: string; name: string; passwordHash: string }): Promise<UserView> {
    const { rows } = await runPrepared<UserRow>(tx, `INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`, [
      u.id,
      u.email,
      u.name,
      u.passwordHash,
    ]);
    return toUserView(rows[0]);
  }

  async findById(id: string, db: EntityManager = this.dataSource.manager): Promise<UserView | null> {
    const { rows } = await runPrepared<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUserView(rows[0]) : null;
  }

  /** The users with these ids, by id (unknown ids are absent). */
  async findByIds(ids: string[], db: EntityManager = this.dataSource.manager): Promise<Map<string, UserView>> {
    const { rows } = await runPrepared<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, toUserView(r)]));
  }

  /** `email` must already be lower-cased (DTOs do it). */
  async findByEmail(email: string, db: EntityManager = this.dataSource.manager): Promise<UserView | null> {
    return (await this.findCredentials(email, db))?.user ?? null;
  }

  async findCredentialsById(id: string, db: EntityManager = this.dataSource.manager): Promise<UserCredentials | null> {
    const { rows } = await runPrepared<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] ? { user: toUserView(rows[0]), passwordHash: rows[0].password_hash } : null;
  }

  async setPasswordHash(tx: EntityManager, id: string, passwordHash: string): Promise<void> {
    await runPrepared(tx, `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1`, [id, passwordHash]);
  }

  async findCredentials(email: string, db: EntityManager = this.dataSource.manager): Promise<UserCredentials | null> {
    const { rows } = await runPrepared<UserRow>(db, `SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]);
    return rows[0] ? { user: toUserView(rows[0]), passwordHash: rows[0].password_hash } : null;
  }
}
