import { useCallback, useEffect, useState } from 'react';
import { timeoutSignal, type TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, ArchiveEntry } from '@tasklane/contracts';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { useReadOrder } from '../api/read-order.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { LoadFailed } from '../ui/load-failed.js';
import styles from './archive.module.css';

interface Props {
  rest: TasklaneRestClient;
  boardId: string;
  canEdit: boolean;
  onClose(): void;
  onRestore(kind: 'task' | 'column', id: string): Promise<boolean>;
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
  /** The board's snapshot generation: read again when it changes (the board resynced, so archive events may have been missed). */
  generation?: number;
}

const ARCHIVE_EVENTS = new Set<AnyBoardEvent['type']>(['task.archived', 'task.restored', 'column.archived', 'column.restored', 'task.deleted', 'column.deleted']);

const keyOf = (e: ArchiveEntry) => (e.kind === 'task' ? `task:${e.task.id}` : `column:${e.column.id}`);

/**
 * The board's archive, newest first (pages of 50, "Show more"); editors restore. Reads the first
 * page again when anything is archived, restored or deleted, and when the board resyncs; a failed
 * read says so with "Try again" (a failed "Show more" tries that page again). Only the newest
 * first-page read shows (an older answer arriving late never replaces it), and a "Show more" page
 * is added only to the list its cursor came from (dropped once a newer first page was asked for).
 */
export function ArchiveDialog({ rest, boardId, canEdit, onClose, onRestore, subscribe, generation = 0 }: Props) {
  const [entries, setEntries] = useState<ArchiveEntry[] | null>(null);
  /** The next page's cursor, and the first-page read whose list it continues. */
  const [next, setNext] = useState<{ cursor: string; read: number } | null>(null);
  /** What failed last: the first page, or the page after the list shown. */
  const [failed, setFailed] = useState<'first' | 'more' | null>(null);
  /** First-page reads: newest started wins (a next page belongs to the read of its first page). */
  const reads = useReadOrder();

  const load = useCallback(
    async (more?: { cursor: string; read: number }) => {
      const read = more ? more.read : reads.start();
      try {
        const page = await rest.listArchive(boardId, { limit: 50, cursor: more?.cursor }, { signal: timeoutSignal(READ_TIMEOUT_MS) });
        if (!reads.isNewest(read)) return;
        setEntries((list) => {
          if (!more || !list) return page.items;
          const shown = new Set(list.map(keyOf));
          return [...list, ...page.items.filter((e) => !shown.has(keyOf(e)))];
        });
        setNext(page.nextCursor ? { cursor: page.nextCursor, read } : null);
        setFailed(null);
      } catch {
        if (reads.isNewest(read)) setFailed(more ? 'more' : 'first');
      }
    },
    [rest, boardId, reads],
  );
  useEffect(() => {
    void load();
    const unsubscribe = subscribe((e) => ARCHIVE_EVENTS.has(e.type) && void load());
    return () => {
      unsubscribe();
      reads.drop(); // answers still on their way belong to the effect being left
    };
  }, [load, subscribe, generation, reads]);

  return (
    <Dialog title="Archive" onClose={onClose}>
      {failed === 'first' && <LoadFailed what="The archive" onRetry={() => void load()} />}
      {!entries ? (
        failed !== 'first' && <p className={styles.muted}>Loading…</p>
      ) : entries.length === 0 ? (
        <p className={styles.muted}>Nothing is archived.</p>
      ) : (
        <ul className={styles.list}>
          {entries.map((e) => {
            const name = e.kind === 'task' ? e.task.title : e.column.name;
            const id = e.kind === 'task' ? e.task.id : e.column.id;
            return (
              <li key={keyOf(e)} className={styles.row}>
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
      {failed === 'more' && next ? (
        <LoadFailed what="More of the archive" onRetry={() => void load(next)} />
      ) : (
        next && failed !== 'first' && <Button onClick={() => void load(next)}>Show more</Button>
      )}
    </Dialog>
  );
}
