import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { BoardRole, BoardSummary, InvitationView, Page, ReceivedInvitationView } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { BoardsService } from '../boards/boards.service.js';
import type { Env } from '../config/env.schema.js';
import { AppError } from '../errors/app-error.js';
import { AUTHORIZED_BY_INVITATION, BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { EmailsService } from '../emails/emails.service.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import { alreadyMember } from '../members/members.errors.js';
import { afterCursor, toPage } from '../pagination/cursor.js';
import { UsersService } from '../users/users.service.js';
import { limitReached } from '../errors/common.errors.js';
import { invitationNotFound } from './invitations.errors.js';
import { InvitationsRepository, type InvitationRecord } from './invitations.repository.js';
import type { ListInvitationsQueryDto, ListMyInvitationsQueryDto } from './invitations.dto.js';

/** The owners' view of an invitation (without who invited). */
const toView = ({ invitedBy: _invitedBy, ...view }: InvitationRecord): InvitationView => view;

/**
 * Invitations: how a user joins a board. Owners invite an email address with a role; the account
 * with that email (now or once it registers) lists, accepts or declines it. With SMTP_URL, an
 * address without an account is emailed the invitation (the `emails.invitation` job), an account
 * gets the `invited` notification and its email.
 *
 * Privacy rules, which the e2e suite checks:
 *  - Inviting answers the same shape and status, after the same statements, whether the email has
 *    an account, has none, or already is a member: the service never looks an account or a
 *    membership up by email. Whether the invitee already is a member shows only to the invitee, on
 *    accepting (409 ALREADY_MEMBER).
 *  - Invitations are not board events (they would show emails to viewers); they are written
 *    through `BoardEventsService.writeWithoutEvent`, under the board's stream lock, so the cap and
 *    the owner check see every concurrent write. Accepting is a board write that emits
 *    `member.added`, without the email.
 *  - Every "not yours, not pending, not there" answer is the same 404 INVITATION_NOT_FOUND.
 */
@Injectable()
export class InvitationsService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly invitations: InvitationsRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    private readonly boards: BoardsService,
    private readonly users: UsersService,
    private readonly config: ConfigService<Env, true>,
    private readonly jobs: JobQueue,
    private readonly emails: EmailsService,
  ) {}

  onModuleInit(): void {
    // Only a process that can send takes these jobs (as for `emails.notify`).
    if (this.config.get('SMTP_URL', { infer: true })) this.jobs.define({ name: 'emails.invitation', handler: ({ invitationId }) => this.emailInvitation(invitationId) });
  }

  /**
   * Invites `email` (lower-cased by the DTO) with `role`, or renews the pending invitation of that
   * email (new role and expiry, same id). Owners only.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN (not owner), LIMIT_REACHED (409: members + other
   *   pending invitations already at MEMBERS_PER_BOARD_MAX), IDEMPOTENCY_KEY_REUSED
   */
  invite(boardId: string, userId: string, input: { email: string; role: BoardRole }, req: WriteRequest = {}): Promise<InvitationView> {
    const ttlSeconds = this.config.getOrThrow('INVITATION_TTL_S', { infer: true });
    // Caps are off with RATE_LIMITS=off (load tests, benchmarks), like every other cap.
    const max = this.config.getOrThrow('RATE_LIMITS', { infer: true }) === 'on' ? this.config.getOrThrow('MEMBERS_PER_BOARD_MAX', { infer: true }) : Infinity;
    return this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        // The same four statements for every email: nothing here may depend on whether it has an account or a membership.
        const members = await this.access.count(tx, boardId);
        const pending = await this.invitations.countPendingExcept(tx, boardId, input.email);
        if (members + pending >= max) throw limitReached('members_per_board', max, 'members and pending invitations per board');
        const invitation = toView(await this.invitations.upsertPending(tx, { id: randomUUID(), boardId, email: input.email, role: input.role, invitedBy: userId, ttlSeconds }));
        // The invitation email's job, for every email alike (the job skips addresses with an account: they get the `invited` notification's email).
        if (this.config.get('SMTP_URL', { infer: true })) await this.jobs.enqueue(tx, 'emails.invitation', { invitationId: invitation.id });
        // An account with this email hears about it (`invited`; the notifier skips members). Only
        // then does the notifier add its statements: a timing difference visible to owners only
        // (who learn as much when the invitee accepts); see docs/security.md.
        const invitee = await this.users.findByEmail(input.email, tx);
        return { result: invitation, notify: invitee ? [{ userId: invitee.id, kind: 'invited' as const, taskId: null }] : [] };
      },
      req.idempotency,
    );
  }

  /**
   * The `emails.invitation` job: emails a pending invitation to an address without an account
   * (EmailsService.sendInvitation: sign up with this address, then accept). Nothing when the
   * invitation is no longer pending, its board is gone, or the address has an account by now (that
   * account got the `invited` notification, and its email through its preferences). A rerun may
   * send the email again (as for notification emails).
   */
  async emailInvitation(invitationId: string): Promise<void> {
    const invitation = await this.invitations.findPending(invitationId);
    if (!invitation || (await this.users.findByEmail(invitation.email))) return;
    const boardName = (await this.boards.liveNames([invitation.boardId])).get(invitation.boardId);
    if (boardName === undefined) return;
    const inviter = (await this.users.findByIds([invitation.invitedBy])).get(invitation.invitedBy);
    await this.emails.sendInvitation(invitation.email, { boardName, inviterName: inviter?.name ?? 'Someone', role: invitation.role, expiresAt: invitation.expiresAt });
  }

  /** The board's pending invitations, oldest first, keyset-paginated. Owners only. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, VALIDATION_FAILED (cursor) */
  async listOfBoard(boardId: string, userId: string, query: ListInvitationsQueryDto): Promise<Page<InvitationView>> {
    await this.access.require(boardId, userId, 'owner');
    const limit = query.pageSize();
    const page = toPage(await this.invitations.listPendingOfBoard(boardId, { limit: limit + 1, after: afterCursor(query.cursor) }), limit);
    return { ...page, items: page.items.map(toView) };
  }

  /** Revokes a pending invitation. Owners only. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, INVITATION_NOT_FOUND (unknown, not pending, other board) */
  async revoke(boardId: string, userId: string, invitationId: string, req: WriteRequest = {}): Promise<void> {
    await this.events.writeWithoutEvent(
      boardId,
      userId,
      'owner',
      async ({ tx }) => {
        if (!(await this.invitations.revoke(tx, boardId, invitationId))) throw invitationNotFound();
        return { result: null };
      },
      req.idempotency,
    );
  }

  /**
   * The caller's pending invitations (matched on their account's email), oldest first,
   * keyset-paginated, with the board's name and the inviter's name. Invitations to boards deleted
   * since are left out, so a page may hold fewer than `limit` items (follow `nextCursor`).
   * @throws AppError VALIDATION_FAILED (cursor)
   */
  async listMine(userId: string, query: ListMyInvitationsQueryDto): Promise<Page<ReceivedInvitationView>> {
    const me = await this.users.getById(userId);
    const limit = query.pageSize();
    const page = toPage(await this.invitations.listPendingOfEmail(me.email, { limit: limit + 1, after: afterCursor(query.cursor) }), limit);
    const names = await this.boards.liveNames([...new Set(page.items.map((i) => i.boardId))]);
    const inviters = await this.users.findByIds([...new Set(page.items.map((i) => i.invitedBy))]);
    const items = page.items.flatMap((i): ReceivedInvitationView[] => {
      const boardName = names.get(i.boardId);
      if (boardName === undefined) return [];
      const invitedBy = { userId: i.invitedBy, name: inviters.get(i.invitedBy)?.name ?? '' };
      return [{ id: i.id, boardId: i.boardId, boardName, role: i.role, invitedBy, expiresAt: i.expiresAt, createdAt: i.createdAt }];
    });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * Accepts an invitation addressed to the caller's account email: they become a member with its
   * role, `member.added` (without email) is emitted, and the board's summary with their role is
   * answered. Authorization happens in the write, under the board's stream lock
   * (AUTHORIZED_BY_INVITATION): the invitation must be pending, unexpired and the caller's, and the
   * board live.
   * @throws AppError INVITATION_NOT_FOUND (404: anything else), ALREADY_MEMBER (409; the
   *   invitation stays pending), IDEMPOTENCY_KEY_REUSED
   */
  async accept(invitationId: string, userId: string, req: WriteRequest = {}): Promise<BoardSummary> {
    const me = await this.users.getById(userId);
    // Only to find which board to lock; any status, so that an Idempotency-Key retry reaches its replay.
    const boardId = await this.invitations.boardOfAddressed(invitationId, me.email);
    if (!boardId) throw invitationNotFound();
    try {
      return await this.events.write(
        boardId,
        userId,
        AUTHORIZED_BY_INVITATION,
        async ({ tx, seq }) => {
          const invitation = await this.invitations.respond(tx, invitationId, me.email, 'accepted');
          if (!invitation) throw invitationNotFound();
          const board = await this.boards.summaryOf(tx, boardId, invitation.role, seq);
          if (!board) throw invitationNotFound();
          const membership = await this.access.add(tx, boardId, userId, invitation.role);
          if (!membership) throw alreadyMember();
          return { result: board, event: { type: 'member.added', data: { ...membership, name: me.name } } };
        },
        req.idempotency,
      );
    } catch (error) {
      // The board was purged between the look-up and the lock: to the invitee, the invitation is gone.
      if (error instanceof AppError && error.code === 'BOARD_NOT_FOUND') throw invitationNotFound();
      throw error;
    }
  }

  /** Declines an invitation addressed to the caller's account email. @throws AppError INVITATION_NOT_FOUND (404, as for `accept`) */
  async decline(invitationId: string, userId: string): Promise<void> {
    const me = await this.users.getById(userId);
    await this.dataSource.transaction(async (tx) => {
      const invitation = await this.invitations.respond(tx, invitationId, me.email, 'declined');
      if (!invitation || (await this.boards.liveNames([invitation.boardId], tx)).size === 0) throw invitationNotFound();
    });
  }
}
