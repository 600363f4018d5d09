import { describe, expect, it, jest } from '@jest/globals';
import type { ConfigService } from '@nestjs/config';
import type { DataSource, EntityManager } from 'typeorm';
import type { BoardSummary, UserView } from '@tasklane/contracts';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import type { BoardsService } from '../boards/boards.service.js';
import type { EmailsService } from '../emails/emails.service.js';
import { AppError } from '../errors/app-error.js';
import { AUTHORIZED_BY_INVITATION, type BoardEventsService, type WriteContext, type WriteOutcome } from '../events/board-events.service.js';
import type { JobQueue } from '../jobs/job-queue.service.js';
import type { UsersService } from '../users/users.service.js';
import type { InvitationRecord, InvitationsRepository } from './invitations.repository.js';
import { InvitationsService } from './invitations.service.js';
import { ListMyInvitationsQueryDto } from './invitations.dto.js';

// The invitation rules with the repository and the other modules' services stubbed; the SQL, the
// locks and the HTTP answers are covered by invitations.e2e-spec.ts.
const BOARD = '00000000-0000-4000-8000-00000000000b';
const OWNER = '00000000-0000-4000-8000-00000000000a';
const INVITEE = '00000000-0000-4000-8000-00000000000c';
const INVITATION = '00000000-0000-4000-8000-00000000000d';
const MAX = 5;
const tx = { name: 'tx' } as unknown as EntityManager;
const T = new Date(0).toISOString();
const record = (over: Partial<InvitationRecord> = {}): InvitationRecord => ({
  id: INVITATION,
  boardId: BOARD,
  email: 'ivy@example.test',
  role: 'editor',
  status: 'pending',
  invitedBy: OWNER,
  expiresAt: T,
  createdAt: T,
  ...over,
});
const summary = (role: string, seq: number): BoardSummary => ({ id: BOARD, name: 'B', description: '', seq, version: 1, createdAt: T, updatedAt: T, role: role as BoardSummary['role'] });
const invitee: UserView = { id: INVITEE, email: 'ivy@example.test', name: 'Ivy', createdAt: T };

interface Options {
  members?: number;
  pendingOthers?: number;
  addressedTo?: string | null;
  respond?: InvitationRecord | null;
  board?: BoardSummary | null;
  added?: boolean;
  live?: string[];
  writeFails?: AppError;
  /** SMTP_URL is set. */
  smtp?: boolean;
  /** findByEmail finds an account for this email. */
  accountFor?: string;
  /** findPending's answer (default: a pending invitation). */
  pending?: InvitationRecord | null;
}

