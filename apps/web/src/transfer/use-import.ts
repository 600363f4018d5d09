import { useCallback, useEffect, useRef, useState } from 'react';
import { followImport, importViewToProgress, isFinalImport, mergeImportProgress, type TasklaneRestClient, type TasklaneSocket } from '@tasklane/client';
import type { ImportProgressNotice } from '@tasklane/contracts';
import { uploadProblems } from './import-progress.js';

/**
 * How often `GET /imports/:id` is asked while an import runs (ms): a safety net beside the
 * `import:progress` socket notices (at most once each), and the only source without a socket.
 */
export const IMPORT_POLL_MS = { withSocket: 5_000, withoutSocket: 500 } as const;

/**
 * One board import: `start(file)` uploads it, then follows it until it finishes: the user's
 * `import:progress` notices on `socket` (followImport, libs/client: live, and a GET after every
 * reconnect) and a slow poll, both folded by mergeImportProgress (a finished import stays
 * finished; `processed` never goes down).
 * `refused` holds a 400's message and problems; `progress` the running or finished import.
 * @param socket the signed-in user's socket (NotificationsProvider), or null to poll only
 */
export function useImport(rest: TasklaneRestClient, socket: TasklaneSocket | null) {
  const [progress, setProgress] = useState<ImportProgressNotice | null>(null);
  const [refused, setRefused] = useState<ReturnType<typeof uploadProblems> | null>(null);
  const [uploading, setUploading] = useState(false);
  const current = useRef<ImportProgressNotice | null>(null);
  /** An upload is on its way: a second `start` before React renders again is ignored (one import, not two). */
  const sending = useRef(false);

  const report = useCallback((update: ImportProgressNotice) => {
    if (!current.current || current.current.importId !== update.importId) return;
    current.current = mergeImportProgress(current.current, update);
    setProgress(current.current);
  }, []);

  const start = useCallback(
    async (file: File) => {
      if (sending.current) return;
      sending.current = true;
      setRefused(null);
      setUploading(true);
      try {
        const view = await rest.importBoard(file, file.name);
        current.current = importViewToProgress(view);
        setProgress(current.current);
      } catch (error) {
        setRefused(uploadProblems(error));
      } finally {
        sending.current = false;
        setUploading(false);
      }
    },
    [rest],
  );

  // Follow the import while it is not finished (and the component is mounted).
  const importId = progress?.importId;
  const finished = progress !== null && isFinalImport(progress);
  useEffect(() => {
    if (!importId || finished) return;
    const abort = new AbortController();
    const follower = socket ? followImport({ socket, rest, importId, onProgress: report }) : null;
    follower?.done.catch(() => undefined); // a failed GET: the poll below keeps asking
    const timer = setInterval(
      () => {
        rest.getImport(importId, { signal: abort.signal }).then(
          (view) => report(importViewToProgress(view)),
          () => undefined, // a failed poll is retried at the next tick
        );
      },
      socket ? IMPORT_POLL_MS.withSocket : IMPORT_POLL_MS.withoutSocket,
    );
    return () => {
      follower?.stop();
      clearInterval(timer);
      abort.abort();
    };
  }, [rest, socket, importId, finished, report]);

  const reset = useCallback(() => {
    current.current = null;
    setProgress(null);
    setRefused(null);
  }, []);

  return { progress, refused, uploading, start, report, reset };
}
