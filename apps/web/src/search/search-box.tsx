import { useEffect, useRef, useState } from 'react';
import { timeoutSignal } from '@tasklane/client';
import type { SearchHit } from '@tasklane/contracts';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { useSessionObject } from '../api/session-context.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { isSearchShortcut, snippetParts } from './snippet.js';
import styles from './search.module.css';

const DEBOUNCE_MS = 150;

/**
 * Search across my boards (`GET /search`) as I type; `/` anywhere focuses it. Results show the
 * task, its board and the highlighted snippet; a click opens the task on its board. How many
 * tasks match is announced to screen readers (a polite live region that is always there, so the
 * change of its text is read) once the answer is in.
 */
export function SearchBox() {
  const session = useSessionObject();
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  /** The answer has more hits than the 10 shown. */
  const [more, setMore] = useState(false);
  const [failed, setFailed] = useState(false);
  const [open, setOpen] = useState(false);
  /** Bumped by Try again: the same text is searched again. */
  const [retries, setRetries] = useState(0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isSearchShortcut(e)) return;
      e.preventDefault();
      input.current?.focus();
    };
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    addEventListener('keydown', onKey);
    addEventListener('mousedown', onDown);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('mousedown', onDown);
    };
  }, []);

  useEffect(() => {
    // The hits of the text before are not shown under this one (a click on them opened a task that does not match).
    setHits(null);
    setFailed(false);
    if (!q.trim()) return;
    let current = true;
    const timer = setTimeout(() => {
      session.rest.search({ q: q.slice(0, 200), limit: 10 }, { signal: timeoutSignal(READ_TIMEOUT_MS) }).then(
        (page) => {
          if (!current) return;
          setFailed(false);
          setHits(page.items);
          setMore(page.nextCursor !== null);
        },
        () => current && setFailed(true),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [q, session, retries]);

  const openHit = (hit: SearchHit) => {
    setOpen(false);
    setQ('');
    input.current?.blur();
    navigate(`/boards/${hit.boardId}?task=${hit.taskId}`);
  };

  const shown = open && q.trim() !== '';
  const announcement = !shown || failed || hits === null ? '' : hits.length === 0 ? 'No tasks match.' : more ? `The first ${hits.length} matching tasks.` : hits.length === 1 ? '1 task matches.' : `${hits.length} tasks match.`;
  return (
    <div className={styles.search} ref={box} role="search">
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      <input
        ref={input}
        type="search"
        className={styles.input}
        aria-label="Search tasks"
        placeholder="Search  /"
        value={q}
        maxLength={200}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setOpen(false);
            e.currentTarget.blur();
          }
        }}
      />
      {shown && (
        <section className={styles.results} aria-label="Search results">
          {failed ? (
            <p className={styles.empty} role="alert">
              The search failed.{' '}
              {/* The button goes with the message: the focus goes back to the box, not to the page. */}
              <Button
                small
                onClick={() => {
                  setRetries((n) => n + 1);
                  input.current?.focus();
                }}
              >
                Try again
              </Button>
            </p>
          ) : hits === null ? (
            <p className={styles.empty}>Searching…</p>
          ) : hits.length === 0 ? (
            <p className={styles.empty}>No tasks match.</p>
          ) : (
            <ul className={styles.list}>
              {hits.map((hit) => (
                <li key={hit.taskId}>
                  <button type="button" className={styles.hit} onClick={() => openHit(hit)}>
                    <span className={styles.title}>{hit.title}</span>
                    <span className={styles.board}>
                      {hit.boardName}
                      {hit.matchedIn === 'comment' ? ' · in a comment' : ''}
                    </span>
                    <span className={styles.snippet}>
                      {snippetParts(hit.snippet).map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