function setup(o: Options = {}) {
  /** Every collaborator call, in order, by name (what the invite path must keep identical for every email). */
  const calls: string[] = [];
  const required: unknown[] = [];
  const emitted: WriteOutcome<unknown>['event'][] = [];
  const track =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(name);
      return fn(...args);
    };
  const events = {
    write: jest.fn(async (_b: string, _u: string, role: unknown, work: (ctx: WriteContext) => Promise<WriteOutcome<unknown>>) => {
      required.push(role);
      if (o.writeFails) throw o.writeFails;
      const outcome = await work({ tx, seq: 8, webhookEnabled: () => undefined });
      emitted.push(outcome.event);
      return outcome.result;
    }),
    writeWithoutEvent: jest.fn(async (_b: string, _u: string, role: unknown, work: (ctx: WriteContext) => Promise<{ result: unknown }>) => {
      required.push(role);
      return (await work({ tx, seq: 7, webhookEnabled: () => undefined })).result;
    }),
  } as unknown as BoardEventsService;
  const repo = {
    countPendingExcept: track('countPendingExcept', async () => o.pendingOthers ?? 0),
    upsertPending: jest.fn(track('upsertPending', async (_tx: EntityManager, i: { id: string; email: string; role: string }) => record({ id: i.id, email: i.email, role: i.role as never }))),
    boardOfAddressed: jest.fn(async (_id: string, email: string) => (o.addressedTo === undefined ? (email === invitee.email ? BOARD : null) : o.addressedTo)),
    respond: jest.fn(async () => (o.respond === undefined ? record() : o.respond)),
    findPending: jest.fn(async () => (o.pending === undefined ? record() : o.pending)),
    revoke: jest.fn(async () => false),
    listPendingOfEmail: jest.fn(async () => [
      { item: record({ id: 'i1', boardId: 'live' }), key: { at: T, id: 'i1' } },
      { item: record({ id: 'i2', boardId: 'gone' }), key: { at: T, id: 'i2' } },
    ]),
  } as unknown as InvitationsRepository;
  const access = {
    count: track('count', async () => o.members ?? 1),
    add: jest.fn(async (_tx: EntityManager, _b: string, userId: string, role: string) => (o.added === false ? null : { userId, role, addedAt: T })),
    require: jest.fn(async () => 'owner'),
  } as unknown as BoardAccessService;
  const boards = {
    summaryOf: jest.fn(async (_db: EntityManager, _b: string, role: string, seq: number) => (o.board === undefined ? summary(role, seq) : o.board)),
    liveNames: jest.fn(async (ids: string[]) => new Map(ids.filter((id) => (o.live ?? [BOARD, 'live']).includes(id)).map((id) => [id, `name of ${id}`]))),
  } as unknown as BoardsService;
  const users = {
    getById: jest.fn(async () => invitee),
    findByIds: jest.fn(async (ids: string[]) => new Map(ids.map((id) => [id, { id, email: `${id}@x`, name: `name ${id}`, createdAt: T }]))),
    findByEmail: jest.fn(track('findByEmail', async (email: string) => (email === o.accountFor ? invitee : null))),
  } as unknown as UsersService;
  const dataSource = { transaction: async (fn: (tx: EntityManager) => Promise<unknown>) => fn(tx) } as unknown as DataSource;
  const config = {
    getOrThrow: (key: string) => ({ INVITATION_TTL_S: 60, MEMBERS_PER_BOARD_MAX: MAX, RATE_LIMITS: 'on' })[key],
    get: (key: string) => (key === 'SMTP_URL' && o.smtp ? 'smtp://127.0.0.1:25' : undefined),
  } as unknown as ConfigService<never, true>;
  const jobs = { enqueue: jest.fn(track('enqueue', async () => undefined)), define: jest.fn() } as unknown as JobQueue;
  const emails = { sendInvitation: jest.fn(async () => undefined) } as unknown as EmailsService;
  const service = new InvitationsService(dataSource, repo, events, access, boards, users, config, jobs, emails);
  return { service, calls, required, emitted, repo, access, events, jobs, emails };
}

describe('InvitationsService.invite', () => {
  it('runs the same owner-only, event-less steps for every email and answers the same shape', async () => {
    const runs = [];
    for (const email of ['known@example.test', 'nobody@example.test', 'member@example.test']) {
      const s = setup();
      const view = await s.service.invite(BOARD, OWNER, { email, role: 'viewer' });
      runs.push({ calls: s.calls, required: s.required, keys: Object.keys(view), status: view.status });
      expect(view).not.toHaveProperty('invitedBy');
    }
    expect(runs).toEqual(Array(3).fill({ calls: ['count', 'countPendingExcept', 'upsertPending', 'findByEmail'], required: ['owner'], keys: ['id', 'boardId', 'email', 'role', 'status', 'expiresAt', 'createdAt'], status: 'pending' }));
  });

  it('with SMTP_URL, queues the invitation email for every email alike (the job decides), in the write', async () => {
    const runs = [];
    for (const email of ['known@example.test', 'nobody@example.test']) {
      const s = setup({ smtp: true, accountFor: 'known@example.test' });
      const view = await s.service.invite(BOARD, OWNER, { email, role: 'viewer' });
      expect(s.jobs.enqueue).toHaveBeenCalledWith(tx, 'emails.invitation', { invitationId: view.id });
      runs.push({ calls: s.calls, keys: Object.keys(view) });
    }
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0].calls).toEqual(['count', 'countPendingExcept', 'upsertPending', 'enqueue', 'findByEmail']);
  });

  it('hands the upsert a fresh id, the inviter and INVITATION_TTL_S', async () => {
    const { service, repo } = setup();
    await service.invite(BOARD, OWNER, { email: 'a@example.test', role: 'editor' });
    expect(repo.upsertPending).toHaveBeenCalledWith(tx, { id: expect.stringMatching(/^[0-9a-f-]{36}$/), boardId: BOARD, email: 'a@example.test', role: 'editor', invitedBy: OWNER, ttlSeconds: 60 });
  });

  it('answers LIMIT_REACHED when members and other pending invitations already reach MEMBERS_PER_BOARD_MAX, without writing', async () => {
    const full = setup({ members: 2, pendingOthers: MAX - 2 });
    await expect(full.service.invite(BOARD, OWNER, { email: 'a@example.test', role: 'viewer' })).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
    expect(full.repo.upsertPending).not.toHaveBeenCalled();
    const roomForOne = setup({ members: 2, pendingOthers: MAX - 3 });
    await expect(roomForOne.service.invite(BOARD, OWNER, { email: 'a@example.test', role: 'viewer' })).resolves.toMatchObject({ status: 'pending' });
  });
});

