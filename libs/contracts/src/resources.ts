/**
 * REST resource shapes as they appear on the wire (JSON). Timestamps are ISO-8601 strings in UTC;
 * ids are UUIDs; `position` is a fractional-index key (https://github.com/rocicorp/fractional-indexing)
 * that sorts by plain byte order; `version` starts at 1 and grows by one per change.
 */

/** Role of a user on a board. Viewers read; editors and owners write; owners manage the board and members. */
export type BoardRole = 'owner' | 'editor' | 'viewer';
export const BOARD_ROLES: readonly BoardRole[] = ['owner', 'editor', 'viewer'];

/** A user as others see it. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/**
 * `POST /auth/register`, `/auth/login` and `/auth/refresh` response. `accessToken` is a JWT (15 min).
 * `refreshToken` is absent in the cookie session mode (`"session": "cookie"` in the request): the
 * server then sets it as the HttpOnly cookie `tasklane_refresh` instead.
 */
export interface AuthResponse {
  user: UserView;
  accessToken: string;
  refreshToken?: string;
  /** Lifetime of `accessToken` in seconds. */
  expiresIn: number;
}

export interface MemberView {
  userId: string;
  /** Shown to owners; may be absent for other roles (invitations contract). */
  email?: string;
  name: string;
  role: BoardRole;
  addedAt: string;
}

export interface ColumnView {
  id: string;
  boardId: string;
  name: string;
  position: string;
  version: number;
}

export interface TaskView {
  id: string;
  boardId: string;
  columnId: string;
  title: string;
  description: string;
  position: string;
  assigneeIds: string[];
  labels: string[];
  dueAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}

/** A board without its children (list items, `board.updated` event data). */
export interface BoardSummary {
  id: string;
  name: string;
  description: string;
  /** Number of the last event committed on this board (0 before the first change). */
  seq: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The caller's role (absent in event data, which every member receives). */
  role?: BoardRole;
}

/**
 * `GET /boards/:boardId`: everything on the board as of event `seq`, read in one REPEATABLE READ
 * transaction, so replaying events with seq > `seq` on top of it yields the current state.
 * Columns are ordered by position; tasks by (column position, task position).
 */
export interface BoardSnapshot extends BoardSummary {
  columns: ColumnView[];
  tasks: TaskView[];
  members: MemberView[];
}

/** A page of a cursor-paginated list. `nextCursor` is opaque; null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Status of an invitation to a board. */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked' | 'expired';

/** `POST /boards/:boardId/invitations` response and `GET /boards/:boardId/invitations` item (owners). */
export interface InvitationView {
  id: string;
  boardId: string;
  email: string;
  role: BoardRole;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
}

/** `GET /users/me/invitations` item: an invitation addressed to the caller. */
export interface MyInvitationView {
  id: string;
  boardId: string;
  boardName: string;
  role: BoardRole;
  invitedBy: { userId: string; name: string };
  expiresAt: string;
  createdAt: string;
}
