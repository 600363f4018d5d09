import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { backoffDelay, BoardStream, TasklaneHttpError, type BoardState, type BoardStreamStatus, type UpdateTaskInput } from '@tasklane/client';
import { describeEvent as describeActivity, type ActivityEntry, type AnyBoardEvent, type BoardRole, type ColumnView, type LabelView, type TaskView } from '@tasklane/contracts';
import { describeError as describeRequestError } from '../api/describe-error.js';
import { newIdempotencyKey, withRetries } from '../api/keys.js';
import type { Conflict } from '../tasks/conflict.js';
import type { Session } from '../api/session.js';
import {
  activityLookup,
  afterSnapshot,
  applyEventImmutably,
  confirm,
  describeEvent,
  highlightTarget,
  memberNames,
  optimisticTaskPatch,
  withPending,
  type Optimistic,
  type Pending,
} from './board-model.js';

/** How long a change by someone else stays highlighted (ms). */
export const FLASH_MS = 2500;
/** After the board failed to open for a temporary reason (network, timeout, 5xx, 408, 429), the next try: 1 s doubling to 30 s, with jitter (ms). */
export const OPEN_RETRY_BASE_MS = 1_000;
export const OPEN_RETRY_MAX_MS = 30_000;


export interface Flash {
  actor: string;
  until: number;
}

export interface BoardHandle {
  /** The board as shown (confirmed + optimistic), null while loading. */
  board: BoardState | null;
  role: BoardRole | null;
  status: BoardStreamStatus;
  viewers: string[];
  /** Highlighted task/column ids → who changed them. */
  flashes: ReadonlyMap<string, Flash>;
  /** The latest change, for the live region ("Ana moved “X”"). */
  activity: string;
  /** Activity entries of the events received live since the page opened, newest first (at most 200), rendered like the API's. */
  liveActivity: ActivityEntry[];
  error: string | null;
  conflict: Conflict | null;
  removed: string | null;
  /**
   * Bumped with every snapshot the board starts from (its open, a resync, a reopen): lists kept
   * beside the board that follow it by events (a task's comments and checklist) read themselves
   * again, since the events in between were not delivered.
   */
  generation: number;
  dismissError(): void;
  dismissConflict(): void;
  createTask(columnId: string, title: string, anchors?: { afterTaskId?: string; beforeTaskId?: string }): void;
  /**
   * Edits a task with If-Match of `task.version`, shown at once. Resolves to the task as saved, or
   * 'conflict' (a 412 with the current task: {@link BoardHandle.conflict} is set, carrying
   * `options.columnId`, the move the edit's dialog wanted) or 'failed' (undone, with a message).
   * The failure goes to `options.report` first (e.g. a dialog kept open: the reason as a sentence,
   * and the error); only when it answers false (not shown) does the page show it.
   */
  updateTask(task: TaskView, patch: UpdateTaskInput, options?: { columnId?: string; report?: FailureReport }): Promise<TaskView | 'conflict' | 'failed'>;
  /** Moves a task, shown at once; false when it failed (undone, with a message, given to `report` first as with updateTask). */
  moveTask(task: TaskView, columnId: string, anchors: { afterTaskId?: string; beforeTaskId?: string }, report?: FailureReport): Promise<boolean>;
  deleteTask(task: TaskView): void;
  createColumn(name: string): void;
  updateColumn(column: ColumnView, change: { name?: string; afterColumnId?: string | null }): void;
  deleteColumn(column: ColumnView): void;
  renameBoard(name: string): void;
  changeRole(userId: string, role: BoardRole): Promise<void>;
  removeMember(userId: string): Promise<void>;
  /** Calls `listener` with every confirmed event from now on (a task dialog's comments and checklist); returns the unsubscribe. */
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
  archiveTask(task: TaskView): void;
  archiveColumn(column: ColumnView): void;
  /** Restores an archived task or column; false (with a message shown) when it failed. */
  restore(kind: 'task' | 'column', id: string): Promise<boolean>;
  createLabel(input: { name: string; color: string }): Promise<boolean>;
  updateLabel(label: LabelView, change: { name?: string; color?: string }): Promise<boolean>;
  deleteLabel(label: LabelView): Promise<boolean>;
}

/**
 * Where a write's failure may be shown instead of the page's alert: `reason` is why, as a sentence
 * (describeError), `error` what was thrown; answers whether it showed it (false: the page shows it).
 */
export type FailureReport = (reason: string, error: unknown) => boolean;

