import { Module } from '@nestjs/common';
import { BoardAccessService } from './board-access.service.js';
import { MembersRepository } from './members.repository.js';

/**
 * Board membership checks, below every board-scoped module (the event stream's writes, reads,
 * socket joins). Also exports MembersRepository to MembersModule, its sibling in this folder.
 */
@Module({ providers: [BoardAccessService, MembersRepository], exports: [BoardAccessService, MembersRepository] })
export class BoardAccessModule {}
