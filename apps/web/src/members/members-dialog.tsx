import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { TasklaneHttpError, timeoutSignal } from '@tasklane/client';
import { BOARD_ROLES, type BoardRole, type InvitationView, type MemberView } from '@tasklane/contracts';
import { describeError, isNotFound } from '../api/describe-error.js';
import { newIdempotencyKey, READ_TIMEOUT_MS, withRetries } from '../api/keys.js';
import { useReadOrder } from '../api/read-order.js';
import { sendWrite } from '../api/send-write.js';
import { useInFlight } from '../api/use-in-flight.js';
import { useSessionObject } from '../api/session-context.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { LoadFailed } from '../ui/load-failed.js';
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
 * The board's members (live, from the board state). Owners change roles, remove members (Remove,
 * then "Really remove"; anyone leaves the same way), invite
 * by email (the one way to join a board: the invitee accepts from their boards page) and revoke
 * pending invitations. The server answers an invitation the same way whether or not the email has
 * an account, so the form never says which.
 */
export function MembersDialog({ boardId, members, me, role, onClose, onChangeRole, onRemove }: Props) {
  const rest = useSessionObject().rest;
  const owner = role === 'owner';
  /** Pending invitations (owners); null until loaded. */
  const [invitations, setInvitations] = useState<InvitationView[] | null>(null);
  /** The last read of the pending invitations failed (shown apart from `message`, with Try again). */
  const [loadFailed, setLoadFailed] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  /** Newest started wins: an older list never replaces a newer one. */
  const reads = useReadOrder();
  /** Invitations whose revoke is on its way: their Revoke is disabled. */
  const revoking = useInFlight();
  /** The member whose Remove (or one's own Leave) was clicked once: it asks again before acting (no undo: they need a new invitation). */
  const [confirming, setConfirming] = useState<string | null>(null);
  /** The member whose Remove gets the focus back when it shows again (after Keep or Stay: the button focused was replaced). */
  const [refocus, setRefocus] = useState<string | null>(null);
  /** Members whose removal is on its way: their Remove or Leave is disabled. */
  const removing = useInFlight();

  function remove(userId: string) {
    setConfirming(null);
    void removing.run(userId, () => onRemove(userId));
  }

  const loadInvitations = useCallback(async () => {
    if (!owner) return;
    const read = reads.start();
    try {
      const list = (await rest.listInvitations(boardId, { limit: 100 }, { signal: timeoutSignal(READ_TIMEOUT_MS) })).items;
      if (!reads.isNewest(read)) return;
      setInvitations(list);
      setLoadFailed(false);
    } catch {
      if (reads.isNewest(read)) setLoadFailed(true);
    }
  }, [owner, rest, boardId, reads]);
  // Read again whenever someone joins or leaves: an invitee who accepted is a member now, no longer pending.
  const memberIds = members.map((m) => m.userId).join(' ');
  useEffect(() => void loadInvitations(), [loadInvitations, memberIds]);

  async function revoke(inv: InvitationView) {
    await sendWrite(`Revoking the invitation of ${inv.email}`, (headers) => rest.revokeInvitation(boardId, inv.id, { headers }), setMessage, (error) =>
      isNotFound(error) ? `The invitation of ${inv.email} was already accepted, declined or revoked.` : undefined,
    );
    await loadInvitations();
  }

  const [inviting, setInviting] = useState(false);

  async function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const inviteRole = String(data.get('role')) as BoardRole;
    setMessage(null);
    setInviting(true);
    try {
      await withRetries(newIdempotencyKey(), (headers) => rest.inviteMember(boardId, email, inviteRole, { headers }));
      setMessage(`${email} is invited as ${inviteRole}: they join when they accept, with an account of that email.`);
      form.reset();
      await loadInvitations();
    } catch (err) {
      const code = err instanceof TasklaneHttpError ? err.code : undefined;
      setMessage(
        code === 'LIMIT_REACHED'
          ? 'This board has as many members and pending invitations as it may have.'
          : code === 'RATE_LIMITED'
            ? 'Too many invitations for now; try again in a minute.'
            : `Sending the invitation failed. ${describeError(err)}`,
      );
    } finally {
      setInviting(false);
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
            {(owner || m.userId === me) &&
              (confirming === m.userId ? (
                <span className={styles.confirm}>
                  <Button small variant="danger" aria-label={m.userId === me ? 'Really leave this board' : `Really remove ${m.name}`} onClick={() => remove(m.userId)}>
                    {m.userId === me ? 'Really leave' : 'Really remove'}
                  </Button>
                  {/* The safe answer takes the focus from the Remove button it replaced (a keyboard user hears the question). */}
                  <Button
                    small
                    autoFocus
                    aria-label={m.userId === me ? 'Stay on this board' : `Keep ${m.name}`}
                    onClick={() => {
                      setConfirming(null);
                      setRefocus(m.userId);
                    }}
                  >
                    {m.userId === me ? 'Stay' : 'Keep'}
                  </Button>
                </span>
              ) : (
                <Button
                  small
                  variant="danger"
                  aria-label={m.userId === me ? 'Leave this board' : `Remove ${m.name}`}
                  disabled={removing.has(m.userId)}
                  autoFocus={refocus === m.userId}
                  onClick={() => setConfirming(m.userId)}
                >
                  {m.userId === me ? 'Leave' : 'Remove'}
                </Button>
              ))}
          </li>
        ))}
      </ul>
      {owner && (
        <form className={styles.invite} onSubmit={invite} aria-label="Invite someone">
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
          {/* Disabled while one is on its way: a second click would be a second invitation (a new Idempotency-Key). */}
          <Button type="submit" variant="primary" disabled={inviting}>
            Send invitation
          </Button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {owner && loadFailed && <LoadFailed what="The pending invitations" onRetry={() => void loadInvitations()} />}
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
                  disabled={revoking.has(inv.id)}
                  onClick={() => void revoking.run(inv.id, () => revoke(inv))}
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
