import { Module } from '@nestjs/common';
import { BoardAccessService } from './board-access.service.js';
import { BoardMembersRepository } from './board-members.repository.js';

/**
 * Board memberships and the access checks built on them, below every board-scoped module (the
 * event stream's writes, reads, socket joins, the members REST routes).
 */
@Module({ providers: [BoardAccessService, BoardMembersRepository], exports: [BoardAccessService] })
export class BoardAccessModule {}
