import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { BoardsModule } from '../boards/boards.module.js';
import { EmailsModule } from '../emails/emails.module.js';
import { EventsModule } from '../events/events.module.js';
import { UsersModule } from '../users/users.module.js';
import { InvitationsController } from './invitations.controller.js';
import { InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';

/** Invitations to boards (owners invite by email; the invitee accepts or declines). Owns `invitations`. */
@Module({
  imports: [BoardAccessModule, BoardsModule, EmailsModule, EventsModule, UsersModule],
  controllers: [InvitationsController],
  providers: [InvitationsService, InvitationsRepository],
})
export class InvitationsModule {}
