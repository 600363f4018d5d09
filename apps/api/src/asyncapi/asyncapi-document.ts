import {
  ALL_ERROR_CODES,
  BOARD_EVENT_TYPES,
  BOARD_ROLES,
  SOCKET_PATH,
  type BoardEventType,
  type BoardSeqNotice,
  type BoardSummary,
  type ChecklistItemDeletedData,
  type ChecklistItemEventData,
  type ChecklistProgress,
  type ColumnRestoredData,
  type CommentDeletedData,
  type CommentEventData,
  type LabelView,
  type ClientToServerEvents,
  type ColumnView,
  type DisconnectNotice,
  type DeletedRef,
  type ImportProgressNotice,
  type JoinOk,
  type JoinRequest,
  type MemberView,
  type NotificationView,
  NOTIFICATION_KINDS,
  type PresenceNotice,
  type PresenceUser,
  type ServerToClientEvents,
  type SessionExpiredNotice,
  type TaskView,
} from '@tasklane/contracts';

/** A JSON Schema object (AsyncAPI 3 payloads default to JSON Schema draft 7). */
type Schema = Record<string, unknown>;

/**
 * A JSON Schema for a contracts type: `properties` must name every field of `T`, no more, no less
 * (the compiler checks it), so the document cannot drift from libs/contracts. Fields listed in
 * `optional` are not `required`.
 */
