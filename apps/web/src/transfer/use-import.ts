import { useCallback, useEffect, useRef, useState } from 'react';
import type { TasklaneRestClient } from '@tasklane/client';
import { applyProgress, isFinished, progressFromView, uploadProblems, type ImportProgress } from './import-progress.js';

/** How often the status is polled while an import runs (ms). */
export const IMPORT_POLL_MS = 500;

/**
 * One board import: `start(file)` uploads it, then follows it until it finishes. Today it polls
 * `GET /imports/:id`; `report` takes an update from any other source (the coming
 * `import:progress` socket event: call `report(payload)` from its listener) into the same state,
 * through `applyProgress`, so the two can run side by side.
 * `refused` holds a 400's message and problems; `progress` the running or finished import.
 */
export function useImport(rest: TasklaneRestClient) {
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [refused, setRefused] = useState<{ message: string; problems: string[] } | null>(null);
  const [uploading, setUploading] = useState(false);
  const current = useRef<ImportProgress | null>(null);

  const report = useCallback((update: ImportProgress) => {
    current.current = applyProgress(current.current, update);
    setProgress(current.current);
  }, []);

  const start = useCallback(
    async (file: File) => {
      setRefused(null);
      setUploading(true);
      try {
        const view = await rest.importBoard(file, file.name);
        current.current = progressFromView(view);
        setProgress(current.current);
      } catch (error) {
        setRefused(uploadProblems(error));
      } finally {
        setUploading(false);
      }
    },
    [rest],
  );

  // Poll while the import is not finished (and the component is mounted).
  const importId = progress?.importId;
  const finished = isFinished(progress);
  useEffect(() => {
    if (!importId || finished) return;
    const abort = new AbortController();
    const timer = setInterval(() => {
      rest.getImport(importId, { signal: abort.signal }).then(
        (view) => report(progressFromView(view)),
        () => undefined, // a failed poll is retried at the next tick
      );
    }, IMPORT_POLL_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [rest, importId, finished, report]);

  const reset = useCallback(() => {
    current.current = null;
    setProgress(null);
    setRefused(null);
  }, []);

  return { progress, refused, uploading, start, report, reset };
}
