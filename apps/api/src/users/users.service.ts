import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserView } from '@tasklane/contracts';
import { userNotFound } from './users.errors.js';
import { UsersRepository, type UserCredentials } from './users.repository.js';

/** User accounts. Passwords are hashed by AuthService, which creates accounts through `create`. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** @throws AppError USER_NOT_FOUND (404) */
  async getById(id: string, db?: EntityManager): Promise<UserView> {
    const user = await this.users.findById(id, db);
    if (!user) throw userNotFound();
    return user;
  }

  /** The accounts with these ids, by id (unknown ids are absent). */
  findByIds(ids: string[], db?: EntityManager): Promise<Map<string, UserView>> {
    return ids.length === 0 ? Promise.resolve(new Map()) : this.users.findByIds(ids, db);
  }

  /** The account with this (lower-cased) email, or null. */
  findByEmail(email: string, db?: EntityManager): Promise<UserView | null> {
    return this.users.findByEmail(email, db);
  }

  /** The account and its password hash, for login only. */
  findCredentials(email: string): Promise<UserCredentials | null> {
    return this.users.findCredentials(email);
  }

  /** The account and its password hash by id, for the password change only. */
  findCredentialsById(id: string): Promise<UserCredentials | null> {
    return this.users.findCredentialsById(id);
  }

  /** Replaces the argon2id hash of the account's password inside the caller's transaction (AuthService hashes). */
  setPasswordHash(tx: EntityManager, id: string, passwordHash: string): Promise<void> {
    return this.users.setPasswordHash(tx, id, passwordHash);
  }

  /** Creates an account inside the caller's transaction. @throws node-postgres 23505 when the email is taken. */
  create(tx: EntityManager, user: { id: string; email: string; name: string; passwordHash: string }): Promise<UserView> {
    return this.users.insert(tx, user);
  }
}
