import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { TasklaneHttpError } from '@tasklane/client';
import { BOARD_ROLES, type BoardRole, type InvitationView, type MemberView } from '@tasklane/contracts';
import { ifSupported } from '../api/features.js';
import { newIdempotencyKey, withRetries } from '../api/keys.js';
import { useSessionObject } from '../api/session-context.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import ui from '../ui/ui.module.css';
import styles from './members.module.css';

interface Props {
  boardId: string;
  members: MemberView[];
  me: string;
  role: BoardRole | null;
  onClose(): void;
  onChangeRole(userId: string, role: BoardRole): Promise<void>;
  onRemove(userId: string): Promise<void>;
}

/**
 * The board's members (live, from the board state). Owners change roles, remove members and
 * invite by email. Invitations are used where the server has them (`…/invitations`); a server
 * without them answers 404 ROUTE_NOT_FOUND and the form adds the member directly instead.
 */
export function MembersDialog({ boardId, members, me, role, onClose, onChangeRole, onRemove }: Props) {
  const rest = useSessionObject().rest;
  const owner = role === 'owner';
  const [invitations, setInvitations] = useState<InvitationView[] | null | undefined>(undefined);
  const [message, setMessage] = useState<string | null>(null);

  const loadInvitations = useCallback(async () => {
    if (!owner) return;
    try {
      const r = await ifSupported(() => rest.listInvitations(boardId, { limit: 100 }));
      setInvitations(r.supported ? r.value.items.filter((i) => i.status === 'pending') : null);
    } catch {
      setInvitations(null);
    }
  }, [owner, rest, boardId]);
  useEffect(() => void loadInvitations(), [loadInvitations]);

  async function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const inviteRole = String(data.get('role')) as BoardRole;
    setMessage(null);
    try {
      if (invitations === null) {
        await withRetries(newIdempotencyKey(), (headers) => rest.addMember(boardId, email, inviteRole, { headers }));
        setMessage(`${email} was added as ${inviteRole}.`);
      } else {
        await withRetries(newIdempotencyKey(), (headers) => rest.inviteMember(boardId, email, inviteRole, { headers }));
        setMessage(`${email} was invited as ${inviteRole}.`);
        await loadInvitations();
      }
      form.reset();
    } catch (err) {
      const code = err instanceof TasklaneHttpError ? err.code : undefined;
      setMessage(
        code === 'ALREADY_MEMBER' ? `${email} is a member already.` : code === 'USER_NOT_FOUND' ? `No account uses ${email}.` : `That did not work: ${(err as TasklaneHttpError).body?.message ?? 'try again'}.`,
      );
    }
  }

  return (
    <Dialog title="Members" onClose={onClose}>
      <ul className={styles.list} aria-label="Members">
        {members.map((m) => (
          <li key={m.userId} className={styles.member}>
            <Avatar userId={m.userId} name={m.name} small />
            <span className={styles.who}>
              <span>
                <strong>{m.name}</strong>
                {m.userId === me && ' (you)'}
              </span>
              {m.email && (
                <span className={styles.email} title={m.email}>
                  {m.email}
                </span>
              )}
            </span>
            {owner ? (
              <select className={ui.input} aria-label={`Role of ${m.name}`} value={m.role} onChange={(e) => void onChangeRole(m.userId, e.target.value as BoardRole)}>
                {BOARD_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            ) : (
              <span className={styles.role}>{m.role}</span>
            )}
            {(owner || m.userId === me) && (
              <Button small variant="danger" aria-label={m.userId === me ? 'Leave this board' : `Remove ${m.name}`} onClick={() => void onRemove(m.userId)}>
                {m.userId === me ? 'Leave' : 'Remove'}
              </Button>
            )}
          </li>
        ))}
      </ul>
      {owner && invitations !== undefined && (
        <form className={styles.invite} onSubmit={invite} aria-label={invitations === null ? 'Add a member' : 'Invite someone'}>
          <label className={ui.field}>
            <span>Email</span>
            <input className={ui.input} name="email" type="email" required />
          </label>
          <label className={ui.field}>
            <span>Role</span>
            <select className={ui.input} name="role" defaultValue="editor">
              {BOARD_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" variant="primary">
            {invitations === null ? 'Add member' : 'Send invitation'}
          </Button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {owner && invitations && invitations.length > 0 && (
        <section aria-labelledby="pending-title">
          <h3 id="pending-title" className={styles.subhead}>
            Pending invitations
          </h3>
          <ul className={styles.list}>
            {invitations.map((inv) => (
              <li key={inv.id} className={styles.invitation}>
                <span className={styles.who}>
                  {inv.email} <span className={styles.email}>as {inv.role}, until {new Date(inv.expiresAt).toLocaleDateString()}</span>
                </span>
                <Button
                  small
                  aria-label={`Revoke the invitation of ${inv.email}`}
                  onClick={() => void withRetries(newIdempotencyKey(), (headers) => rest.revokeInvitation(boardId, inv.id, { headers })).then(loadInvitations, () => setMessage('Revoking failed.'))}
                >
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </Dialog>
  );
}
