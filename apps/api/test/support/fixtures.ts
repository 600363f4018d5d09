// Shared REST fixtures for the e2e suites. Every request goes through `t.http()` (support/test-app.ts).
// This module imports test-app.ts for types only, so a suite may import it statically and still set
// the environment before it imports the app (delivery.e2e-spec.ts does).
import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { pollUntil } from '@tasklane/cluster';
import type { Test } from 'supertest';
import type { AuthResponse, BoardRole, BoardSnapshot, LabelView, TaskView } from '@tasklane/contracts';
import type { HttpTarget } from './test-app.js';

/** The header that authenticates a request: `{ Authorization: 'Bearer <access token>' }`. */
export type Auth = { Authorization: string };

/** A registered user: the register response (body mode, so with its refresh token) plus a ready `Authorization` header. */
export type TestUser = AuthResponse & { refreshToken: string; auth: Auth };

/** The password `registerUser` gives every user. */
export const TEST_PASSWORD = 'correct horse battery';

/**
 * Registers a user with a unique email (`<uuid>@example.test`) and TEST_PASSWORD.
 * @param name display name, `Test User` unless given
 * @returns tokens, the user view and `auth`, a ready `Authorization` header
 * @throws the supertest assertion error unless the answer is 201
 */
export async function registerUser(t: HttpTarget, name = 'Test User'): Promise<TestUser> {
  const email = `${randomUUID()}@example.test`;
  const res = await t.http().post('/api/v1/auth/register').send({ email, password: TEST_PASSWORD, name }).expect(201);
  const body = res.body as AuthResponse & { refreshToken: string };
  expect(body.refreshToken).toEqual(expect.any(String));
  return { ...body, auth: { Authorization: `Bearer ${body.accessToken}` } };
}

/**
 * Creates a board owned by `auth`'s user (`POST /boards`).
 * @param body the request body, `{ name: 'Board' }` unless given (so the default columns To do, Doing, Done)
 * @returns the new board's snapshot (seq 0, the creator as owner)
 * @throws the supertest assertion error unless the answer is 201
 */
export async function createBoard(t: HttpTarget, auth: Auth, body: Record<string, unknown> = { name: 'Board' }): Promise<BoardSnapshot> {
  const res = await t.http().post('/api/v1/boards').set(auth).send(body).expect(201);
  return res.body as BoardSnapshot;
}

/**
 * Fetches a board's snapshot (`GET /boards/:boardId`) as `auth`'s user.
 * @returns columns and tasks in position order, members in the order added, the caller's role and seq
 * @throws the supertest assertion error unless the answer is 200 (e.g. 404 for a non-member)
 */
export async function snapshot(t: HttpTarget, auth: Auth, boardId: string): Promise<BoardSnapshot> {
  return (await t.http().get(`/api/v1/boards/${boardId}`).set(auth).expect(200)).body as BoardSnapshot;
}

/**
 * Makes a user a member of a board the way a client does: `owner` invites their email
 * (`POST /boards/:boardId/invitations`), then they accept (`POST /invitations/:id/accept`, which
 * emits one `member.added` with them as its actor).
 * @param owner an owner's `Authorization` header
 * @param member the user to add; a newly registered `Test User` unless given
 * @returns the member (the given user, or the new one)
 * @throws the supertest assertion error unless the invitation answers 201 and the acceptance 200
 */
export async function addMember(t: HttpTarget, owner: Auth, boardId: string, role: BoardRole, member?: TestUser): Promise<TestUser> {
  const user = member ?? (await registerUser(t));
  const invitation = await t.http().post(`/api/v1/boards/${boardId}/invitations`).set(owner).send({ email: user.user.email, role }).expect(201);
  await t.http().post(`/api/v1/invitations/${invitation.body.id as string}/accept`).set(user.auth).expect(200);
  return user;
}

/**
 * Registers an owner, creates a board, then registers and adds one member per entry of `members`,
 * one after another (so the board lists them in that order, after the owner).
 * @param options.ownerName the owner's display name, `Test User` unless given
 * @param options.board the `POST /boards` body, `{ name: 'Board' }` unless given
 * @param options.members the members' roles, e.g. `['editor', 'viewer']`; none unless given
 * @returns `{ owner, board, members }`, `members[i]` having role `options.members[i]`; `board` is
 *   the snapshot returned on creation (seq 0, before the members were added)
 * @throws the supertest assertion error when any of the requests fails
 */
