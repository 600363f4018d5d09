import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { DataSource } from 'typeorm';
import type { AnyBoardEvent, BoardSnapshot, BoardSummary, EventsPage, InvitationView, MemberView, Page, ReceivedInvitationView } from '@tasklane/contracts';
// fixtures.ts does not import the app, so it may come before the environment is set.
import { addMember, boardWithMembers, createBoard, fieldsOf, outcomesOf, registerUser, snapshot, TEST_PASSWORD, type Auth, type TestUser } from './support/fixtures.js';

// A small cap so LIMIT_REACHED is reachable: members + pending invitations per board. Set before the
// app module is imported (config is validated at import) and restored afterwards. Every test below
// stays under it unless it tests it.
const CAP = 5;
const saved = process.env.MEMBERS_PER_BOARD_MAX;
process.env.MEMBERS_PER_BOARD_MAX = String(CAP);

const { useTestApp } = await import('./support/test-app.js');
const { getDataSourceToken } = await import('@nestjs/typeorm');

describe('invitations (e2e)', () => {
  const t = useTestApp();
  let db: DataSource;
  beforeAll(() => {
    db = t.app.get(getDataSourceToken());
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.MEMBERS_PER_BOARD_MAX;
    else process.env.MEMBERS_PER_BOARD_MAX = saved;
  });

  const invitationsOf = (boardId: string) => `/api/v1/boards/${boardId}/invitations`;
  const acceptPath = (id: string) => `/api/v1/invitations/${id}/accept`;
  const declinePath = (id: string) => `/api/v1/invitations/${id}/decline`;
  const MINE = '/api/v1/users/me/invitations';

  /** `POST …/invitations` as `owner`; the raw response (201 or the assertion error). */
  const invite = (owner: Auth, boardId: string, email: string, role = 'editor'): Promise<Response> =>
    t.http().post(invitationsOf(boardId)).set(owner).send({ email, role }).expect(201);

  /** The one page of the board's pending invitations, as `auth`'s user. */
  const pendingOf = async (auth: Auth, boardId: string): Promise<InvitationView[]> => {
    const page = (await t.http().get(invitationsOf(boardId)).set(auth).expect(200)).body as Page<InvitationView>;
    expect(page.nextCursor).toBeNull();
    return page.items;
  };

  /** The one page of the caller's pending invitations. */
  const mine = async (auth: Auth): Promise<ReceivedInvitationView[]> => {
    const page = (await t.http().get(MINE).set(auth).expect(200)).body as Page<ReceivedInvitationView>;
    expect(page.nextCursor).toBeNull();
    return page.items;
  };

  const members = async (auth: Auth, boardId: string): Promise<MemberView[]> =>
    ((await t.http().get(`/api/v1/boards/${boardId}/members`).set(auth).expect(200)).body as Page<MemberView>).items;

  /** Registers an account with exactly this email. */
  const registerAs = async (email: string, name: string): Promise<TestUser> => {
    const res = await t.http().post('/api/v1/auth/register').send({ email, password: TEST_PASSWORD, name }).expect(201);
    return { ...res.body, auth: { Authorization: `Bearer ${res.body.accessToken as string}` } } as TestUser;
  };

  const expire = async (invitationId: string): Promise<void> => {
    await db.query(`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = $1`, [invitationId]);
  };

  describe('POST /boards/:boardId/invitations', () => {
    it('answers an email with an account, one without and an existing member’s alike: 201, same headers and body but for id, email and times', async () => {
      const { owner, board, members: [member] } = await boardWithMembers(t, { members: ['editor'] });
      const known = await registerUser(t);
      const answers = [
        await invite(owner.auth, board.id, known.user.email, 'viewer'),
        await invite(owner.auth, board.id, `${randomUUID()}@example.test`, 'viewer'),
        await invite(owner.auth, board.id, member.user.email, 'viewer'),
      ];
      // Everything that differs by design, replaced; what is left must be byte-identical.
      const masked = answers.map((res) => {
        const body = res.body as InvitationView;
        return JSON.stringify({ ...body, id: 'ID', email: 'EMAIL', createdAt: 'T', expiresAt: 'T' });
      });
      expect(new Set(masked).size).toBe(1);
      expect(JSON.parse(masked[0])).toEqual({ id: 'ID', boardId: board.id, email: 'EMAIL', role: 'viewer', status: 'pending', expiresAt: 'T', createdAt: 'T' });
      expect(answers.map((res) => Object.keys(res.body as object))).toEqual(Array(3).fill(['id', 'boardId', 'email', 'role', 'status', 'expiresAt', 'createdAt']));
      const headerNames = answers.map((res) => Object.keys(res.headers).filter((h) => !['date', 'x-request-id'].includes(h)).sort());
      expect(headerNames[1]).toEqual(headerNames[0]);
      expect(headerNames[2]).toEqual(headerNames[0]);
      expect(answers.map((res) => [res.status, res.headers['content-length'] !== undefined])).toEqual(Array(3).fill([201, true]));
      for (const res of answers) {
        const body = res.body as InvitationView;
        expect(res.headers.location).toBe(`/api/v1/boards/${board.id}/invitations/${body.id}`);
        expect(res.headers.etag).toBeUndefined();
        expect(Date.parse(body.expiresAt) - Date.parse(body.createdAt)).toBe(14 * 24 * 3600 * 1000);
      }
      expect((await pendingOf(owner.auth, board.id)).map((i) => i.id)).toEqual(answers.map((res) => res.body.id));
      // No board event: every member would receive it, with the emails.
      expect((await snapshot(t, owner.auth, board.id)).seq).toBe(1);
    });

    it('lower-cases and trims the email, and renews a pending invitation of the same email: same id, new role and expiry', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const email = `${randomUUID()}@Example.TEST`;
      const first = (await invite(owner.auth, board.id, `  ${email.toUpperCase()} `, 'viewer')).body as InvitationView;
      expect(first.email).toBe(email.toLowerCase());
      await new Promise((r) => setTimeout(r, 20));
      const again = (await invite(owner.auth, board.id, email, 'editor')).body as InvitationView;
      expect(again).toEqual({ ...first, role: 'editor', expiresAt: expect.any(String) });
      expect(Date.parse(again.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
      expect(await pendingOf(owner.auth, board.id)).toEqual([again]);
    });

    it('replays an Idempotency-Key retry with the first answer', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const body = { email: `${randomUUID()}@example.test`, role: 'viewer' };
      const first = await t.http().post(invitationsOf(board.id)).set(owner.auth).set('Idempotency-Key', 'inv-1').send(body).expect(201);
      const retry = await t.http().post(invitationsOf(board.id)).set(owner.auth).set('Idempotency-Key', 'inv-1').send(body).expect(201);
      expect(retry.body).toEqual(first.body);
      const reused = await t.http().post(invitationsOf(board.id)).set(owner.auth).set('Idempotency-Key', 'inv-1').send({ ...body, role: 'editor' }).expect(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await pendingOf(owner.auth, board.id)).toEqual([first.body]);
    });

    it('answers 409 LIMIT_REACHED once members and pending invitations reach MEMBERS_PER_BOARD_MAX', async () => {
      const { owner, board } = await boardWithMembers(t, { members: ['viewer'] });
      const emails = Array.from({ length: CAP - 2 }, () => `${randomUUID()}@example.test`);
      const sent: InvitationView[] = [];
      for (const email of emails) sent.push((await invite(owner.auth, board.id, email)).body as InvitationView);
      // 2 members + 3 pending = CAP
      const full = await t.http().post(invitationsOf(board.id)).set(owner.auth).send({ email: `${randomUUID()}@example.test`, role: 'viewer' }).expect(409);
      expect(full.body).toMatchObject({ statusCode: 409, code: 'LIMIT_REACHED' });
      // Renewing a pending invitation adds nothing, so it is allowed at the cap.
      await invite(owner.auth, board.id, emails[0], 'viewer');
      // Revoking one, or letting one expire, frees a place.
      await t.http().delete(`${invitationsOf(board.id)}/${sent[1].id}`).set(owner.auth).expect(204);
      await invite(owner.auth, board.id, `${randomUUID()}@example.test`);
      await t.http().post(invitationsOf(board.id)).set(owner.auth).send({ email: `${randomUUID()}@example.test`, role: 'viewer' }).expect(409);
      await expire(sent[2].id);
      await invite(owner.auth, board.id, `${randomUUID()}@example.test`);
      expect(await pendingOf(owner.auth, board.id)).toHaveLength(CAP - 2);
    });

    it('rejects a bad email, a bad role, unknown fields and a bad Idempotency-Key with 400', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const res = await t.http().post(invitationsOf(board.id)).set(owner.auth).send({ email: 'nope', role: 'admin', userId: randomUUID() }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(res.body)).toEqual(['email', 'role', 'userId']);
      const long = await t.http().post(invitationsOf(board.id)).set(owner.auth).send({ email: `${'a'.repeat(250)}@example.test`, role: 'viewer' }).expect(400);
      expect(fieldsOf(long.body)).toEqual(['email']);
      expect(fieldsOf((await t.http().post(invitationsOf(board.id)).set(owner.auth).send({}).expect(400)).body)).toEqual(['email', 'role']);
      const key = await t.http().post(invitationsOf(board.id)).set(owner.auth).set('Idempotency-Key', 'has space').send({ email: 'a@example.test', role: 'viewer' }).expect(400);
      expect(fieldsOf(key.body)).toEqual(['Idempotency-Key']);
      expect(await pendingOf(owner.auth, board.id)).toEqual([]);
    });
  });

  describe('owners only', () => {
    it('answers 403 to editors and viewers and 404 BOARD_NOT_FOUND to non-members on every owner route', async () => {
      const { owner, board, members: [editor, viewer] } = await boardWithMembers(t, { members: ['editor', 'viewer'] });
      const stranger = await registerUser(t);
      const pending = (await invite(owner.auth, board.id, `${randomUUID()}@example.test`)).body as InvitationView;
      const b = invitationsOf(board.id);
      const requests = [
        ['POST invitations', () => t.http().post(b).send({ email: stranger.user.email, role: 'owner' })],
        ['GET invitations', () => t.http().get(b)],
        ['DELETE invitation', () => t.http().delete(`${b}/${pending.id}`)],
      ] as const;
      for (const member of [editor, viewer]) {
        expect(await outcomesOf(member.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 403, code: 'FORBIDDEN' })));
      }
      expect(await outcomesOf(stranger.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'BOARD_NOT_FOUND' })));
      expect(await pendingOf(owner.auth, board.id)).toEqual([pending]);
      expect(await mine(stranger.auth)).toEqual([]);
    });
  });

  describe('GET /boards/:boardId/invitations', () => {
    it('pages the pending invitations oldest first with a keyset cursor; bad limit and cursor are 400', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const sent: InvitationView[] = [];
      for (let i = 0; i < 3; i++) sent.push((await invite(owner.auth, board.id, `${randomUUID()}@example.test`)).body as InvitationView);
      const first = (await t.http().get(invitationsOf(board.id)).query({ limit: 2 }).set(owner.auth).expect(200)).body as Page<InvitationView>;
      expect(first.items).toEqual(sent.slice(0, 2));
      const second = (await t.http().get(invitationsOf(board.id)).query({ limit: 2, cursor: first.nextCursor! }).set(owner.auth).expect(200)).body as Page<InvitationView>;
      expect(second).toEqual({ items: sent.slice(2), nextCursor: null });
      for (const query of [{ limit: 0 }, { limit: 501 }, { cursor: 'nope' }, { extra: 1 }]) {
        const res = await t.http().get(invitationsOf(board.id)).query(query).set(owner.auth).expect(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });
  });

  describe('accepting', () => {
    it('an invitation sent before the account existed is listed for it once it registers, and can be accepted', async () => {
      const owner = await registerUser(t, 'Olga Owner');
      const board = await createBoard(t, owner.auth, { name: 'Later board' });
      const email = `${randomUUID()}@example.test`;
      const sent = (await invite(owner.auth, board.id, email.toUpperCase(), 'editor')).body as InvitationView;
      const newcomer = await registerAs(email, 'Nina Newcomer');
      expect(await mine(newcomer.auth)).toEqual([
        { id: sent.id, boardId: board.id, boardName: 'Later board', role: 'editor', invitedBy: { userId: owner.user.id, name: 'Olga Owner' }, expiresAt: sent.expiresAt, createdAt: sent.createdAt },
      ]);
      const res = await t.http().post(acceptPath(sent.id)).set(newcomer.auth).expect(200);
      expect(res.body as BoardSummary).toEqual({ id: board.id, name: 'Later board', description: '', seq: 1, version: 1, createdAt: board.createdAt, updatedAt: board.updatedAt, role: 'editor' });
      expect(res.headers.etag).toBe('"1"');
      expect(await mine(newcomer.auth)).toEqual([]);
      expect(await pendingOf(owner.auth, board.id)).toEqual([]);
      const boards = (await t.http().get('/api/v1/boards').set(newcomer.auth).expect(200)).body as Page<BoardSummary>;
      expect(boards.items.map((b) => [b.id, b.role])).toEqual([[board.id, 'editor']]);
      await t.http().post(`/api/v1/boards/${board.id}/columns`).set(newcomer.auth).send({ name: 'Mine' }).expect(201);
    });

    it('emits member.added by the invitee, without the email, and the new member can read the board', async () => {
      const { owner, board, members: [viewer] } = await boardWithMembers(t, { members: ['viewer'] });
      const invitee = await registerUser(t, 'Ivy Invitee');
      const sent = (await invite(owner.auth, board.id, invitee.user.email, 'viewer')).body as InvitationView;
      const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
      const accepted = (await t.http().post(acceptPath(sent.id)).set(invitee.auth).set('Idempotency-Key', 'accept-1').expect(200)).body as BoardSummary;
      expect(accepted).toMatchObject({ id: board.id, seq: seqBefore + 1, role: 'viewer' });
      const page = (await t.http().get(`/api/v1/boards/${board.id}/events`).query({ after: seqBefore }).set(viewer.auth).expect(200)).body as EventsPage;
      expect(page.items).toHaveLength(1);
      const event = page.items[0] as AnyBoardEvent;
      expect(event).toMatchObject({ seq: seqBefore + 1, type: 'member.added', actorId: invitee.user.id, idempotencyKey: 'accept-1' });
      expect(event.data).toEqual({ userId: invitee.user.id, name: 'Ivy Invitee', role: 'viewer', addedAt: expect.any(String) });
      expect(JSON.stringify(page)).not.toContain(invitee.user.email);
      const snap = await snapshot(t, invitee.auth, board.id);
      expect(snap).toMatchObject({ role: 'viewer', seq: seqBefore + 1 });
      // A retry with the same key replays the first answer; no second event.
      const retry = await t.http().post(acceptPath(sent.id)).set(invitee.auth).set('Idempotency-Key', 'accept-1').expect(200);
      expect(retry.body).toEqual(accepted);
      expect((await snapshot(t, owner.auth, board.id)).seq).toBe(seqBefore + 1);
    });

    it('answers 409 ALREADY_MEMBER to a member accepting an invitation to their board, which stays pending', async () => {
      const { owner, board, members: [viewer] } = await boardWithMembers(t, { members: ['viewer'] });
      const sent = (await invite(owner.auth, board.id, viewer.user.email, 'owner')).body as InvitationView;
      const seqBefore = (await snapshot(t, owner.auth, board.id)).seq;
      const res = await t.http().post(acceptPath(sent.id)).set(viewer.auth).expect(409);
      expect(res.body.code).toBe('ALREADY_MEMBER');
      expect((await members(owner.auth, board.id)).find((m) => m.userId === viewer.user.id)?.role).toBe('viewer');
      expect(await pendingOf(owner.auth, board.id)).toEqual([sent]);
      expect((await snapshot(t, owner.auth, board.id)).seq).toBe(seqBefore);
      await t.http().post(declinePath(sent.id)).set(viewer.auth).expect(204);
    });

    it('answers 404 INVITATION_NOT_FOUND to anyone but the invitee, for accept and decline alike', async () => {
      const { owner, board, members: [editor] } = await boardWithMembers(t, { members: ['editor'] });
      const invitee = await registerUser(t);
      const stranger = await registerUser(t);
      const sent = (await invite(owner.auth, board.id, invitee.user.email)).body as InvitationView;
      for (const who of [owner, editor, stranger]) {
        const requests = [
          ['accept', () => t.http().post(acceptPath(sent.id))],
          ['decline', () => t.http().post(declinePath(sent.id))],
        ] as const;
        expect(await outcomesOf(who.auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'INVITATION_NOT_FOUND' })));
      }
      expect(await mine(stranger.auth)).toEqual([]);
      for (const id of [randomUUID(), 'not-a-uuid']) {
        expect((await t.http().post(acceptPath(id)).set(invitee.auth).expect(404)).body.code).toBe('INVITATION_NOT_FOUND');
        expect((await t.http().post(declinePath(id)).set(invitee.auth).expect(404)).body.code).toBe('INVITATION_NOT_FOUND');
      }
      expect(await pendingOf(owner.auth, board.id)).toEqual([sent]);
      await t.http().post(acceptPath(sent.id)).set(invitee.auth).expect(200);
    });
  });

  describe('revoked, declined, accepted, expired and deleted-board invitations', () => {
    it('answer 404 INVITATION_NOT_FOUND and are listed nowhere', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const users = [await registerUser(t), await registerUser(t), await registerUser(t), await registerUser(t)];
      const [revoked, declined, accepted, expired] = await Promise.all(
        users.map(async (u) => (await invite(owner.auth, board.id, u.user.email, 'viewer')).body as InvitationView),
      );
      await t.http().delete(`${invitationsOf(board.id)}/${revoked.id}`).set(owner.auth).set('Idempotency-Key', 'revoke-1').expect(204);
      await t.http().delete(`${invitationsOf(board.id)}/${revoked.id}`).set(owner.auth).set('Idempotency-Key', 'revoke-1').expect(204);
      await t.http().post(declinePath(declined.id)).set(users[1].auth).expect(204);
      await t.http().post(acceptPath(accepted.id)).set(users[2].auth).expect(200);
      await expire(expired.id);

      for (const [i, invitation] of [revoked, declined, accepted, expired].entries()) {
        const requests = [
          ['accept', () => t.http().post(acceptPath(invitation.id))],
          ['decline', () => t.http().post(declinePath(invitation.id))],
        ] as const;
        expect(await outcomesOf(users[i].auth, requests)).toEqual(requests.map(([label]) => ({ label, status: 404, code: 'INVITATION_NOT_FOUND' })));
        expect(await mine(users[i].auth)).toEqual([]);
        const revoke = await t.http().delete(`${invitationsOf(board.id)}/${invitation.id}`).set(owner.auth).expect(404);
        expect(revoke.body.code).toBe('INVITATION_NOT_FOUND');
      }
      expect(await pendingOf(owner.auth, board.id)).toEqual([]);
      expect((await members(owner.auth, board.id)).map((m) => m.userId)).toEqual([owner.user.id, users[2].user.id]);
      expect((await t.http().delete(`${invitationsOf(board.id)}/not-a-uuid`).set(owner.auth).expect(404)).body.code).toBe('INVITATION_NOT_FOUND');

      // Inviting again after expiry is a new invitation (new id), which works.
      const renewed = (await invite(owner.auth, board.id, users[3].user.email, 'viewer')).body as InvitationView;
      expect(renewed.id).not.toBe(expired.id);
      expect((await mine(users[3].auth)).map((i) => i.id)).toEqual([renewed.id]);
      await t.http().post(acceptPath(renewed.id)).set(users[3].auth).expect(200);
    });

    it('an invitation to a board deleted since is not listed and cannot be answered', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const [a, b] = [await registerUser(t), await registerUser(t)];
      const toA = (await invite(owner.auth, board.id, a.user.email)).body as InvitationView;
      const toB = (await invite(owner.auth, board.id, b.user.email)).body as InvitationView;
      expect(await mine(a.auth)).toHaveLength(1);
      await t.http().delete(`/api/v1/boards/${board.id}`).set(owner.auth).expect(204);
      expect(await mine(a.auth)).toEqual([]);
      expect((await t.http().post(acceptPath(toA.id)).set(a.auth).expect(404)).body.code).toBe('INVITATION_NOT_FOUND');
      expect((await t.http().post(declinePath(toB.id)).set(b.auth).expect(404)).body.code).toBe('INVITATION_NOT_FOUND');
    });
  });

  describe('GET /users/me/invitations', () => {
    it('lists the caller’s invitations across boards, oldest first, in pages; bad limit and cursor are 400', async () => {
      const invitee = await registerUser(t);
      const boards: BoardSnapshot[] = [];
      const owner = await registerUser(t, 'Owner');
      for (let i = 0; i < 3; i++) boards.push(await createBoard(t, owner.auth, { name: `Board ${i}` }));
      for (const board of boards) await invite(owner.auth, board.id, invitee.user.email, 'viewer');
      const first = (await t.http().get(MINE).query({ limit: 2 }).set(invitee.auth).expect(200)).body as Page<ReceivedInvitationView>;
      const second = (await t.http().get(MINE).query({ limit: 2, cursor: first.nextCursor! }).set(invitee.auth).expect(200)).body as Page<ReceivedInvitationView>;
      expect(second.nextCursor).toBeNull();
      expect([...first.items, ...second.items].map((i) => i.boardName)).toEqual(['Board 0', 'Board 1', 'Board 2']);
      for (const query of [{ limit: 0 }, { limit: 101 }, { cursor: 'nope' }, { email: invitee.user.email }]) {
        expect((await t.http().get(MINE).query(query).set(invitee.auth).expect(400)).body.code).toBe('VALIDATION_FAILED');
      }
      expect((await t.http().get(MINE).expect(401)).body.code).toBe('UNAUTHORIZED');
    });
  });

  describe('members’ emails', () => {
    it('viewers and editors see no emails in GET members and in snapshots; owners do', async () => {
      const { owner, board, members: [editor, viewer] } = await boardWithMembers(t, { members: ['editor', 'viewer'] });
      const emails = new Map([owner, editor, viewer].map((u) => [u.user.id, u.user.email]));
      for (const reader of [editor, viewer]) {
        const listed = await members(reader.auth, board.id);
        const snap = await snapshot(t, reader.auth, board.id);
        expect(listed).toHaveLength(3);
        expect(snap.members).toEqual(listed);
        for (const m of listed) expect(Object.keys(m).sort()).toEqual(['addedAt', 'name', 'role', 'userId']);
        expect(JSON.stringify([listed, snap])).not.toMatch(/@example\.test/);
      }
      const listed = await members(owner.auth, board.id);
      expect(listed.map((m) => [m.userId, m.email])).toEqual([...emails.entries()]);
      expect((await snapshot(t, owner.auth, board.id)).members).toEqual(listed);
      // An editor promoted to owner sees them from then on.
      await t.http().patch(`/api/v1/boards/${board.id}/members/${editor.user.id}`).set(owner.auth).send({ role: 'owner' }).expect(200);
      expect((await members(editor.auth, board.id)).map((m) => m.email)).toEqual([...emails.values()]);
    });

    it('no member.added or member.updated event carries an email', async () => {
      const owner = await registerUser(t);
      const board = await createBoard(t, owner.auth);
      const member = await addMember(t, owner.auth, board.id, 'viewer');
      await t.http().patch(`/api/v1/boards/${board.id}/members/${member.user.id}`).set(owner.auth).send({ role: 'editor' }).expect(200);
      const page = (await t.http().get(`/api/v1/boards/${board.id}/events`).query({ after: 0 }).set(owner.auth).expect(200)).body as EventsPage;
      expect(page.items.map((e) => [e.type, Object.keys(e.data).sort()])).toEqual([
        ['member.added', ['addedAt', 'name', 'role', 'userId']],
        ['member.updated', ['addedAt', 'name', 'role', 'userId']],
      ]);
    });
  });
});
