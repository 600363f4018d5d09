import { useCallback, useEffect, useState } from 'react';
import type { BoardSummary, ReceivedInvitationView } from '@tasklane/contracts';
import { newIdempotencyKey, withRetries } from '../api/keys.js';
import type { Session } from '../api/session.js';

/** My boards (every page), my pending invitations (the first 100; null until loaded), and the board writes. */
export function useBoards(session: Session) {
  const [boards, setBoards] = useState<BoardSummary[] | null>(null);
  const [invitations, setInvitations] = useState<ReceivedInvitationView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const rest = session.rest;

  const load = useCallback(async () => {
    try {
      const all: BoardSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await rest.listBoards({ limit: 100, cursor });
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      setBoards(all);
      setInvitations((await rest.myInvitations({ limit: 100 })).items);
    } catch {
      setError('Could not load your boards. Reload to try again.');
    }
  }, [rest]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (what: string, write: (headers: Record<string, string>) => Promise<unknown>) => {
    setError(null);
    try {
      await withRetries(newIdempotencyKey(), write);
      await load();
      return true;
    } catch (e) {
      setError(`${what} failed: ${(e as { body?: { message?: string } }).body?.message ?? 'the server could not be reached'}.`);
      return false;
    }
  };

  return {
    boards,
    invitations,
    error,
    createBoard: (name: string) => run('Creating the board', (headers) => rest.createBoard({ name }, { headers })),
    renameBoard: (id: string, name: string) => run('Renaming the board', (headers) => rest.updateBoard(id, { name }, { headers })),
    deleteBoard: (id: string) => run('Deleting the board', (headers) => rest.deleteBoard(id, { headers })),
    accept: (id: string) => run('Accepting the invitation', (headers) => rest.acceptInvitation(id, { headers })),
    decline: (id: string) => run('Declining the invitation', (headers) => rest.declineInvitation(id, { headers })),
  };
}
