import { useCallback, useEffect, useRef, useState } from 'react';
import { backoffDelay, timeoutSignal } from '@tasklane/client';
import type { BoardSummary, ReceivedInvitationView } from '@tasklane/contracts';
import { describeError } from '../api/describe-error.js';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { useReadOrder } from '../api/read-order.js';
import { sendWrite } from '../api/send-write.js';
import { useInFlight } from '../api/use-in-flight.js';
import type { Session } from '../api/session.js';

/** My boards (every page), my pending invitations (the first 100; null until loaded), and the board writes. */
export function useBoards(session: Session) {
  const [boards, setBoards] = useState<BoardSummary[] | null>(null);
  const [invitations, setInvitations] = useState<ReceivedInvitationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rest = session.rest;

  /** Newest shown wins: an older read never replaces a newer list (a slow retry after a write's reload). */
  const reads = useReadOrder();
  /** Set once a read has succeeded: the first load's retries stop. */
  const loaded = useRef(false);

  /**
   * Every page of my boards, then my invitations, each request bounded to READ_TIMEOUT_MS; shown
   * unless a read started later has been shown already. @throws what the REST client throws
   */
  const fetchAll = useCallback(async () => {
    const read = reads.start();
    const all: BoardSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await rest.listBoards({ limit: 100, cursor }, { signal: timeoutSignal(READ_TIMEOUT_MS) });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const invitations = (await rest.myInvitations({ limit: 100 }, { signal: timeoutSignal(READ_TIMEOUT_MS) })).items;
    loaded.current = true;
    if (!reads.show(read)) return;
    setBoards(all);
    setInvitations(invitations);
  }, [rest, reads]);

  /** Reloads after a write; a failure is shown (the write itself went through). */
  const load = useCallback(async () => {
    try {
      await fetchAll();
    } catch {
      setError('Could not load your boards. Reload to try again.');
    }
  }, [fetchAll]);

  // The first load: a failure that may pass (no connection, a timeout, a 5xx, 408, 429, or a 401
  // while the session is still renewing its token) is shown and tried again, 1 s doubling to 30 s
  // with jitter, until a read succeeds (this one or a reload after a write) or the page is left.
  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let shown: string | null = null;
    const attempt = (failures: number) => {
      fetchAll().then(
        () => {
          if (!disposed && shown) setError((e) => (e === shown ? null : e));
        },
        (e: unknown) => {
          if (disposed) return;
          if (loaded.current) {
            if (shown) setError((current) => (current === shown ? null : current));
            return;
          }
          if (!session.mayRetry(e)) return setError('Could not load your boards. Reload to try again.');
          const delay = backoffDelay(1_000, failures, 30_000);
          shown = `Could not load your boards: ${describeError(e)} Trying again in ${Math.max(1, Math.round(delay / 1000))} s.`;
          setError(shown);
          timer = setTimeout(() => (loaded.current ? setError((current) => (current === shown ? null : current)) : attempt(failures + 1)), delay);
        },
      );
    };
    attempt(0);
    return () => {
      disposed = true;
      clearTimeout(timer);
    };
  }, [fetchAll, session]);

  /** Writes on their way, by what they act on ('create', a board id, an invitation id): a second click while one runs is ignored. */
  const running = useInFlight();
  /** Runs one write (unless the same one is on its way: false), then reloads the list; false with a message when it failed. */
  const run = async (target: string, what: string, write: (headers: Record<string, string>) => Promise<unknown>) =>
    (await running.run(target, async () => {
      const sent = await sendWrite(what, write, setError);
      if (sent.ok) await load();
      return sent.ok;
    })) ?? false;
  const dismissError = useCallback(() => setError(null), []);

  return {
    boards,
    invitations,
    error,
    dismissError,
    createBoard: (name: string) => run('create', 'Creating the board', (headers) => rest.createBoard({ name }, { headers })),
    renameBoard: (id: string, name: string) => run(id, 'Renaming the board', (headers) => rest.updateBoard(id, { name }, { headers })),
    deleteBoard: (id: string) => run(id, 'Deleting the board', (headers) => rest.deleteBoard(id, { headers })),
    accept: (id: string) => run(id, 'Accepting the invitation', (headers) => rest.acceptInvitation(id, { headers })),
    decline: (id: string) => run(id, 'Declining the invitation', (headers) => rest.declineInvitation(id, { headers })),
  };
}
