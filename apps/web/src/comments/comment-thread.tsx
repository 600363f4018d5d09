import { useEffect, useState } from 'react';
import { TasklaneHttpError, type TasklaneRestClient } from '@tasklane/client';
import type { AnyBoardEvent, CommentView, MemberView } from '@tasklane/contracts';
import { newIdempotencyKey, withRetries } from '../api/keys.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import ui from '../ui/ui.module.css';
import { renderMarkdown } from './markdown.js';
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
}

/**
 * A task's comments, oldest first, live: read page by page, then kept current by the board's
 * events (comment.created|updated|deleted of this task). Bodies are Markdown rendered sanitized
 * (renderMarkdown: no raw HTML, no script). Editors and owners comment; authors edit and delete
 * their own; owners delete any.
 */
export function CommentThread({ rest, boardId, taskId, me, canComment, isOwner, members, subscribe }: Props) {
  const [comments, setComments] = useState<readonly CommentView[] | null>(null);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState<{ id: string; body: string } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let loaded = false;
    // Events that arrive while the pages are read are applied on top of them (idempotent: see applyCommentEvent).
    const early: AnyBoardEvent[] = [];
    const unsubscribe = subscribe((event) => {
      if (!live) return;
      if (loaded) setComments((list) => (list ? applyCommentEvent(list, taskId, event) : list));
      else early.push(event);
    });
    void (async () => {
      try {
        let all: CommentView[] = [];
        let cursor: string | undefined;
        for (let i = 0; i < MAX_PAGES; i++) {
          const page = await rest.listComments(boardId, taskId, { limit: PAGE, cursor });
          all = [...all, ...page.items];
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        loaded = true;
        if (live) setComments(early.reduce<readonly CommentView[]>((list, e) => applyCommentEvent(list, taskId, e), all));
      } catch {
        if (live) setProblem('The comments could not be loaded.');
      }
    })();
    return () => {
      live = false;
      unsubscribe();
    };
  }, [rest, boardId, taskId, subscribe]);

  const nameOf = (id: string) => members.find((m) => m.userId === id)?.name ?? 'Former member';
  const run = async (write: (headers: Record<string, string>) => Promise<unknown>, what: string) => {
    setProblem(null);
    try {
      await withRetries(newIdempotencyKey(), write);
      return true;
    } catch (e) {
      setProblem(`${what} failed. ${e instanceof TasklaneHttpError ? (e.body?.message ?? '') : 'The server could not be reached.'}`);
      return false;
    }
  };

  return (
    <section className={styles.thread} aria-label="Comments">
      <h3 className={styles.heading}>Comments{comments ? ` (${comments.length})` : ''}</h3>
      {problem && (
        <p role="alert" className={styles.problem}>
          {problem}
        </p>
      )}
      {!comments ? (
        <p className={styles.muted}>Loading comments…</p>
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
                {canComment && c.authorId === me && editing?.id !== c.id && (
                  <Button small variant="ghost" onClick={() => setEditing({ id: c.id, body: c.body })}>
                    Edit
                  </Button>
                )}
                {canComment && (c.authorId === me || isOwner) && (
                  <Button small variant="ghost" onClick={() => void run((headers) => rest.deleteComment(boardId, taskId, c.id, { headers }), 'Deleting the comment')}>
                    Delete
                  </Button>
                )}
              </div>
              {editing?.id === c.id ? (
                <form
                  className={styles.form}
                  onSubmit={(e) => {
                    e.preventDefault();
                    const body = editing.body;
                    void run((headers) => rest.updateComment(boardId, taskId, c.id, body, { headers: { ...headers, 'If-Match': `"${c.version}"` } }), 'Saving the comment').then(
                      (ok) => ok && setEditing(null),
                    );
                  }}
                >
                  <textarea className={ui.input} aria-label="Edit comment" value={editing.body} maxLength={10_000} onChange={(e) => setEditing({ id: c.id, body: e.target.value })} />
                  <div className={styles.actions}>
                    <Button type="submit" small variant="primary" disabled={!editing.body.trim()}>
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
      {canComment && (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            const body = draft;
            // Cleared at once; given back if posting fails.
            setDraft('');
            void run((headers) => rest.createComment(boardId, taskId, body, { headers }), 'Posting the comment').then((ok) => ok || setDraft(body));
          }}
        >
          <textarea
            className={ui.input}
            aria-label="New comment"
            placeholder="Write a comment… Markdown works; @Name mentions a member."
            value={draft}
            maxLength={10_000}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) e.currentTarget.form?.requestSubmit();
            }}
          />
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
