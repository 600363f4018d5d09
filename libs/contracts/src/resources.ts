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
 * How `POST /auth/register` and `/auth/login` hand out the refresh token: in the JSON body (default,
 * for scripts and native apps) or, with `'cookie'`, only as the HttpOnly cookie `tasklane_refresh`
 * (browsers; see docs/security.md).
 */
export type SessionMode = 'body' | 'cookie';

/** Name of the HttpOnly refresh-token cookie of cookie sessions (Path=/api/v1/auth, SameSite=Strict). */
export const REFRESH_COOKIE = 'tasklane_refresh';

/** `POST /auth/register`, `/auth/login` and `/auth/refresh` response. `accessToken` is a JWT (15 min). */
export interface AuthResponse {
  user: UserView;
  accessToken: string;
  /** Absent in cookie sessions: the refresh token is then only in the `tasklane_refresh` cookie. */
  refreshToken?: string;
  /** Lifetime of `accessToken` in seconds. */
  expiresIn: number;
}

/** What a personal API token may do: `boards:read` (GET and HEAD only) and optionally `boards:write`. */
export type ApiTokenScope = 'boards:read' | 'boards:write';
export const API_TOKEN_SCOPES: readonly ApiTokenScope[] = ['boards:read', 'boards:write'];

/** A personal API token as `GET /users/me/api-tokens` lists it: never its secret. */
export interface ApiTokenView {
  id: string;
  name: string;
  scopes: ApiTokenScope[];
  createdAt: string;
  /** null: never expires. */
  expiresAt: string | null;
  /** Last authenticated use, updated at most once a minute; null: never used. */
  lastUsedAt: string | null;
}

/** `POST /users/me/api-tokens` response: the metadata plus the secret, shown this once (`tl_…`). */
export interface CreatedApiToken extends ApiTokenView {
  token: string;
}

/**
 * A member of a board. `email` is present only for owners (in `GET …/members` and in the snapshot):
 * viewers and editors see names only, and board events (`member.added`, `member.updated`), which
 * every member receives, never carry it.
 */
export interface MemberView {
  userId: string;
  email?: string;
  name: string;
  role: BoardRole;
  addedAt: string;
}

/** `data` of `member.added` and `member.updated`: a MemberView without the email. */
export type MemberEventData = Omit<MemberView, 'email'>;

/**
 * State of an invitation. Only `pending` ones are listed or answered; an invitation past its
 * `expiresAt` counts as not pending whatever its stored status.
 */
export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'revoked';
export const INVITATION_STATUSES: readonly InvitationStatus[] = ['pending', 'accepted', 'declined', 'revoked'];

/**
 * An invitation as the board's owners see it (`POST` and `GET /boards/:boardId/invitations`). The
 * answer to an invite has the same shape and status whether or not the email has an account or
 * already is a member.
 */
export interface InvitationView {
  id: string;
  boardId: string;
  /** Lower-cased. */
  email: string;
  role: BoardRole;
  status: InvitationStatus;
  expiresAt: string;
  createdAt: string;
}

/** An invitation as its invitee sees it (`GET /users/me/invitations`). */
export interface ReceivedInvitationView {
  id: string;
  boardId: string;
  boardName: string;
  role: BoardRole;
  invitedBy: { userId: string; name: string };
  expiresAt: string;
  createdAt: string;
}

export interface ColumnView {
  id: string;
  boardId: string;
  name: string;
  position: string;
  version: number;
  /** When the column was archived (it and its tasks then leave the board view); null when live. */
  archivedAt: string | null;
}

/** How many of a task's checklist items are done, of how many (`{ done: 3, total: 5 }`). */
export interface ChecklistProgress {
  done: number;
  total: number;
}

export interface TaskView {
  id: string;
  boardId: string;
  columnId: string;
  title: string;
  description: string;
  position: string;
  assigneeIds: string[];
  /** Ids of this board's labels (LabelView), in the order they were set. */
  labelIds: string[];
  dueAt: string | null;
  /** When the task was marked done (ISO-8601); null while open. A done task gets no due-date reminders and is never overdue. */
  completedAt: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  /** When the task was archived; null when live. A task in an archived column is hidden with it whatever this says. */
  archivedAt: string | null;
  /**
   * Number of comments. Comments and checklist items are their own resources: changing them does
   * not change the task's `version`; their events carry the new count and progress.
   */
  commentCount: number;
  checklist: ChecklistProgress;
}

/**
 * A comment on a task. `body` is Markdown (1…10,000 characters) that clients render sanitized (no
 * raw HTML). `mentionIds`: the board members its `@Name` mentions resolved to when it was last
 * written (docs/api.md#mentions).
 */
export interface CommentView {
  id: string;
  boardId: string;
  taskId: string;
  authorId: string;
  body: string;
  mentionIds: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** An item of a task's checklist, ordered by `position` (fractional index, byte order). */
export interface ChecklistItemView {
  id: string;
  boardId: string;
  taskId: string;
  text: string;
  done: boolean;
  position: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A board label: `name` 1…50 characters, `color` `#rrggbb` (lower case). Tasks refer to labels by id. */
export interface LabelView {
  id: string;
  boardId: string;
  name: string;
  color: string;
  version: number;
}

/**
 * An entry of `GET /boards/:boardId/archive`, newest archived first: an archived task (whose
 * column may be live or archived) or an archived column (with the number of its tasks hidden with it).
 */
export type ArchiveEntry = { kind: 'task'; archivedAt: string; task: TaskView } | { kind: 'column'; archivedAt: string; column: ColumnView; taskCount: number };

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
  /** Live columns only (archived ones are in `GET …/archive`). */
  columns: ColumnView[];
  /** Live tasks of live columns only. */
  tasks: TaskView[];
  members: MemberView[];
  /** The board's labels, by name. */
  labels: LabelView[];
}

/** A page of a cursor-paginated list. `nextCursor` is opaque; null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Why a user is notified: assigned to a task, mentioned in a comment, a comment on a task they
 * created or are assigned to, invited to a board, a task of theirs due soon or overdue, a webhook
 * of a board they own disabled after too many failed deliveries.
 */
export type NotificationKind = 'assigned' | 'mentioned' | 'commented' | 'invited' | 'due_soon' | 'overdue' | 'webhook_disabled';
export const NOTIFICATION_KINDS: readonly NotificationKind[] = ['assigned', 'mentioned', 'commented', 'invited', 'due_soon', 'overdue', 'webhook_disabled'];
