import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { UsersModule } from '../users/users.module.js';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';

/** Board membership over REST (the rules; the records are BoardAccessService's). Exports MembersService for board snapshots' member lists. */
@Module({ imports: [BoardAccessModule, EventsModule, UsersModule], controllers: [MembersController], providers: [MembersService], exports: [MembersService] })
export class MembersModule {}
