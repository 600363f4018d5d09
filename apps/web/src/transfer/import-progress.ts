import { TasklaneHttpError } from '@tasklane/client';
import type { FieldError, ImportView } from '@tasklane/contracts';

/**
 * Where an import stands, in the shape of the `import:progress` Socket.IO event another change
 * adds (`{ importId, status, processed, total, boardId?, error? }`), so that event and the polled
 * `GET /imports/:id` feed the same state through {@link applyProgress}.
 */
export interface ImportProgress {
  importId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  /** Tasks created so far (0 until the job reports; `total` once succeeded). */
  processed: number;
  /** Tasks in the file. */
  total: number;
  boardId?: string;
  error?: string;
}

const TERMINAL = new Set<ImportProgress['status']>(['succeeded', 'failed']);

/** True once the import has finished either way. */
export const isFinished = (p: ImportProgress | null): boolean => p !== null && TERMINAL.has(p.status);

/** An `ImportView` (REST) as progress: its `processed` count (a queued import that has written tasks is running; a succeeded one has processed every task). */
export function progressFromView(view: ImportView): ImportProgress {
  return {
    importId: view.id,
    status: view.status === 'queued' && view.processed > 0 ? 'running' : view.status,
    processed: view.status === 'succeeded' ? view.taskCount : view.processed,
    total: view.taskCount,
    ...(view.boardId ? { boardId: view.boardId } : {}),
    ...(view.error ? { error: view.error } : {}),
  };
}

/**
 * The next state after an update from either source. Updates of another import are ignored, a
 * finished import stays finished (a late poll answer or a reordered event cannot undo it), and
 * `processed` never goes back (a poll answers 0 while the socket already said 40).
 */
export function applyProgress(current: ImportProgress | null, update: ImportProgress): ImportProgress | null {
  if (!current || current.importId !== update.importId) return current;
  if (isFinished(current)) return current;
  if (isFinished(update)) return update;
  return { ...update, processed: Math.max(current.processed, update.processed), total: update.total || current.total };
}

/** Percent done (0–100) for a progress bar, or null when unknown (nothing counted yet). */
export function percentDone(p: ImportProgress): number | null {
  if (p.status === 'succeeded') return 100;
  if (!p.total || !p.processed) return null;
  return Math.min(100, Math.round((p.processed / p.total) * 100));
}

/**
 * What a refused upload says: the server's message and each problem it names (`file: cards[0].idList:
 * …`), for the import form's alert.
 */
export function uploadProblems(error: unknown): { message: string; problems: string[] } {
  if (!(error instanceof TasklaneHttpError) || !error.body) return { message: 'The upload failed: the server could not be reached. Try again.', problems: [] };
  if (error.status === 413) return { message: 'The file is too large to import.', problems: [] };
  const details = Array.isArray(error.body.details) ? (error.body.details as FieldError[]) : [];
  const problems = details.flatMap((d) => (Array.isArray(d.errors) ? d.errors.map((e) => `${d.field}: ${e}`) : []));
  return { message: error.body.message, problems };
}
