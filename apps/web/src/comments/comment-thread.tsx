import { useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { timeoutSignal, type TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, CommentView, MemberView } from '@tasklane/contracts';
import { isNotFound } from '../api/describe-error.js';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { sendWrite } from '../api/send-write.js';
import { useInFlight } from '../api/use-in-flight.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import { LoadFailed } from '../ui/load-failed.js';
import ui from '../ui/ui.module.css';
import { renderMarkdown } from './markdown.js';
import { completeMention, mentionCandidates, mentionQuery, type MentionQuery } from './mention-complete.js';
import { applyCommentEvent } from './thread-model.js';
import styles from './comments.module.css';

/** Longest page the thread asks for, and the most pages it reads (5,000 comments). */
const PAGE = 100;
const MAX_PAGES = 50;

interface Props {
  rest: TasklaneRestClient;
  boardId: string;
  taskId: string;
  me: string;
  canComment: boolean;
  isOwner: boolean;
  members: readonly MemberView[];
  subscribe(listener: (event: AnyBoardEvent) => void): () => void;
  /** The board's snapshot generation: read again when it changes (the board resynced, so events may have been missed). */
  generation?: number;
}

/**
 * A task's comments, oldest first, live: read page by page, then kept current by the board's
 * events (comment.created|updated|deleted of this task). Bodies are Markdown rendered sanitized
 * (renderMarkdown: no raw HTML, no script). Editors and owners comment; authors edit and delete
 * their own; owners delete any. A failed read says so with "Try again" (it is read again by itself
 * when the board resyncs); a failed write says so separately.
 */
export function CommentThread({ rest, boardId, taskId, me, canComment, isOwner, members, subscribe, generation = 0 }: Props) {
  const [comments, setComments] = useState<readonly CommentView[] | null>(null);
  const [draft, setDraft] = useState('');
  /** The comment being edited, its text as typed, and its version when Edit was clicked (If-Match: an edit made meanwhile, even in another tab, is a conflict, not overwritten). */
  const [editing, setEditing] = useState<{ id: string; body: string; version: number } | null>(null);
  /** Comments whose delete is on its way: their Delete is disabled. */
  const deleting = useInFlight();
  /** A comment edit is on its way: Save is disabled (a second click would race the first's If-Match and report a false failure). */
  const [savingEdit, setSavingEdit] = useState(false);
  /** Who deleted which of this task's comments, from the live events: names who deleted a comment while it was being edited. */
  const [deletedBy, setDeletedBy] = useState<ReadonlyMap<string, string>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [reloads, setReloads] = useState(0);
  // @mention completion in the new-comment box: the query at the caret, its candidates, the highlighted one.
  const [typing, setTyping] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const candidates = typing ? mentionCandidates(members, typing.query) : [];
  const open = candidates.length > 0;
  const pick = (name: string) => {
    const el = box.current;
    // The mention at the caret as it is now (the caret may have moved since the list opened).
    const at = el ? mentionQuery(draft, el.selectionStart) : null;
    if (!el || !at) return setTyping(null);
    const next = completeMention(draft, el.selectionStart, at, name);
    // The caret goes behind the mention in the same task as the text: set later (an animation
    // frame), a key typed in between landed before it and was pushed to the end of the text.
    flushSync(() => {
      setDraft(next.text);
      setTyping(null);
    });
    el.focus();
    el.setSelectionRange(next.caret, next.caret);
  };

  useEffect(() => {
    let live = true;
    let loaded = false;
    // Events that arrive while the pages are read are applied on top of them (idempotent: see applyCommentEvent).
    const early: AnyBoardEvent[] = [];
    const unsubscribe = subscribe((event) => {
      if (!live) return;
      if (event.type === 'comment.deleted' && event.data.taskId === taskId) setDeletedBy((by) => new Map(by).set(event.data.id, event.actorId));
      if (loaded) setComments((list) => (list ? applyCommentEvent(list, taskId, event) : list));
      else early.push(event);
    });
    setLoadFailed(false);
    void (async () => {
      try {
        let all: CommentView[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < MAX_PAGES; i++) {
          const page = await rest.listComments(boardId, taskId, { limit: PAGE, cursor }, { signal: timeoutSignal(READ_TIMEOUT_MS) });
          all = [...all, ...page.items];
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        loaded = true;
        if (live) setComments(early.reduce<readonly CommentView[]>((list, e) => applyCommentEvent(list, taskId, e), all));
      } catch {
        if (live) setLoadFailed(true);
      }
    })();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [rest, boardId, taskId, subscribe, generation, reloads]);

  const nameOf = (id: string) => members.find((m) => m.userId === id)?.name ?? 'Former member';
  // The comment being edited was deleted (by someone else, in another tab, or while the board was
  // offline): its edit form left the list with it, so what was typed is kept apart, to post as a
  // new comment or discard. Not for a delete clicked here, which means to drop the edit too.
  const orphan = editing && comments && !deleting.has(editing.id) && !comments.some((c) => c.id === editing.id) ? editing : null;
  const deleter = orphan ? deletedBy.get(orphan.id) : undefined;
  const deletedWho = deleter === me ? 'You deleted' : !deleter ? 'Someone deleted' : members.some((m) => m.userId === deleter) ? `${nameOf(deleter)} deleted` : 'A former member deleted';
  /** The kept text's post is on its way (its box and buttons wait: a second post would be a second comment). */
  const posting = useInFlight();
  // The kept text takes the focus its edit box had (that box left with the comment, and keys typed next went nowhere).
  const orphanBox = useRef<HTMLTextAreaElement>(null);
  const orphanId = orphan?.id;
  useLayoutEffect(() => {
    const el = orphanBox.current;
    if (!orphanId || !el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, [orphanId]);
  /** Sends a write; true when it went through or `done(error)` says its failure means the same (a delete answered 404), else false with the failure shown. */
  const run = async (write: (headers: Record<string, string>) => Promise<unknown>, what: string, done?: (error: unknown) => boolean) => {
    const sent = await sendWrite(what, write, setProblem, (error) => (done?.(error) ? null : undefined));
    return sent.ok || done?.(sent.error) === true;
  };

  return (
    <section className={styles.thread} aria-label="Comments">
      <h3 className={styles.heading}>Comments{comments ? ` (${comments.length})` : ''}</h3>
      {problem && (
        <p role="alert" className={styles.problem}>
          {problem}
        </p>
      )}
      {loadFailed && <LoadFailed what="The comments" className={styles.problem} onRetry={() => setReloads((n) => n + 1)} />}
      {!comments ? (
        !loadFailed && <p className={styles.muted}>Loading comments…</p>
      ) : comments.length === 0 ? (
        <p className={styles.muted}>No comments yet.</p>
      ) : (
        <ol className={styles.list}>
          {comments.map((c) => (
            <li key={c.id} className={styles.comment} aria-label={`Comment by ${nameOf(c.authorId)}`}>
              <div className={styles.meta}>
                <Avatar userId={c.authorId} name={nameOf(c.authorId)} small />
                <strong>{nameOf(c.authorId)}</strong>
                <time dateTime={c.createdAt} className={styles.muted}>
                  {new Date(c.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
                  {c.version > 1 ? ' · edited' : ''}
                </time>
                <span className={styles.spacer} />
                {/* One edit at a time: switching to another comment would drop what was typed in this one. */}
                {canComment && c.authorId === me && !editing && (
                  <Button small variant="ghost" onClick={() => setEditing({ id: c.id, body: c.body, version: c.version })}>
                    Edit
                  </Button>
                )}
                {canComment && (c.authorId === me || isOwner) && (
                  <Button
                    small
                    variant="ghost"
                    disabled={deleting.has(c.id)}
                    onClick={() =>
                      void deleting.run(c.id, async () => {
                        // A 404: deleted already (elsewhere, or by a try whose answer was lost), which is what was asked.
                        // Deleting the comment being edited drops the edit (before the id leaves `deleting`, so the
                        // kept-text form never shows); a failed delete keeps it.
                        if (await run((headers) => rest.deleteComment(boardId, taskId, c.id, { headers }), 'Deleting the comment', isNotFound)) setEditing((e) => (e?.id === c.id ? null : e));
                      })
                    }
                  >
                    Delete
                  </Button>
                )}
              </div>
              {editing?.id === c.id ? (
                <form
                  className={styles.form}
                  onSubmit={(e) => {
                    e.preventDefault();
                    if (savingEdit) return;
                    const body = editing.body;
                    setSavingEdit(true);
                    void run((headers) => rest.updateComment(boardId, taskId, c.id, body, { headers: { ...headers, 'If-Match': `"${editing.version}"` } }), 'Saving the comment').then((ok) => {
                      setSavingEdit(false);
                      if (ok) setEditing(null);
                    });
                  }}
                >
                  <textarea className={ui.input} aria-label="Edit comment" value={editing.body} maxLength={10_000} onChange={(e) => setEditing({ ...editing, body: e.target.value })} />
                  <div className={styles.actions}>
                    <Button type="submit" small variant="primary" disabled={!editing.body.trim() || savingEdit || !canComment}>
                      Save comment
                    </Button>
                    <Button small onClick={() => setEditing(null)}>
                      Cancel
                    </Button>
                  </div>
                </form>
              ) : (
                // Sanitized by renderMarkdown (DOMPurify, Markdown's tags only).
                <div className={styles.body} dangerouslySetInnerHTML={{ __html: renderMarkdown(c.body, c.mentionIds.map(nameOf)) }} />
              )}
            </li>
          ))}
        </ol>
      )}
      {orphan && (
        <form
          className={styles.form}
          aria-label="Deleted comment"
          onSubmit={(e) => {
            e.preventDefault();
            if (savingEdit || !canComment || !orphan.body.trim()) return;
            const { id, body } = orphan;
            void posting.run(id, async () => {
              if (await run((headers) => rest.createComment(boardId, taskId, body, { headers }), 'Posting the comment')) setEditing((e) => (e?.id === id ? null : e));
            });
          }}
        >
          <p role="alert" className={styles.problem}>
            {deletedWho} the comment you were editing. What you typed is kept here{canComment ? '.' : ' to copy: you can no longer comment on this board.'}
          </p>
          <textarea
            ref={orphanBox}
            className={ui.input}
            aria-label="Edit comment"
            value={orphan.body}
            maxLength={10_000}
            readOnly={posting.has(orphan.id)}
            onChange={(e) => setEditing({ ...orphan, body: e.target.value })}
          />
          <div className={styles.actions}>
            <Button type="submit" small variant="primary" disabled={!orphan.body.trim() || savingEdit || !canComment || posting.has(orphan.id)}>
              Post as a new comment
            </Button>
            <Button small disabled={posting.has(orphan.id)} onClick={() => setEditing(null)}>
              Discard
            </Button>
          </div>
        </form>
      )}
      {canComment && (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            const body = draft;
            // Ctrl+Enter submits even while the button is disabled: nothing to post.
            if (!body.trim()) return;
            // Cleared at once; given back if posting fails, ahead of anything typed meanwhile (both kept, and the failure shown).
            setDraft('');
            void run((headers) => rest.createComment(boardId, taskId, body, { headers }), 'Posting the comment').then(
              (ok) => ok || setDraft((typed) => (typed.trim() ? `${body}\n\n${typed}` : body)),
            );
          }}
        >
          <textarea
            ref={box}
            className={ui.input}
            aria-label="New comment"
            placeholder="Write a comment… Markdown works; @Name mentions a member."
            value={draft}
            maxLength={10_000}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={open}
            aria-controls={listId}
            aria-activedescendant={open ? `${listId}-${Math.min(active, candidates.length - 1)}` : undefined}
            onChange={(e) => {
              setDraft(e.target.value);
              setTyping(mentionQuery(e.target.value, e.target.selectionStart));
              setActive(0);
            }}
            // The caret moved (a click, an arrow key, Home): the mention being typed is the one at it now.
            onSelect={(e) => setTyping(mentionQuery(e.currentTarget.value, e.currentTarget.selectionStart))}
            onBlur={() => setTyping(null)}
            onKeyDown={(e) => {
              // An input method composing text (Japanese, Chinese) gets its Enter and arrows.
              if (e.nativeEvent.isComposing) return;
              if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
                e.preventDefault();
                setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : candidates.length - 1)) % candidates.length);
              } else if (open && (e.key === 'Enter' || e.key === 'Tab') && !e.metaKey && !e.ctrlKey) {
                e.preventDefault();
                pick(candidates[Math.min(active, candidates.length - 1)].name);
              } else if (open && e.key === 'Escape') {
                // Closes the list only, not the dialog.
                e.preventDefault();
                e.stopPropagation();
                setTyping(null);
              } else if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
            }}
          />
          <ul id={listId} role="listbox" aria-label="Mention a member" className={styles.suggestions} hidden={!open}>
            {candidates.map((m, i) => (
              <li
                key={m.userId}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === Math.min(active, candidates.length - 1)}
                className={styles.suggestion}
                // mousedown, not click: before the textarea's blur closes the list.
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(m.name);
                }}
              >
                <Avatar userId={m.userId} name={m.name} small /> {m.name}
              </li>
            ))}
          </ul>
          <div className={styles.actions}>
            <Button type="submit" small variant="primary" disabled={!draft.trim()}>
              Comment
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