export async function boardWithMembers<const R extends readonly BoardRole[] = []>(
  t: HttpTarget,
  options: { ownerName?: string; board?: Record<string, unknown>; members?: R } = {},
): Promise<{ owner: TestUser; board: BoardSnapshot; members: { [K in keyof R]: TestUser } }> {
  const owner = await registerUser(t, options.ownerName);
  const board = await createBoard(t, owner.auth, options.board);
  const members: TestUser[] = [];
  for (const role of options.members ?? []) members.push(await addMember(t, owner.auth, board.id, role));
  return { owner, board, members: members as { [K in keyof R]: TestUser } };
}

/** `/api/v1/boards/<boardId>/tasks`, the collection path of a board's tasks. */
export const tasksPath = (boardId: string): string => `/api/v1/boards/${boardId}/tasks`;

/**
 * Creates a task (`POST /boards/:boardId/tasks`) as `auth`'s user.
 * @param body the request body: `{ columnId, title, ... }`
 * @returns the task view (version 1)
 * @throws the supertest assertion error unless the answer is 201
 */
export async function createTask(t: HttpTarget, auth: Auth, boardId: string, body: Record<string, unknown>): Promise<TaskView> {
  return (await t.http().post(tasksPath(boardId)).set(auth).send(body).expect(201)).body as TaskView;
}

/**
 * Compares by `position` in byte order, the order fractional-index keys are defined in (not
 * localeCompare). For `Array.prototype.sort`: negative, 0 or positive.
 */
/** Creates a label on the board (201) and returns it. */
export async function createLabel(t: HttpTarget, auth: Auth, boardId: string, name: string, color = '#0090ff'): Promise<LabelView> {
  const res = await t.http().post(`/api/v1/boards/${boardId}/labels`).set(auth).send({ name, color });
  if (res.status !== 201) throw new Error(`createLabel: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as LabelView;
}

export const byPosition = (a: { position: string }, b: { position: string }): number => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0);

/**
 * Sorts columns or tasks by `byPosition` and asserts that `items` already came in that order (as
 * the API promises) and that no two share a position.
 * @returns a sorted copy of `items`
 * @throws the expect assertion error when either does not hold
 */
export function inPositionOrder<T extends { id: string; position: string }>(items: readonly T[]): T[] {
  const sorted = [...items].sort(byPosition);
  expect(items.map((item) => item.id)).toEqual(sorted.map((item) => item.id));
  expect(new Set(items.map((item) => item.position)).size).toBe(items.length);
  return sorted;
}

/** The distinct `field`s of an error body's `details` (400 VALIDATION_FAILED), sorted; `[]` without details. */
export const fieldsOf = (body: { details?: { field: string }[] }): string[] => [...new Set((body.details ?? []).map((d) => d.field))].sort();

/** What one labelled request answered: its status and the error body's `code` (undefined on success). */
export interface Outcome {
  label: string;
  status: number;
  code: unknown;
}

/**
 * Sends labelled requests one after another, each with `auth` set on it, and collects what each
 * answered, so that one `toEqual` can show every route that misbehaved.
 * @param requests `[label, () => t.http().<method>(path)...]` tuples (further elements, e.g. the
 *   expected code, are ignored); the thunk builds the request without sending it
 * @returns one Outcome per request, in order
 * @throws the network error of a request that got no answer
 */
export async function outcomesOf(auth: Auth, requests: readonly (readonly [label: string, send: () => Test, ...rest: unknown[]])[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const [label, send] of requests) {
    const res = await send().set(auth);
    outcomes.push({ label, status: res.status, code: res.body.code });
  }
  return outcomes;
}

/**
 * Runs a retention pass now (`RetentionService.pruneOnce`, passed in so this module stays free of
 * the app). Every test app also runs the scheduled pass (RETENTION_CRON, every minute), which may
 * hold the retention lock at this very moment: then pruneOnce answers null, and this tries again
 * every 100 ms until a pass of its own has run (at most 10 s). What is due is gone afterwards, but
 * the report may count less than expected when the scheduled pass pruned first: assert on the rows.
 * @throws Error (pollUntil's) when no pass of its own could run within 10 s.
 */
export function pruneNow<T>(retention: { pruneOnce(): Promise<T | null> }): Promise<T> {
  return pollUntil('a retention pass of its own', async () => {
    const report = await retention.pruneOnce();
    if (report === null) throw new Error('the retention lock is taken');
    return report;
  }, 10_000);
}
