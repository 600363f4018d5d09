import { useCallback, useEffect, useState } from 'react';
import type { TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, ArchiveEntry } from '@tasklane/contracts';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import styles from './archive.module.css';

interface Props {
  rest: TasklaneRestClient;
  boardId: string;
  canEdit: boolean;
  onClose(): void;
  onRestore(kind: 'task' | 'column', id: string): Promise<boolean>;
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
}

const ARCHIVE_EVENTS = new Set<AnyBoardEvent['type']>(['task.archived', 'task.restored', 'column.archived', 'column.restored', 'task.deleted', 'column.deleted']);

/** The board's archive, newest first (pages of 50, "Show more"); editors restore. Reloads when anything is archived or restored. */
export function ArchiveDialog({ rest, boardId, canEdit, onClose, onRestore, subscribe }: Props) {
  const [entries, setEntries] = useState<ArchiveEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await rest.listArchive(boardId, { limit: 50, cursor });
        setEntries((list) => (cursor ? [...(list ?? []), ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch {
        setFailed(true);
      }
    },
    [rest, boardId],
  );
  useEffect(() => {
    void load();
    return subscribe((e) => ARCHIVE_EVENTS.has(e.type) && void load());
  }, [load, subscribe]);

  return (
    <Dialog title="Archive" onClose={onClose}>
      {failed && <p role="alert">The archive could not be loaded.</p>}
      {!entries ? (
        <p className={styles.muted}>Loading…</p>
      ) : entries.length === 0 ? (
        <p className={styles.muted}>Nothing is archived.</p>
      ) : (
        <ul className={styles.list}>
          {entries.map((e) => {
            const name = e.kind === 'task' ? e.task.title : e.column.name;
            const id = e.kind === 'task' ? e.task.id : e.column.id;
            return (
              <li key={`${e.kind}:${id}`} className={styles.row}>
                <span className={styles.kind}>{e.kind === 'task' ? 'Task' : 'Column'}</span>
                <span className={styles.name}>
                  {name}
                  {e.kind === 'column' && <span className={styles.muted}> · {e.taskCount} tasks</span>}
                </span>
                <time className={styles.muted} dateTime={e.archivedAt}>
                  {new Date(e.archivedAt).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
                </time>
                {canEdit && (
                  <Button small aria-label={`Restore ${name}`} onClick={() => void onRestore(e.kind, id)}>
                    Restore
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {next && <Button onClick={() => void load(next)}>Show more</Button>}
    </Dialog>
  );
}
