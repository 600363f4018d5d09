import { useMemo, useState, type FormEvent } from 'react';
import type { BoardSummary, UserView } from '@tasklane/contracts';
import { useSessionObject } from '../api/session-context.js';
import { navigate } from '../router.js';
import { AppHeader } from '../header/app-header.js';
import { ImportDialog } from '../transfer/import-dialog.js';
import { Button } from '../ui/button.js';
import { Dialog, PageAlertContext } from '../ui/dialog.js';
import { Menu } from '../ui/menu.js';
import ui from '../ui/ui.module.css';
import styles from './boards.module.css';
import { useBoards } from './use-boards.js';

/** My boards with my role; create, import, rename (editors and owners), delete (owners); my invitations. */
export function BoardsPage({ user }: { user: UserView }) {
  const session = useSessionObject();
  const { boards, invitations, error, dismissError, createBoard, renameBoard, deleteBoard, accept, decline } = useBoards(session);
  // The rename and delete dialogs show a failure inside them (the page's alert is behind the modal).
  const pageAlert = useMemo(() => ({ text: error, dismiss: dismissError }), [error, dismissError]);
  /** A create is on its way: its button is disabled (a second click would create a second board). */
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<BoardSummary | null>(null);
  const [deleting, setDeleting] = useState<BoardSummary | null>(null);
  const [importing, setImporting] = useState(false);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name || creating) return;
    setCreating(true);
    if (await createBoard(name)) form.reset();
    setCreating(false);
  }

  return (
    <PageAlertContext.Provider value={pageAlert}>
      <AppHeader user={user} />
      <main className={styles.main}>
        <div className={styles.titleRow}>
          <h1>Your boards</h1>
          <Button onClick={() => setImporting(true)}>Import board</Button>
        </div>
        {error && (
          <p role="alert" className={ui.alert}>
            {error}
          </p>
        )}
        {invitations && invitations.length > 0 && (
          <section aria-labelledby="invitations-title">
            <h2 id="invitations-title">Invitations</h2>
            <ul className={styles.invitations}>
              {invitations.map((inv) => (
                <li key={inv.id} className={styles.invitation}>
                  <span>
                    <strong>{inv.invitedBy.name}</strong> invited you to <strong>{inv.boardName}</strong> as {inv.role}
                  </span>
                  <span>
                    <Button small variant="primary" onClick={() => void accept(inv.id)} aria-label={`Accept the invitation to ${inv.boardName}`}>
                      Accept
                    </Button>{' '}
                    <Button small onClick={() => void decline(inv.id)} aria-label={`Decline the invitation to ${inv.boardName}`}>
                      Decline
                    </Button>
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <form className={styles.create} onSubmit={create} aria-label="Create a board">
          <label className="visually-hidden" htmlFor="new-board-name">
            New board name
          </label>
          <input id="new-board-name" className={ui.input} name="name" placeholder="New board name" required maxLength={200} />
          <Button type="submit" variant="primary" disabled={creating}>
            Create board
          </Button>
        </form>
        {boards === null ? (
          <p role="status">Loading boards…</p>
        ) : boards.length === 0 ? (
          <p className={styles.empty}>No boards yet: create your first one above.</p>
        ) : (
          <ul className={styles.list} aria-label="Boards">
            {boards.map((b) => (
              <li key={b.id} className={styles.card}>
                <div className={styles.cardTop}>
                  <a
                    href={`/boards/${b.id}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`/boards/${b.id}`);
                    }}
                  >
                    {b.name}
                  </a>
                  {b.role !== 'viewer' && (
                    <Menu
                      label={`Actions for board ${b.name}`}
                      items={[
                        { label: 'Rename', onSelect: () => setRenaming(b) },
                        ...(b.role === 'owner' ? [{ label: 'Delete', danger: true, onSelect: () => setDeleting(b) }] : []),
                      ]}
                    >
                      ⋯
                    </Menu>
                  )}
                </div>
                <p className={styles.meta}>
                  <span className={styles.role}>{b.role}</span> · updated {new Date(b.updatedAt).toLocaleDateString()}
                </p>
              </li>
            ))}
          </ul>
        )}
      </main>
      {renaming && (
        <Dialog title="Rename board" onClose={() => setRenaming(null)}>
          <form
            className={ui.field}
            onSubmit={(e) => {
              e.preventDefault();
              const name = String(new FormData(e.currentTarget).get('name') ?? '').trim();
              // Closed once renamed; a failure shows in the dialog, with the name as typed.
              if (name) void renameBoard(renaming.id, name).then((ok) => ok && setRenaming(null));
            }}
          >
            <label className={ui.field}>
              <span>Name</span>
              <input className={ui.input} name="name" defaultValue={renaming.name} required maxLength={200} autoFocus />
            </label>
            <Button type="submit" variant="primary">
              Save
            </Button>
          </form>
        </Dialog>
      )}
      {importing && <ImportDialog onClose={() => setImporting(false)} />}
      {deleting && (
        <Dialog title="Delete board?" onClose={() => setDeleting(null)}>
          <p>
            “{deleting.name}” and all its columns and tasks will be deleted for every member. This cannot be undone.
          </p>
          <div>
            <Button variant="danger" onClick={() => void deleteBoard(deleting.id).then((ok) => ok && setDeleting(null))}>
              Delete board
            </Button>{' '}
            <Button onClick={() => setDeleting(null)}>Cancel</Button>
          </div>
        </Dialog>
      )}
    </PageAlertContext.Provider>
  );
}
