import { TasklaneHttpError } from '@tasklane/client';
import type { FieldError, ImportProgressNotice } from '@tasklane/contracts';

/** Percent done (0–100) for a progress bar, or null when unknown (nothing counted yet). */
export function percentDone(p: ImportProgressNotice): number | null {
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
