import type { ImportProgressNotice, ImportView } from '@tasklane/contracts';
import type { TasklaneSocket } from './board-stream.js';
import type { TasklaneRestClient } from './rest-client.js';

const FINAL = new Set<ImportProgressNotice['status']>(['succeeded', 'failed']);

/** True for `succeeded` and `failed`. */
export const isFinalImport = (n: ImportProgressNotice): boolean => FINAL.has(n.status);

/** `GET /imports/:id`'s answer as a progress notice (a `queued` import that has written tasks is `running`). */
export function importViewToProgress(view: ImportView): ImportProgressNotice {
  const status = view.status === 'queued' ? (view.processed > 0 ? 'running' : 'queued') : view.status;
  return {
    importId: view.id,
    status,
    processed: view.processed,
    total: view.taskCount,
    ...(view.boardId ? { boardId: view.boardId } : {}),
    ...(view.error ? { error: view.error } : {}),
  };
}

/**
 * Folds a notice (socket or REST) into what is known of one import: a final state is kept once
 * reached, and `processed` never goes down (an older notice or answer arriving late changes
 * nothing). Pure. Returns `current` itself when `next` adds nothing.
 */
export function mergeImportProgress(current: ImportProgressNotice | null, next: ImportProgressNotice): ImportProgressNotice {
  if (!current) return next;
  if (isFinalImport(current)) return current;
  if (isFinalImport(next)) return next;
  if (next.processed <= current.processed && !(current.status === 'queued' && next.status === 'running')) return current;
  return { ...next, processed: Math.max(current.processed, next.processed) };
}

export interface FollowImportOptions {
  /** A socket of the importer (its owner connects it). */
  socket: TasklaneSocket;
  rest: TasklaneRestClient;
  importId: string;
  /** Called on every change, with the merged state. */
  onProgress?: (progress: ImportProgressNotice) => void;
}

/**
 * Follows one import until it ends: `import:progress` notices live, and `GET /imports/:id` at the
 * start and after every (re)connect, since socket notices are at most once (a client that was away
 * recovers the final state from the GET). Merged with mergeImportProgress. `done` resolves with the
 * final notice (`succeeded` with `boardId`, or `failed` with `error`) and rejects when a GET fails;
 * `stop()` removes the listeners (`done` then never settles).
 */
export function followImport(options: FollowImportOptions): { done: Promise<ImportProgressNotice>; stop: () => void } {
  const { socket, rest, importId, onProgress } = options;
  let state: ImportProgressNotice | null = null;
  let settle!: (n: ImportProgressNotice) => void;
  let fail!: (e: unknown) => void;
  const done = new Promise<ImportProgressNotice>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const apply = (n: ImportProgressNotice) => {
    const next = mergeImportProgress(state, n);
    if (next === state) return;
    state = next;
    onProgress?.(next);
    if (isFinalImport(next)) {
      stop();
      settle(next);
    }
  };
  const onNotice = (n: ImportProgressNotice) => {
    if (n.importId === importId) apply(n);
  };
  const fetchNow = () => {
    rest.getImport(importId).then((view) => apply(importViewToProgress(view)), fail);
  };
  const stop = () => {
    socket.off('import:progress', onNotice);
    socket.off('connect', fetchNow);
  };
  socket.on('import:progress', onNotice);
  socket.on('connect', fetchNow);
  fetchNow();
  return { done, stop };
}