function object<T>(description: string, properties: { [K in keyof Required<T>]: Schema }, optional: (keyof T)[] = []): Schema {
  const keys = Object.keys(properties) as (keyof T & string)[];
  return { type: 'object', description, properties, required: keys.filter((k) => !optional.includes(k)), additionalProperties: false };
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const uuid: Schema = { type: 'string', format: 'uuid' };
const time: Schema = { type: 'string', format: 'date-time' };
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', minimum: 0 };
const role: Schema = { type: 'string', enum: [...BOARD_ROLES] };

/** The `data` schema of each event type (a new type in BOARD_EVENT_TYPES fails to compile until it is added). */
const EVENT_DATA: Record<BoardEventType, string> = {
  'board.updated': 'BoardSummary',
  'board.deleted': 'DeletedRef',
  'column.created': 'ColumnView',
  'column.updated': 'ColumnView',
  'column.deleted': 'DeletedRef',
  'column.archived': 'ColumnView',
  'column.restored': 'ColumnRestored',
  'task.created': 'TaskView',
  'task.updated': 'TaskView',
  'task.moved': 'TaskView',
  'task.deleted': 'DeletedRef',
  'task.archived': 'TaskView',
  'task.restored': 'TaskView',
  'comment.created': 'CommentEvent',
  'comment.updated': 'CommentEvent',
  'comment.deleted': 'CommentDeleted',
  'checklist.item_created': 'ChecklistItemEvent',
  'checklist.item_updated': 'ChecklistItemEvent',
  'checklist.item_deleted': 'ChecklistItemDeleted',
  'label.created': 'LabelView',
  'label.updated': 'LabelView',
  'label.deleted': 'DeletedRef',
  'member.added': 'MemberView',
  'member.updated': 'MemberView',
  'member.removed': 'DeletedRef',
};

const schemas: Record<string, Schema> = {
  BoardSummary: object<BoardSummary>(
    'A board without its children (`role` absent in event data).',
    { id: uuid, name: str, description: str, seq: int, version: int, createdAt: time, updatedAt: time, role },
    ['role'],
  ),
  ColumnView: object<ColumnView>('A column.', {
    id: uuid,
    boardId: uuid,
    name: str,
    position: { type: 'string', description: 'fractional-index key' },
    version: int,
    archivedAt: { oneOf: [time, { type: 'null' }] },
  }),
  ChecklistProgress: object<ChecklistProgress>('Checklist items done, of how many.', { done: int, total: int }),
  TaskView: object<TaskView>('A task after the change.', {
    id: uuid,
    boardId: uuid,
    columnId: uuid,
    title: str,
    description: str,
    position: { type: 'string', description: 'fractional-index key' },
    assigneeIds: { type: 'array', items: uuid },
    labelIds: { type: 'array', items: uuid },
    dueAt: { oneOf: [time, { type: 'null' }] },
    completedAt: { oneOf: [time, { type: 'null' }] },
    version: int,
    createdAt: time,
    updatedAt: time,
    createdBy: uuid,
    updatedBy: uuid,
    archivedAt: { oneOf: [time, { type: 'null' }] },
    commentCount: int,
    checklist: ref('ChecklistProgress'),
  }),
  ColumnRestored: object<ColumnRestoredData>('A restored column and the tasks that come back with it, by position.', { column: ref('ColumnView'), tasks: { type: 'array', items: ref('TaskView') } }),
  CommentEvent: object<CommentEventData>('A comment after the change, with its task’s comment count.', {
    id: uuid,
    boardId: uuid,
    taskId: uuid,
    authorId: uuid,
    body: { type: 'string', description: 'Markdown (render without raw HTML)' },
    mentionIds: { type: 'array', items: uuid },
    version: int,
    createdAt: time,
    updatedAt: time,
    commentCount: int,
  }),
  CommentDeleted: object<CommentDeletedData>('A deleted comment and its task’s comment count.', { id: uuid, taskId: uuid, commentCount: int }),
  ChecklistItemEvent: object<ChecklistItemEventData>('A checklist item after the change, with its task’s progress.', {
    id: uuid,
    boardId: uuid,
    taskId: uuid,
    text: str,
    done: { type: 'boolean' },
    position: { type: 'string', description: 'fractional-index key' },
    version: int,
    createdAt: time,
    updatedAt: time,
    progress: ref('ChecklistProgress'),
  }),
  ChecklistItemDeleted: object<ChecklistItemDeletedData>('A deleted checklist item and its task’s progress.', { id: uuid, taskId: uuid, progress: ref('ChecklistProgress') }),
  LabelView: object<LabelView>('A board label.', { id: uuid, boardId: uuid, name: str, color: { type: 'string', pattern: '^#[0-9a-f]{6}$' }, version: int }),
  MemberView: object<MemberView>('A board member.', { userId: uuid, email: { type: 'string', format: 'email' }, name: str, role, addedAt: time }, ['email']),
  DeletedRef: object<DeletedRef>('The id of what was deleted (a user id for `member.removed`).', { id: uuid }),
  BoardEvent: {
    description: 'One change on a board (`BoardEventEnvelope` in libs/contracts/src/events.ts), discriminated on `type`.',
    oneOf: BOARD_EVENT_TYPES.map((type) => ({
      type: 'object',
      title: type,
      properties: {
        boardId: uuid,
        seq: { type: 'integer', minimum: 1, description: '1, 2, 3 … per board, no gaps, in commit order' },
        type: { const: type },
        actorId: { ...uuid, description: 'the user whose request caused the change' },
        occurredAt: time,
        data: ref(EVENT_DATA[type]),
        idempotencyKey: { type: 'string', description: 'the Idempotency-Key of the request that caused it' },
      },
      required: ['boardId', 'seq', 'type', 'actorId', 'occurredAt', 'data'],
      additionalProperties: false,
    })),
  },
  JoinRequest: object<JoinRequest>('`board:join` payload.', { boardId: uuid, afterSeq: { type: 'integer', minimum: 0, maximum: 2147483647 } }, ['afterSeq']),
  JoinAck: {
    description: 'Acknowledgement of `board:join` (`JoinAck`).',
    oneOf: [
      object<JoinOk>(
        'Joined. With `afterSeq`: the events after it, or `resync` (refetch the snapshot).',
        { ok: { const: true }, seq: int, events: { type: 'array', items: ref('BoardEvent') }, resync: { type: 'boolean' } },
        ['events', 'resync'],
      ),
      ref('AckError'),
    ],
  },
  LeaveAck: { description: 'Acknowledgement of `board:leave`.', oneOf: [{ type: 'object', properties: { ok: { const: true } }, required: ['ok'], additionalProperties: false }, ref('AckError')] },
  AckError: {
    type: 'object',
    description: 'A refused request.',
    properties: {
      ok: { const: false },
      error: { type: 'object', properties: { code: { type: 'string', enum: [...ALL_ERROR_CODES] }, message: str }, required: ['code', 'message'], additionalProperties: false },
    },
    required: ['ok', 'error'],
    additionalProperties: false,
  },
  BoardSeqNotice: object<BoardSeqNotice>("The board's current last seq.", { boardId: uuid, seq: int }),
  BoardRemoved: { type: 'object', properties: { boardId: uuid, reason: str }, required: ['boardId', 'reason'], additionalProperties: false },
  AuthRefreshRequest: { type: 'object', description: '`auth:refresh` payload: the new access token (or API token).', properties: { token: str }, required: ['token'], additionalProperties: false },
  AuthRefreshAck: {
    description: 'Acknowledgement of `auth:refresh` (`AuthRefreshAck`): when the new credential expires (null: an API token without expiry).',
    oneOf: [
      { type: 'object', properties: { ok: { const: true }, expiresAt: { oneOf: [time, { type: 'null' }] } }, required: ['ok', 'expiresAt'], additionalProperties: false },
      ref('AckError'),
    ],
  },
  SessionExpiredNotice: object<SessionExpiredNotice>('Why the server is about to disconnect this socket.', { reason: { type: 'string', enum: ['token_expired', 'session_revoked'] } }),
  DisconnectNotice: object<DisconnectNotice>('Why the server is about to disconnect this socket on purpose: wait before reconnecting.', { reason: { type: 'string', enum: ['rate_limited'] } }),
  PresenceUser: object<PresenceUser>('A user viewing the board.', { userId: uuid }),
  PresenceNotice: object<PresenceNotice>('Everyone viewing the board now, on any replica, sorted by userId.', {
    boardId: uuid,
    users: { type: 'array', items: ref('PresenceUser') },
  }),
  ImportProgressNotice: object<ImportProgressNotice>(
    "A board import's progress, to its importer's sockets only: `running` notices with a `processed` that never decreases, then one `succeeded` (with `boardId`) or `failed` (with `error`). At most once per socket; `GET /api/v1/imports/{importId}` always has the final status.",
    {
      importId: uuid,
      status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] },
      processed: int,
      total: int,
      boardId: uuid,
      error: str,
    },
    ['boardId', 'error'],
  ),
  NotificationView: object<NotificationView>(
    "A notification of this socket's user. `seq` is the user's own sequence (1, 2, 3 … in commit order): after a gap or a reconnect, fetch `GET /api/v1/users/me/notifications?afterSeq=<last seen>`.",
    {
      id: uuid,
      seq: { type: 'integer', minimum: 1 },
      kind: { type: 'string', enum: [...NOTIFICATION_KINDS] },
      boardId: uuid,
      boardName: { type: ['string', 'null'] },
      taskId: { oneOf: [uuid, { type: 'null' }] },
      taskTitle: { type: ['string', 'null'] },
      commentId: { oneOf: [uuid, { type: 'null' }] },
      actorId: uuid,
      actorName: str,
      createdAt: time,
      readAt: { oneOf: [time, { type: 'null' }] },
    },
  ),
};