describe('InvitationsService.accept', () => {
  it('makes the invitee a member through the invitee write path and emits member.added without the email', async () => {
    const { service, required, emitted, access } = setup();
    await expect(service.accept(INVITATION, INVITEE)).resolves.toEqual(summary('editor', 8));
    expect(required).toEqual([AUTHORIZED_BY_INVITATION]);
    expect(access.add).toHaveBeenCalledWith(tx, BOARD, INVITEE, 'editor');
    expect(emitted).toEqual([{ type: 'member.added', data: { userId: INVITEE, name: 'Ivy', role: 'editor', addedAt: T } }]);
  });

  it('answers INVITATION_NOT_FOUND without any write to someone the invitation is not addressed to', async () => {
    const { service, events } = setup({ addressedTo: null });
    await expect(service.accept(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    expect(events.write).not.toHaveBeenCalled();
  });

  it('refuses under the lock: not pending (answered, revoked, expired) or a deleted board is INVITATION_NOT_FOUND, adding nobody', async () => {
    for (const o of [{ respond: null }, { board: null }] as Options[]) {
      const { service, access, emitted } = setup(o);
      await expect(service.accept(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
      expect(access.add).not.toHaveBeenCalled();
      expect(emitted).toEqual([]);
    }
  });

  it('answers ALREADY_MEMBER to a member (the write rolls back, so the invitation stays pending)', async () => {
    const { service, emitted } = setup({ added: false });
    await expect(service.accept(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'ALREADY_MEMBER' });
    expect(emitted).toEqual([]);
  });

  it('turns a board purged between look-up and lock into INVITATION_NOT_FOUND', async () => {
    const { service } = setup({ writeFails: new AppError('BOARD_NOT_FOUND', 'Board not found') });
    await expect(service.accept(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
  });
});

describe('InvitationsService.decline and revoke', () => {
  it('declines only a pending invitation of the caller on a live board', async () => {
    await expect(setup().service.decline(INVITATION, INVITEE)).resolves.toBeUndefined();
    await expect(setup({ respond: null }).service.decline(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    await expect(setup({ live: [] }).service.decline(INVITATION, INVITEE)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    const { service, repo } = setup();
    await service.decline(INVITATION, INVITEE);
    expect(repo.respond).toHaveBeenCalledWith(tx, INVITATION, invitee.email, 'declined');
  });

  it('revokes as an owner, without an event; nothing pending is INVITATION_NOT_FOUND', async () => {
    const { service, required } = setup();
    await expect(service.revoke(BOARD, OWNER, INVITATION)).rejects.toMatchObject({ code: 'INVITATION_NOT_FOUND' });
    expect(required).toEqual(['owner']);
  });
});

describe('InvitationsService.listMine', () => {
  it('leaves out invitations to deleted boards and names the board and the inviter', async () => {
    const { service } = setup();
    const page = await service.listMine(INVITEE, new ListMyInvitationsQueryDto());
    expect(page).toEqual({
      items: [{ id: 'i1', boardId: 'live', boardName: 'name of live', role: 'editor', invitedBy: { userId: OWNER, name: `name ${OWNER}` }, expiresAt: T, createdAt: T }],
      nextCursor: null,
    });
  });
});

describe('InvitationsService.emailInvitation (the emails.invitation job)', () => {
  it('emails an address without an account: board, inviter, role and expiry', async () => {
    const { service, emails } = setup({ smtp: true, pending: record({ email: 'new@example.test' }) });
    await service.emailInvitation(INVITATION);
    expect(emails.sendInvitation).toHaveBeenCalledWith('new@example.test', { boardName: `name of ${BOARD}`, inviterName: `name ${OWNER}`, role: 'editor', expiresAt: T });
  });

  it('sends nothing to an address with an account (its notification email covers it), for an invitation no longer pending, or a board gone', async () => {
    for (const o of [{ accountFor: 'ivy@example.test' }, { pending: null }, { live: [] }]) {
      const { service, emails } = setup({ smtp: true, ...o });
      await service.emailInvitation(INVITATION);
      expect(emails.sendInvitation).not.toHaveBeenCalled();
    }
  });
});
