import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { timeoutSignal, type TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, ChecklistItemView } from '@tasklane/contracts';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { sendWrite } from '../api/send-write.js';
import { useInFlight } from '../api/use-in-flight.js';
import { applyChecklistEvent } from '../comments/thread-model.js';
import { Button } from '../ui/button.js';
import { LoadFailed } from '../ui/load-failed.js';
import ui from '../ui/ui.module.css';
import styles from './checklist.module.css';

interface Props {
  rest: TasklaneRestClient;
  boardId: string;
  taskId: string;
  canEdit: boolean;
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
  /** The board's snapshot generation: read again when it changes (the board resynced, so events may have been missed). */
  generation?: number;
}

/**
 * A task's checklist, live (checklist.* events of this task): check and uncheck, add at the end,
 * move up or down (afterItemId/beforeItemId), delete; progress as "3/5" with a meter. A failed read
 * says so with "Try again" (it is read again by itself when the board resyncs); a failed write says
 * so separately. An item that fails to be added goes back into the box, or, when the next one is
 * being typed already, into a "not added" row with Add again and Discard. After ↑ or ↓ the focus
 * stays on the moved item's arrow (its other arrow once it reaches an end), unless it has gone on
 * elsewhere before the move shows.
 */
export function ChecklistSection({ rest, boardId, taskId, canEdit, subscribe, generation = 0 }: Props) {
  const [items, setItems] = useState<readonly ChecklistItemView[] | null>(null);
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [reloads, setReloads] = useState(0);
  /** Items whose delete is on its way: their ✕ waits (a second click got a 404 and reported a false failure). */
  const deleting = useInFlight();
  /** Texts whose add failed while the next item was being typed, with an id for React and for `adding`. */
  const [unsent, setUnsent] = useState<{ id: number; text: string }[]>([]);
  const unsentIds = useRef(0);
  /** Unsent texts being added again: their Add again waits. */
  const adding = useInFlight();
  const box = useRef<HTMLInputElement>(null);
  const unsentList = useRef<HTMLUListElement>(null);
  const section = useRef<HTMLElement>(null);
  /**
   * The item just moved with ↑ or ↓, where it was, and the arrow used: once the list shows it
   * elsewhere (the item_updated event) that arrow gets the focus again, since React moving the
   * <li>, or the arrow turning disabled at an end, drops the focus to the page.
   */
  const [moved, setMoved] = useState<{ id: string; from: number; up: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    let loaded = false;
    const early: AnyBoardEvent[] = [];
    const unsubscribe = subscribe((event) => {
      if (!live) return;
      if (loaded) setItems((list) => (list ? applyChecklistEvent(list, taskId, event) : list));
      else early.push(event);
    });
    setLoadFailed(false);
    rest.listChecklist(boardId, taskId, { signal: timeoutSignal(READ_TIMEOUT_MS) }).then(
      (list) => {
        loaded = true;
        if (live) setItems(early.reduce<readonly ChecklistItemView[]>((l, e) => applyChecklistEvent(l, taskId, e), list));
      },
      () => live && setLoadFailed(true),
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [rest, boardId, taskId, subscribe, generation, reloads]);

  /** Sends a write (sendWrite): true when it went through, else false with the failure shown. */
  const run = async (write: (headers: Record<string, string>) => Promise<unknown>, what: string) => (await sendWrite(what, write, setProblem)).ok;
  /**
   * Shows the new state at once; the item_updated event (a higher version) confirms it. A failure
   * puts the box back as it was, unless an event changed the item meanwhile (then the event's
   * state stands). It used to read the whole list again, with no bound, and a failed read left
   * the box showing a change that was never saved.
   */
  const toggle = (item: ChecklistItemView, done: boolean) => {
    setItems((list) => list?.map((x) => (x.id === item.id ? { ...x, done } : x)) ?? list);
    void run((headers) => rest.updateChecklistItem(boardId, taskId, item.id, { done }, { headers }), done ? 'Checking the item' : 'Unchecking the item').then((ok) => {
      if (!ok) setItems((list) => list?.map((x) => (x.id === item.id && x.version === item.version ? { ...x, done: item.done } : x)) ?? list);
    });
  };
  const done = items?.filter((i) => i.done).length ?? 0;
  const total = items?.length ?? 0;
  /** Moves item `i` one place up (-1) or down (+1): right before the one above, or right after the one below. */
  const move = (i: number, by: -1 | 1) => {
    if (!items) return;
    const item = items[i];
    const anchor = items[i + by];
    if (!anchor) return;
    setMoved({ id: item.id, from: i, up: by < 0 });
    void run((headers) => rest.updateChecklistItem(boardId, taskId, item.id, by < 0 ? { beforeItemId: anchor.id } : { afterItemId: anchor.id }, { headers }), 'Moving the item').then(
      (ok) => ok || setMoved((m) => (m?.id === item.id ? null : m)),
    );
  };
  useLayoutEffect(() => {
    if (!moved || !items) return;
    const at = items.findIndex((x) => x.id === moved.id);
    if (at === moved.from) return; // not shown moved yet
    setMoved(null);
    // Only a focus that fell to the page, or is still on this item's arrows, is put back: one moved on
    // meanwhile (the new-item box, another item, elsewhere) stays where it is.
    const active = document.activeElement;
    const lost = !active || active === document.body || active.matches(`[data-move^="${moved.id}:"]`);
    if (at < 0 || !lost) return;
    const up = moved.up ? at > 0 : at === items.length - 1;
    section.current?.querySelector<HTMLButtonElement>(`[data-move="${moved.id}:${up ? 'up' : 'down'}"]`)?.focus();
  }, [items, moved]);
  /** Drops a "not added" row; a focus on these rows (or lost) goes to the new-item box, since the row's button goes. */
  const dropUnsent = (id: number) => {
    setUnsent((list) => list.filter((x) => x.id !== id));
    const active = document.activeElement;
    if (!active || active === document.body || unsentList.current?.contains(active)) box.current?.focus();
  };
  /** Adds `text` at the end; true when it went through. */
  const add = (text: string) => run((headers) => rest.createChecklistItem(boardId, taskId, { text }, { headers }), 'Adding the item');

  return (
    <section ref={section} className={styles.section} aria-label="Checklist">
      <div className={styles.head}>
        <h3 className={styles.heading}>Checklist</h3>
        {total > 0 && (
          <>
            <meter className={styles.meter} min={0} max={total} value={done} aria-label="Checklist progress" />
            <span className={styles.count}>
              {done}/{total}
            </span>
          </>
        )}
      </div>
      {loadFailed && <LoadFailed what="The checklist" className={styles.problem} onRetry={() => setReloads((n) => n + 1)} />}
      {problem && (
        <p role="alert" className={styles.problem}>
          {problem}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className={styles.list}>
          {items.map((item, i) => (
            <li key={item.id} className={styles.item}>
              <label className={styles.check}>
                <input
                  type="checkbox"
                  checked={item.done}
                  disabled={!canEdit}
                  onChange={(e) => toggle(item, e.target.checked)}
                />
                <span className={item.done ? styles.doneText : undefined}>{item.text}</span>
              </label>
              {canEdit && (
                <span className={styles.tools}>
                  <Button small variant="ghost" aria-label={`Move “${item.text}” up`} data-move={`${item.id}:up`} disabled={i === 0} onClick={() => move(i, -1)}>
                    ↑
                  </Button>
                  <Button small variant="ghost" aria-label={`Move “${item.text}” down`} data-move={`${item.id}:down`} disabled={i === items.length - 1} onClick={() => move(i, 1)}>
                    ↓
                  </Button>
                  <Button
                    small
                    variant="ghost"
                    aria-label={`Delete “${item.text}”`}
                    disabled={deleting.has(item.id)}
                    onClick={() => void deleting.run(item.id, () => run((headers) => rest.deleteChecklistItem(boardId, taskId, item.id, { headers }), 'Deleting the item'))}
                  >
                    ✕
                  </Button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {unsent.length > 0 && (
        <ul ref={unsentList} className={styles.list} aria-label="Items not added">
          {unsent.map((u) => (
            <li key={u.id} className={styles.item}>
              <span className={styles.unsent}>“{u.text}” was not added.</span>
              <span className={styles.tools}>
                {canEdit && (
                  // aria-disabled while it runs: a disabled button would drop the focus to the page.
                  <Button small aria-disabled={adding.has(String(u.id))} onClick={() => void adding.run(String(u.id), async () => (await add(u.text)) && dropUnsent(u.id))}>
                    Add again
                  </Button>
                )}
                <Button small variant="ghost" onClick={() => dropUnsent(u.id)}>
                  Discard
                </Button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {canEdit && (
        <form
          className={styles.add}
          onSubmit={(e) => {
            e.preventDefault();
            const text = draft.trim();
            if (!text) return;
            // Cleared at once so the next item can be typed; given back if adding fails, or kept in a
            // "not added" row when the next one is being typed already (the box holds what is typed).
            setDraft('');
            void add(text).then((ok) => {
              if (ok) return;
              if (box.current?.value.trim()) setUnsent((list) => [...list, { id: ++unsentIds.current, text }]);
              else setDraft(text);
            });
          }}
        >
          <input ref={box} className={ui.input} aria-label="New checklist item" placeholder="Add an item…" value={draft} maxLength={500} onChange={(e) => setDraft(e.target.value)} />
          <Button type="submit" small disabled={!draft.trim()}>
            Add item
          </Button>
        </form>
      )}
    </section>
  );
}