interface MessageSpec {
  name: string;
  summary: string;
  schema: string;
}
/**
 * The message id of each Socket.IO event in libs/contracts/src/socket.ts: an event added there
 * fails to compile until it is described here.
 */
const EVENT_MESSAGES: Record<keyof ClientToServerEvents | keyof ServerToClientEvents, string> = {
  'board:join': 'boardJoin',
  'board:leave': 'boardLeave',
  'auth:refresh': 'authRefresh',
  'board:event': 'boardEvent',
  'board:seq': 'boardSeq',
  'board:removed': 'boardRemoved',
  'session:expired': 'sessionExpired',
  'disconnect:reason': 'disconnectReason',
  'presence:state': 'presenceState',
  'presence:update': 'presenceUpdate',
  'notification:new': 'notificationNew',
  'import:progress': 'importProgress',
};

const MESSAGES: Record<string, MessageSpec> = {
  boardJoin: { name: 'board:join', summary: 'Join a board room (membership checked), optionally from a seq.', schema: 'JoinRequest' },
  boardJoinAck: { name: 'board:join ack', summary: 'The acknowledgement of `board:join`.', schema: 'JoinAck' },
  boardLeave: { name: 'board:leave', summary: 'Leave a board room.', schema: 'BoardLeave' },
  boardLeaveAck: { name: 'board:leave ack', summary: 'The acknowledgement of `board:leave`.', schema: 'LeaveAck' },
  authRefresh: { name: 'auth:refresh', summary: "Replace the socket's credential before it expires.", schema: 'AuthRefreshRequest' },
  authRefreshAck: { name: 'auth:refresh ack', summary: 'The acknowledgement of `auth:refresh`.', schema: 'AuthRefreshAck' },
  sessionExpired: { name: 'session:expired', summary: "Right before the server disconnects the socket because its token expired or its session was revoked.", schema: 'SessionExpiredNotice' },
  disconnectReason: { name: 'disconnect:reason', summary: 'Right before the server disconnects a socket that kept sending far over its rate limit.', schema: 'DisconnectNotice' },
  boardEvent: { name: 'board:event', summary: 'A committed change of a joined board (at least once; drop duplicates by seq).', schema: 'BoardEvent' },
  boardSeq: { name: 'board:seq', summary: "The board's last seq: after each join and every SEQ_HEARTBEAT_MS.", schema: 'BoardSeqNotice' },
  boardRemoved: { name: 'board:removed', summary: 'This socket was taken out of the board room (membership revoked, board deleted).', schema: 'BoardRemoved' },
  presenceState: { name: 'presence:state', summary: 'Who is viewing the board, to a socket right after its join. Not in the seq stream.', schema: 'PresenceNotice' },
  presenceUpdate: { name: 'presence:update', summary: 'Who is viewing the board, to the room when the set changes: at once for the first change, then at most one notice per 500 ms per board and replica (the full set, so merged changes lose nothing). Not in the seq stream.', schema: 'PresenceNotice' },
  notificationNew: {
    name: 'notification:new',
    summary: "A new notification, to every socket of its user on every replica, once each, after the write that caused it committed. Numbered by the user's own seq.",
    schema: 'NotificationView',
  },
  importProgress: {
    name: 'import:progress',
    summary: "A board import's progress, to every socket of its importer on every replica: `running` (monotonic `processed`), then `succeeded` or `failed`.",
    schema: 'ImportProgressNotice',
  },
};
schemas.BoardLeave = { type: 'object', properties: { boardId: uuid }, required: ['boardId'], additionalProperties: false };

