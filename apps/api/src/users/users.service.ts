import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError } from '../errors/app-error.js';
import { ErrorCode } from '../errors/error-codes.js';
import { User } from './user.entity.js';

/** Reads users. Creation belongs to AuthService (it owns passwords). */
@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** @throws AppError USER_NOT_FOUND (404) */
  async getById(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new AppError(ErrorCode.UserNotFound, 'User not found');
    return user;
  }

  /** `email` must already be lower-cased (DTOs do it). */
  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email });
  }
}
