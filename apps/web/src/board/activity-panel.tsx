import { useEffect, useState } from 'react';
import type { ActivityEntry } from '@tasklane/contracts';
import type { TasklaneRestClient } from '@tasklane/client';
import { Button } from '../ui/button.js';
import { mergeActivity } from './board-model.js';
import styles from './activity.module.css';

/**
 * A list of activity entries: the first page from the API (`load` with no cursor), older pages on
 * "Show older", and the live entries (`live`, rendered in the app by the same renderer) on top.
 */
export function ActivityList({ load, live, label }: { load: (cursor?: string) => ReturnType<TasklaneRestClient['boardActivity']>; live: readonly ActivityEntry[]; label: string }) {
  const [fetched, setFetched] = useState<ActivityEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  useEffect(() => {
    let current = true;
    load().then(
      (page) => {
        if (!current) return;
        setFetched(page.items);
        setCursor(page.nextCursor);
        setState('ready');
      },
      () => current && setState('failed'),
    );
    return () => {
      current = false;
    };
  }, [load]);
  const entries = mergeActivity(live, fetched);
  return (
    <section className={styles.activity} aria-label={label}>
      {state === 'failed' && <p className={styles.note}>Could not load the history.</p>}
      {entries.length === 0 && state !== 'loading' ? <p className={styles.note}>No activity yet.</p> : null}
      <ol className={styles.list}>
        {entries.map((e) => (
          <li key={e.seq}>
            <span>{e.text}</span>
            <time dateTime={e.occurredAt}>{new Date(e.occurredAt).toLocaleString()}</time>
          </li>
        ))}
      </ol>
      {cursor && (
        <Button
          small
          onClick={() =>
            void load(cursor).then((page) => {
              setFetched((f) => [...f, ...page.items]);
              setCursor(page.nextCursor);
            })
          }
        >
          Show older
        </Button>
      )}
    </section>
  );
}