const msgRef = (channel: string, id: string) => ({ $ref: `#/channels/${channel}/messages/${id}` });
const chanRef = (channel: string) => ({ $ref: `#/channels/${channel}` });

/**
 * The AsyncAPI 3.0 document of Tasklane's Socket.IO protocol (served at `/docs/asyncapi.json`,
 * rendered at `/docs/asyncapi`). It describes the server: `receive` operations are what a client
 * emits to it, `send` operations what it emits to clients; a Socket.IO acknowledgement is the
 * operation's `reply`. Payload schemas are typed against libs/contracts (see `object`).
 */
export function buildAsyncApiDocument(): Record<string, unknown> {
  for (const [event, id] of Object.entries(EVENT_MESSAGES)) if (MESSAGES[id]?.name !== event) throw new Error(`AsyncAPI: no message ${id} for ${event}`);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tasklane Socket.IO protocol',
      version: '1.0.0',
      description:
        'Real-time board events over Socket.IO 4 (websocket transport only). Connect with `auth: { token: <access token> }`; ' +
        'a missing or expired token is refused with connect_error `unauthorized`; renew it with `auth:refresh` before it expires. Socket.IO event names are the message names ' +
        '(`board:join`, `board:event`, …); acknowledgements are operation replies. Delivery rules: docs/delivery.md.',
    },
    servers: {
      local: { host: 'localhost:3000', protocol: 'ws', pathname: SOCKET_PATH, description: 'One replica (`npm start`) or the load balancer; same port as REST.' },
    },
    defaultContentType: 'application/json',
    channels: {
      socket: {
        address: '/',
        title: 'The default namespace',
        description: 'What a client emits, with the acknowledgements it gets back.',
        messages: {
          boardJoin: message('boardJoin'),
          boardJoinAck: message('boardJoinAck'),
          boardLeave: message('boardLeave'),
          boardLeaveAck: message('boardLeaveAck'),
          authRefresh: message('authRefresh'),
          authRefreshAck: message('authRefreshAck'),
          sessionExpired: message('sessionExpired'),
          disconnectReason: message('disconnectReason'),
        },
      },
      board: {
        address: 'board:{boardId}',
        title: 'A board room',
        description: 'Every socket that joined the board hears these.',
        parameters: { boardId: { description: 'The board id (lower-case UUID).' } },
        messages: {
          boardEvent: message('boardEvent'),
          boardSeq: message('boardSeq'),
          boardRemoved: message('boardRemoved'),
          presenceState: message('presenceState'),
          presenceUpdate: message('presenceUpdate'),
        },
      },
      user: {
        address: 'user:{userId}',
        title: "A user's room",
        description: 'Every socket of one user, on every replica, joins it on connect (no request needed).',
        parameters: { userId: { description: 'The user id (lower-case UUID).' } },
        messages: { notificationNew: message('notificationNew'), importProgress: message('importProgress') },
      },
    },
    operations: {
      joinBoard: {
        action: 'receive',
        summary: 'A client joins a board room.',
        channel: chanRef('socket'),
        messages: [msgRef('socket', 'boardJoin')],
        reply: { channel: chanRef('socket'), messages: [msgRef('socket', 'boardJoinAck')] },
      },
      leaveBoard: {
        action: 'receive',
        summary: 'A client leaves a board room.',
        channel: chanRef('socket'),
        messages: [msgRef('socket', 'boardLeave')],
        reply: { channel: chanRef('socket'), messages: [msgRef('socket', 'boardLeaveAck')] },
      },
      refreshAuth: {
        action: 'receive',
        summary: "A client replaces the socket's credential.",
        channel: chanRef('socket'),
        messages: [msgRef('socket', 'authRefresh')],
        reply: { channel: chanRef('socket'), messages: [msgRef('socket', 'authRefreshAck')] },
      },
      sendSessionExpired: { action: 'send', summary: 'The session of this socket ended.', channel: chanRef('socket'), messages: [msgRef('socket', 'sessionExpired')] },
      sendDisconnectReason: { action: 'send', summary: 'This socket is disconnected for flooding.', channel: chanRef('socket'), messages: [msgRef('socket', 'disconnectReason')] },
      sendBoardEvent: { action: 'send', summary: 'Each committed change.', channel: chanRef('board'), messages: [msgRef('board', 'boardEvent')] },
      sendBoardSeq: { action: 'send', summary: 'The seq heartbeat.', channel: chanRef('board'), messages: [msgRef('board', 'boardSeq')] },
      sendBoardRemoved: { action: 'send', summary: 'Access to the board ended.', channel: chanRef('board'), messages: [msgRef('board', 'boardRemoved')] },
      sendPresence: {
        action: 'send',
        summary: 'Who is viewing the board.',
        channel: chanRef('board'),
        messages: [msgRef('board', 'presenceState'), msgRef('board', 'presenceUpdate')],
      },
      sendNotification: { action: 'send', summary: 'A new notification of this user.', channel: chanRef('user'), messages: [msgRef('user', 'notificationNew')] },
      sendImportProgress: { action: 'send', summary: "Progress of this user's board import.", channel: chanRef('user'), messages: [msgRef('user', 'importProgress')] },
    },
    components: {
      schemas,
      messages: Object.fromEntries(
        Object.entries(MESSAGES).map(([id, m]) => [id, { name: m.name, title: m.name, summary: m.summary, contentType: 'application/json', payload: ref(m.schema) }]),
      ),
    },
  };
}

const message = (id: string) => ({ $ref: `#/components/messages/${id}` });
