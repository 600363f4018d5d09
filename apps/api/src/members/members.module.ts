import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { UsersModule } from '../users/users.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';

/** Board membership over REST. Exports MembersService: boards add the owner, list members in snapshots and remove members on deletion. */
@Module({ imports: [BoardAccessModule, EventsModule, UsersModule], controllers: [MembersController], providers: [MembersService], exports: [MembersService] })
export class MembersModule {}
