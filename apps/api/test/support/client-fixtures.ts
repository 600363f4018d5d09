// Fixtures over the typed client (libs/client) for the suites that drive real replicas behind nginx
// (multi-replica, faults): registering users, and matching the writes that succeeded against the
// board's event log.
import { randomUUID } from 'node:crypto';
import { TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, AuthResponse, BoardRole } from '@tasklane/contracts';
import { TEST_PASSWORD } from './fixtures.js';

/** A registered user and a typed client that sends their access token. */
export interface ClientUser {
  auth: AuthResponse;
  rest: TasklaneRestClient;
}

/**
 * Registers a user with a unique email (`<uuid>@example.test`) and TEST_PASSWORD through the typed
 * client, which keeps the access token for its later requests.
 * @param baseUrl origin of a replica or the load balancer
 * @throws TasklaneHttpError on a non-2xx answer; the fetch error when nothing answers
 */
export async function registerClient(baseUrl: string, name: string): Promise<ClientUser> {
  const rest = new TasklaneRestClient(baseUrl);
  const auth = await rest.register(`${randomUUID()}@example.test`, TEST_PASSWORD, name);
  return { auth, rest };
}

/**
 * Makes `member` a member of the board: `owner` invites their email with `role`, then `member`
 * accepts (which emits `member.added`, with `member` as its actor).
 * @param owner a client authenticated as an owner of the board
 * @returns the new member's user id (the `id` of its `member.added` WriteRecord)
 * @throws TasklaneHttpError when either request fails
 */
export async function addMemberVia(owner: TasklaneRestClient, boardId: string, member: ClientUser, role: BoardRole): Promise<string> {
  const invitation = await owner.inviteMember(boardId, member.auth.user.email, role);
  await member.rest.acceptInvitation(invitation.id);
  return member.auth.user.id;
}

/** A 2xx write as the event log must contain it: event type, entity id, and version for versioned entities. */
export interface WriteRecord {
  /** The event type the write produces, e.g. `task.moved`. */
  type: string;
  /** The entity's id (a member's user id). */
  id: string;
  /** The version the write returned; absent for deletes and members, which carry none. */
  version?: number;
}

/** `type:id:version` (version empty when absent): equal for a write and the event it produced. */
export const writeKey = (w: WriteRecord): string => `${w.type}:${w.id}:${w.version ?? ''}`;

/**
 * The `writeKey` of the write that produced `event`: id from `data.id` (`data.userId` for member
 * events), version from `data.version` except for `*.deleted` and `member.*` events.
 */
export const eventKey = (event: AnyBoardEvent): string => {
  const d = event.data as { id?: string; userId?: string; version?: number };
  const withVersion = !event.type.endsWith('.deleted') && !event.type.startsWith('member.');
  return writeKey({ type: event.type, id: (d.id ?? d.userId) as string, version: withVersion ? d.version : undefined });
};
