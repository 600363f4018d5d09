import { useEffect, useRef, type FormEvent } from 'react';
import { useSessionObject } from '../api/session-context.js';
import { useNotifications } from '../notifications/notifications-context.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import ui from '../ui/ui.module.css';
import { percentDone } from './import-progress.js';
import styles from './transfer.module.css';
import { useImport } from './use-import.js';

/**
 * "Import board": a Tasklane export or a Trello board export (JSON) becomes a new board of mine.
 * Shows the upload, then the import's progress (`import:progress` on the user's socket) until it is done, and opens the new board; a
 * refused file shows the server's message and each problem it names.
 */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const rest = useSessionObject().rest;
  const { progress, refused, uploading, start } = useImport(rest, useNotifications().socket);
  const alertRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (progress?.status === 'succeeded' && progress.boardId) navigate(`/boards/${progress.boardId}`);
  }, [progress]);
  useEffect(() => {
    if (refused) alertRef.current?.focus();
  }, [refused]);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (busy) return;
    const file = new FormData(e.currentTarget).get('file');
    if (file instanceof File && file.size > 0) void start(file);
  }

  const busy = uploading || (progress !== null && (progress.status === 'queued' || progress.status === 'running'));
  const percent = progress ? percentDone(progress) : null;
  return (
    <Dialog title="Import board" onClose={onClose}>
      <p className={styles.hint}>A Tasklane export (JSON) or a Trello board export (Trello: Menu → Print, export and share → Export as JSON). It becomes a new board that you own.</p>
      <form className={styles.form} onSubmit={submit} aria-label="Import board">
        <label className={ui.field}>
          <span>Board file (JSON)</span>
          <input className={ui.input} type="file" name="file" accept=".json,application/json" required disabled={busy} aria-describedby={refused ? 'import-problems' : undefined} />
        </label>
        {/* aria-disabled, not disabled: a disabled button drops the focus to the page (a keyboard user would be out of the dialog). */}
        <Button type="submit" variant="primary" aria-disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </Button>
      </form>
      {(uploading || progress) && (
        <div className={styles.progress} role="status" aria-label="Import progress">
          {uploading ? (
            <span>Uploading…</span>
          ) : progress?.status === 'failed' ? (
            <span>The import failed: {progress.error ?? 'unknown error'}. Nothing was imported.</span>
          ) : progress?.status === 'succeeded' ? (
            <span>Imported {progress.total} tasks. Opening the board…</span>
          ) : (
            <span>
              Importing {progress?.total} tasks{percent === null ? '…' : `: ${percent}%`}
            </span>
          )}
          {busy && <progress aria-label="Import progress" max={100} value={percent ?? undefined} />}
        </div>
      )}
      {refused && (
        <div ref={alertRef} tabIndex={-1} role="alert" id="import-problems" className={`${ui.alert} ${styles.problems}`}>
          <div>
            <p>
              {refused.fileAtFault && <strong>This file cannot be imported. </strong>}
              {refused.problems.length > 0 ? 'What is wrong, and where:' : refused.message}
            </p>
            {refused.problems.length > 0 && (
              <ul>
                {refused.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
    </Dialog>
  );
}
