import { Module } from '@nestjs/common';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

/** Board membership. Exports the repository: board snapshots read members through it. */
@Module({ controllers: [MembersController], providers: [MembersService, MembersRepository], exports: [MembersRepository] })
export class MembersModule {}
