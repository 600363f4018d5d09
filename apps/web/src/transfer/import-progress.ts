import { TasklaneHttpError } from '@tasklane/client';
import { failedMessage } from '../api/describe-error.js';
import type { FieldError, ImportProgressNotice } from '@tasklane/contracts';

/** Percent done (0–100) for a progress bar, or null when unknown (nothing counted yet). */
export function percentDone(p: ImportProgressNotice): number | null {
  if (p.status === 'succeeded') return 100;
  if (!p.total || !p.processed) return null;
  return Math.min(100, Math.round((p.processed / p.total) * 100));
}

/**
 * What a failed upload says, for the import form's alert: for a refused file (a 4xx about it) the
 * server's message and each problem it names (`file: cards[0].idList: …`), with `fileAtFault`
 * (400, 413 even from a proxy, 415, 422); for anything else (no answer, a 5xx, 401, 403, 408, 429:
 * nothing wrong with the file, it said "This file cannot be imported" before) why the upload
 * failed and "Try again.".
 */
export function uploadProblems(error: unknown): { message: string; problems: string[]; fileAtFault: boolean } {
  const status = error instanceof TasklaneHttpError ? error.status : 0;
  // A 413 from a proxy has no JSON body: the file is too large all the same.
  if (status === 413) return { message: 'The file is too large to import.', problems: [], fileAtFault: true };
  if (!(error instanceof TasklaneHttpError) || !error.body || ![400, 415, 422].includes(status)) {
    return { message: `${failedMessage('The upload', error)} Try again.`, problems: [], fileAtFault: false };
  }
  const details = Array.isArray(error.body.details) ? (error.body.details as FieldError[]) : [];
  const problems = details.flatMap((d) => (Array.isArray(d.errors) ? d.errors.map((e) => `${d.field}: ${e}`) : []));
  return { message: error.body.message, problems, fileAtFault: true };
}
