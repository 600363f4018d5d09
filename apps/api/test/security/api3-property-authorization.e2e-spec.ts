import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { BoardSnapshot, MemberView, Page } from '@tasklane/contracts';

// OWASP API3 (broken object property level authorization): a caller cannot set properties the
// API owns, and answers carry no property the caller may not see (password hashes, other members'
// emails for non-owners). Enumeration through login and invitations is covered in
// api2-authentication and invitations.e2e-spec.ts; through registration it is an accepted,
// rate-limited risk (docs/security.md). Limits off: this suite is about properties, not rates.
process.env.RATE_LIMITS = 'off';
const { useTestApp } = await import('../support/test-app.js');
const { addMember, createBoard, registerUser, tasksPath } = await import('../support/fixtures.js');

describe('API3: properties a caller may set and see', () => {
  const t = useTestApp();

  it('refuses properties the server owns (ids, versions, authors, roles, seqs) with 400 naming them, and writes nothing', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const attempts: [string, () => import('supertest').Test, string[]][] = [
      ['board with an owner and a seq', () => t.http().post('/api/v1/boards').set(owner.auth).send({ name: 'x', createdBy: randomUUID(), seq: 99, role: 'owner' }), ['createdBy', 'role', 'seq']],
      ['task with id, version and author', () => t.http().post(tasksPath(board.id)).set(owner.auth).send({ columnId: board.columns[0].id, title: 'x', id: randomUUID(), version: 7, createdBy: randomUUID(), boardId: randomUUID() }), ['boardId', 'createdBy', 'id', 'version']],
      ['board rename with a version', () => t.http().patch(`/api/v1/boards/${board.id}`).set(owner.auth).send({ name: 'y', version: 1 }), ['version']],
      ['member role change with a userId', () => t.http().patch(`/api/v1/boards/${board.id}/members/${owner.user.id}`).set(owner.auth).send({ role: 'owner', userId: randomUUID() }), ['userId']],
      ['register with a password hash', () => t.http().post('/api/v1/auth/register').send({ email: `${randomUUID()}@example.test`, password: 'correct horse battery', name: 'x', passwordHash: 'x' }), ['passwordHash']],
    ];
    for (const [label, send, fields] of attempts) {
      const res = await send();
      expect({ label, status: res.status, code: res.body.code }).toEqual({ label, status: 400, code: 'VALIDATION_FAILED' });
      expect((res.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual(fields);
    }
    const after = (await t.http().get(`/api/v1/boards/${board.id}`).set(owner.auth).expect(200)).body as BoardSnapshot;
    expect({ seq: after.seq, version: after.version, tasks: after.tasks.length, name: after.name }).toEqual({ seq: 0, version: 1, tasks: 0, name: board.name });
  });

  it('never answers a password hash, a refresh-token hash or a session secret, on any read of the account or the board', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const bodies = [
      (await t.http().get('/api/v1/users/me').set(owner.auth).expect(200)).body,
      (await t.http().get(`/api/v1/boards/${board.id}`).set(owner.auth).expect(200)).body,
      (await t.http().get(`/api/v1/boards/${board.id}/members`).set(owner.auth).expect(200)).body,
      (await t.http().post('/api/v1/auth/login').send({ email: owner.user.email, password: 'correct horse battery' }).expect(200)).body,
    ];
    for (const body of bodies) expect(JSON.stringify(body)).not.toMatch(/argon2|password|hash|token_hash|secret/i);
  });

  it('shows members’ emails to owners only: not to editors or viewers, and never in events', async () => {
    const owner = await registerUser(t);
    const board = await createBoard(t, owner.auth);
    const editor = await addMember(t, owner.auth, board.id, 'editor');
    const viewer = await addMember(t, owner.auth, board.id, 'viewer');
    await t.http().patch(`/api/v1/boards/${board.id}/members/${viewer.user.id}`).set(owner.auth).send({ role: 'viewer' }).expect(200);
    const emails = [owner, editor, viewer].map((u) => u.user.email);
    const seenBy = async (auth: { Authorization: string }) => {
      const snapshot = JSON.stringify((await t.http().get(`/api/v1/boards/${board.id}`).set(auth).expect(200)).body);
      const members = (await t.http().get(`/api/v1/boards/${board.id}/members`).set(auth).expect(200)).body as Page<MemberView>;
      const events = JSON.stringify((await t.http().get(`/api/v1/boards/${board.id}/events?after=0`).set(auth).expect(200)).body);
      return { snapshot, members, events };
    };
    for (const reader of [editor, viewer]) {
      const seen = await seenBy(reader.auth);
      for (const email of emails) {
        expect(seen.snapshot).not.toContain(email);
        expect(seen.events).not.toContain(email);
      }
      expect(seen.members.items.every((m) => m.email === undefined && m.name.length > 0)).toBe(true);
    }
    const ownerView = await seenBy(owner.auth);
    expect(ownerView.members.items.map((m) => m.email).sort()).toEqual([...emails].sort());
    for (const email of emails) expect(ownerView.events).not.toContain(email);
  });
});