/** Why a board write failed, as one sentence: a 403 and a 404 in the board's words, anything else as the shared describeError says. */
const describeError = (error: unknown): string => {
  if (error instanceof TasklaneHttpError) {
    if (error.status === 403) return 'You do not have permission to change this board.';
    if (error.status === 404) return error.body?.code === 'COLUMN_NOT_FOUND' ? 'The column no longer exists: someone deleted it.' : 'It no longer exists: someone deleted it.';
  }
  return describeRequestError(error);
};

/**
 * One board, live: the BoardStream's state (the one source of truth, mirrored immutably for React)
 * with optimistic changes on top, presence, connection status, highlights, and the writes. Each
 * write carries an Idempotency-Key (retried safely), shows at once, and is dropped when the event
 * echoing its key arrives or rolled back with a message when the request fails.
 */
export function useBoard(session: Session, boardId: string, me: string): BoardHandle {
  const [confirmed, setConfirmed] = useState<BoardState | null>(null);
  const [pending, setPending] = useState<Pending[]>([]);
  const [status, setStatus] = useState<BoardStreamStatus>('connecting');
  const [viewers, setViewers] = useState<string[]>([]);
  const [flashes, setFlashes] = useState<Map<string, Flash>>(new Map());
  const [activity, setActivity] = useState('');
  const [liveActivity, setLiveActivity] = useState<ActivityEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [removed, setRemoved] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  /** Bumped to open the board's stream again: after it ended with the access token (see onSessionExpired), or after a failed open. */
  const [reopen, setReopen] = useState(0);
  /** Failed opens of this board in a row (for the backoff), and the message shown for the last one (cleared when the board opens). */
  const openFailures = useRef({ boardId, count: 0, message: null as string | null });
  const confirmedRef = useRef<BoardState | null>(null);
  const listeners = useRef(new Set<(event: AnyBoardEvent) => void>());

  useEffect(() => {
    let flashTimer: ReturnType<typeof setTimeout> | undefined;
    let stopWaiting: (() => void) | undefined;
    /** Set when the stream ended itself (removed from the board, session ended): its onRemoved/onSessionExpired handle what comes next, not a retry. */
    let ended = false;
    const expireFlashes = () => {
      const now = Date.now();
      setFlashes((f) => new Map([...f].filter(([, v]) => v.until > now)));
    };
    const stream = new BoardStream({
      baseUrl: session.rest.baseUrl,
      token: session.token,
      boardId,
      rest: session.rest,
      refreshToken: async () => void (await session.refresh()),
      onSnapshot: (snapshot) => {
        confirmedRef.current = snapshot;
        setConfirmed(snapshot);
        setPending(afterSnapshot);
        setGeneration((n) => n + 1);
      },
      onEvent: (event: AnyBoardEvent) => {
        const before = confirmedRef.current;
        if (!before) return;
        const next = applyEventImmutably(before, event);
        confirmedRef.current = next;
        setConfirmed(next);
        setPending((p) => confirm(p, event));
        for (const listener of listeners.current) listener(event);
        const nameOf = memberNames(next.members.length ? next.members : before.members);
        setActivity(describeEvent(event, nameOf, before));
        const entry = describeActivity(event, activityLookup(event, before, next));
        setLiveActivity((a) => [entry, ...a].slice(0, 200));
        const target = highlightTarget(event);
        if (target && event.actorId !== me) {
          setFlashes((f) => new Map(f).set(target, { actor: nameOf(event.actorId), until: Date.now() + FLASH_MS }));
          clearTimeout(flashTimer);
          flashTimer = setTimeout(expireFlashes, FLASH_MS + 50);
        }
      },
      onStatus: setStatus,
      onPresence: (n) => setViewers(n.users.map((u) => u.userId)),
      onRemoved: (reason) => {
        ended = true;
        setRemoved(reason);
      },
      // The access token ran out while its renewal failed (a network blip; the session keeps
      // trying every few seconds): open the board again, from a fresh snapshot, as soon as the
      // session has a new token. A revoked or lost session signs out instead, which leaves this page.
      onSessionExpired: (reason) => {
        ended = true;
        if (reason !== 'token_expired' || session.state.status !== 'signed-in') return;
        stopWaiting = session.subscribe((state) => {
          if (state.status !== 'signed-in') return;
          stopWaiting?.();
          setReopen((n) => n + 1);
        });
      },
    });
    // A failed open that may succeed later (the server unreachable, a 5xx, a timeout, or a 401 while
    // the session is still renewing its token) is tried again with backoff until the board is live
    // or the page is left; the backoff restarts only once an open got all the way to live (a
    // snapshot that loads while the socket is refused does not reset it). A 404 means no access;
    // the stream's own ends (removed, session ended) are handled above; anything else (a 403, a
    // signed-out session) is shown and left alone.
    let disposed = false;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    if (openFailures.current.boardId !== boardId) openFailures.current = { boardId, count: 0, message: null };
    stream.start().then(
      () => {
        if (disposed) return;
        const { message } = openFailures.current;
        openFailures.current = { boardId, count: 0, message: null };
        if (message) setError((shown) => (shown === message ? null : shown));
      },
      (e: unknown) => {
        if (disposed || ended) return;
        if (e instanceof TasklaneHttpError && e.status === 404) return setRemoved('not a member of this board, or it was deleted');
        if (!session.mayRetry(e)) return setError(`Could not open the board: ${describeError(e)}`);
        const failures = openFailures.current;
        const delay = backoffDelay(OPEN_RETRY_BASE_MS, failures.count, OPEN_RETRY_MAX_MS);
        const message = `Could not open the board: ${describeError(e)} Trying again in ${Math.max(1, Math.round(delay / 1000))} s.`;
        openFailures.current = { boardId, count: failures.count + 1, message };
        setError(message);
        // Not "Offline" (what the failed stream reported on closing): another try is coming.
        setStatus(confirmedRef.current?.id === boardId ? 'reconnecting' : 'connecting');
        retryTimer = setTimeout(() => setReopen((n) => n + 1), delay);
      },
    );
    return () => {
      disposed = true;
      clearTimeout(flashTimer);
      clearTimeout(retryTimer);
      stopWaiting?.();
      stream.close();
    };
  }, [session, boardId, me, reopen]);

  const board = useMemo(() => (confirmed ? withPending(confirmed, pending) : null), [confirmed, pending]);
  const rest = session.rest;

  /** Shows `op` now, sends `request`, drops it on error (with a message: given to `report` first, else on the page) and marks it settled on success. */
  const optimistic = useCallback(<T,>(op: Optimistic, request: (headers: Record<string, string>) => Promise<T>, what: string, report?: FailureReport): Promise<T | undefined> => {
    setPending((p) => [...p, { op, settled: false }]);
    return withRetries(op.key, request).then(
      (result) => {
        setPending((p) => p.map((x) => (x.op.key === op.key ? { ...x, settled: true } : x)));
        return result;
      },
      (e: unknown) => {
        setPending((p) => p.filter((x) => x.op.key !== op.key));
        if (!report?.(describeError(e), e)) setError(`${what} failed and was undone. ${describeError(e)}`);
        return undefined;
      },
    );
  }, []);

  const dismissError = useCallback(() => setError(null), []);

  const nameOf = useCallback((userId: string) => memberNames(confirmedRef.current?.members ?? [])(userId), []);

  /** Sends a write that shows when its event arrives (no optimistic copy); false with a message when it failed. */
  const plain = useCallback(async (request: (headers: Record<string, string>) => Promise<unknown>, what: string): Promise<boolean> => {
    try {
      await withRetries(newIdempotencyKey(), request);
      return true;
    } catch (e) {
      setError(`${what} failed. ${describeError(e)}`);
      return false;
    }
  }, []);

  return {
    board,
    role: confirmed ? (confirmed.members.find((m) => m.userId === me)?.role ?? confirmed.role ?? null) : null,
    status,
    viewers,
    flashes,
    activity,
    liveActivity,
    error,
    conflict,
    removed,
    generation,
    dismissError,
    subscribe(listener) {
      listeners.current.add(listener);
      return () => void listeners.current.delete(listener);
    },
    archiveTask: (task) => void plain((headers) => rest.archiveTask(boardId, task.id, { headers }), `Archiving “${task.title}”`),
    archiveColumn: (column) => void plain((headers) => rest.archiveColumn(boardId, column.id, { headers }), `Archiving column “${column.name}”`),
    restore: (kind, id) => plain((headers) => (kind === 'task' ? rest.restoreTask(boardId, id, { headers }) : rest.restoreColumn(boardId, id, { headers })), 'Restoring'),
    createLabel: (input) => plain((headers) => rest.createLabel(boardId, input, { headers }), `Adding label “${input.name}”`),
    updateLabel: (label, change) => plain((headers) => rest.updateLabel(boardId, label.id, change, { headers }), `Changing label “${label.name}”`),
    deleteLabel: (label) => plain((headers) => rest.deleteLabel(boardId, label.id, { headers }), `Deleting label “${label.name}”`),
    dismissConflict: () => setConflict(null),
    createTask(columnId, title, anchors = {}) {
      const key = newIdempotencyKey();
      const now = new Date().toISOString();
      const task: TaskView = {
        id: `pending-${key}`, boardId, columnId, title, description: '', position: '', assigneeIds: [], labelIds: [], dueAt: null, completedAt: null,
        version: 0, createdAt: now, updatedAt: now, createdBy: me, updatedBy: me, archivedAt: null, commentCount: 0, checklist: { done: 0, total: 0 },
      };
      void optimistic({ kind: 'task.create', key, task, ...anchors }, (headers) => rest.createTask(boardId, { columnId, title, ...anchors }, { headers }), `Adding “${title}”`);
    },
    async updateTask(task, patch, { columnId, report } = {}) {
      const key = newIdempotencyKey();
      setPending((p) => [...p, { op: { kind: 'task.update', key, taskId: task.id, patch: optimisticTaskPatch(task, patch, new Date().toISOString()) }, settled: false }]);
      try {
        const saved = await withRetries(key, (headers) => rest.updateTask(boardId, task.id, patch, { headers: { ...headers, 'If-Match': `"${task.version}"` } }));
        setPending((p) => p.map((x) => (x.op.key === key ? { ...x, settled: true } : x)));
        return saved;
      } catch (e) {
        setPending((p) => p.filter((x) => x.op.key !== key));
        const current = e instanceof TasklaneHttpError && e.status === 412 ? (e.body?.details as { current?: TaskView } | undefined)?.current : undefined;
        if (current) {
          setConflict({ task: current, mine: patch, changedBy: nameOf(current.updatedBy), ...(columnId === undefined ? {} : { columnId }) });
          return 'conflict';
        }
        const what = e instanceof TasklaneHttpError && e.status === 412 ? 'Someone else changed this task first.' : describeError(e);
        if (!report?.(what, e)) setError(`Saving “${task.title}” failed and was undone. ${what}`);
        return 'failed';
      }
    },
    async moveTask(task, columnId, anchors, report) {
      const key = newIdempotencyKey();
      const moved = await optimistic(
        { kind: 'task.move', key, taskId: task.id, columnId, ...anchors },
        (headers) => rest.moveTask(boardId, task.id, { columnId, ...anchors }, { headers }),
        `Moving “${task.title}”`,
        report,
      );
      return moved !== undefined;
    },
    deleteTask(task) {
      const key = newIdempotencyKey();
      void optimistic({ kind: 'task.delete', key, taskId: task.id }, (headers) => rest.deleteTask(boardId, task.id, { headers }), `Deleting “${task.title}”`);
    },
    createColumn(name) {
      const key = newIdempotencyKey();
      const column: ColumnView = { id: `pending-${key}`, boardId, name, position: '', version: 0, archivedAt: null };
      void optimistic({ kind: 'column.create', key, column }, (headers) => rest.createColumn(boardId, { name }, { headers }), `Adding column “${name}”`);
    },
    updateColumn(column, change) {
      const key = newIdempotencyKey();
      void optimistic({ kind: 'column.update', key, columnId: column.id, ...change }, (headers) => rest.updateColumn(boardId, column.id, change, { headers }), `Changing column “${column.name}”`);
    },
    deleteColumn(column) {
      const key = newIdempotencyKey();
      void optimistic({ kind: 'column.delete', key, columnId: column.id }, (headers) => rest.deleteColumn(boardId, column.id, { headers }), `Deleting column “${column.name}”`);
    },
    renameBoard(name) {
      const key = newIdempotencyKey();
      void optimistic({ kind: 'board.update', key, name }, (headers) => rest.updateBoard(boardId, { name }, { headers }), 'Renaming the board');
    },
    async changeRole(userId, role) {
      try {
        await withRetries(newIdempotencyKey(), (headers) => rest.updateMember(boardId, userId, role, { headers }));
      } catch (e) {
        setError(`Changing the role failed. ${describeError(e)}`);
      }
    },
    async removeMember(userId) {
      try {
        await withRetries(newIdempotencyKey(), (headers) => rest.removeMember(boardId, userId, { headers }));
      } catch (e) {
        setError(`Removing the member failed. ${describeError(e)}`);
      }
    },
  };
}
