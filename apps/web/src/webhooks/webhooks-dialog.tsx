import { useCallback, useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { isTemporaryFailure, timeoutSignal, type TasklaneRestClient } from '@tasklane/client';
import type { DeliveryView, WebhookView } from '@tasklane/contracts';
import { isNotFound } from '../api/describe-error.js';
import { newIdempotencyKey, READ_TIMEOUT_MS, withRetries } from '../api/keys.js';
import { useReadOrder } from '../api/read-order.js';
import { sendWrite } from '../api/send-write.js';
import { useInFlight } from '../api/use-in-flight.js';
import { Button } from '../ui/button.js';
import { Dialog } from '../ui/dialog.js';
import { LoadFailed } from '../ui/load-failed.js';
import ui from '../ui/ui.module.css';
import { ALL_EVENTS, eventGroups, eventsSummary, toggleEvent, webhookFormErrors, type WebhookFormErrors } from './webhook-form.js';
import styles from './webhooks.module.css';

type View = { name: 'list' } | { name: 'form'; webhook: WebhookView | null } | { name: 'deliveries'; webhook: WebhookView } | { name: 'delete'; webhook: WebhookView };

/** How often an open delivery log reloads (ms): deliveries are sent by a background job. */
export const DELIVERIES_POLL_MS = 2000;

/**
 * Board settings → Webhooks (owners only; the board page shows it to owners). One dialog with four
 * views: the list (state, events, failures; Send test, Deliveries, Edit, Delete), the create/edit
 * form (server refusals such as the SSRF rules shown at the field), the delivery log with
 * Redeliver, and the delete confirmation. A secret the server generated is shown once, after
 * creating. Focus moves to each view's heading.
 */
export function WebhooksDialog({ rest, boardId, onClose }: { rest: TasklaneRestClient; boardId: string; onClose: () => void }) {
  const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
  const [view, setView] = useState<View>({ name: 'list' });
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  /** The last read of the list failed: shown with Try again, apart from `failure` (which a view change clears). */
  const [loadFailed, setLoadFailed] = useState(false);
  /** Webhooks with a write on its way (Send test, Enable/Disable, Delete): their buttons wait (a second click was a second ping, or a 404 reported as a failure). */
  const busy = useInFlight();
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  /** Newest started wins: a slow read never replaces the list a later one gave. */
  const reads = useReadOrder();

  const load = useCallback(async () => {
    const read = reads.start();
    try {
      const list = await rest.listWebhooks(boardId, { signal: timeoutSignal(READ_TIMEOUT_MS) });
      if (!reads.isNewest(read)) return;
      setWebhooks(list);
      setLoadFailed(false);
    } catch {
      if (reads.isNewest(read)) setLoadFailed(true);
    }
  }, [rest, boardId, reads]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [view]);

  /** Switches view; the last message stays only on the way back to the list (it says what was just done there). */
  const go = (next: View) => {
    setFailure(null);
    if (next.name !== 'list') setMessage(null);
    setView(next);
  };

  /**
   * Sends a write of the list's; undefined with the failure shown when it failed. A 404 means the
   * webhook was deleted meanwhile (in another tab): said so, and the list is read again so it goes.
   */
  async function write<T>(what: string, call: (headers: Record<string, string>) => Promise<T>): Promise<T | undefined> {
    setMessage(null);
    const sent = await sendWrite(what, call, setFailure, (error) => (isNotFound(error) ? `${what} failed. The webhook no longer exists: it was deleted.` : undefined));
    if (sent.ok) return sent.value;
    if (isNotFound(sent.error)) void load();
    return undefined;
  }

  async function sendTest(w: WebhookView) {
    if (await write('Sending the test', (headers) => rest.testWebhook(boardId, w.id, { headers }))) {
      setMessage(`Test ping queued for ${w.url}. Its delivery shows in the log.`);
    }
  }

  async function toggleEnabled(w: WebhookView) {
    if (await write(w.enabled ? 'Disabling the webhook' : 'Enabling the webhook', (headers) => rest.updateWebhook(boardId, w.id, { enabled: !w.enabled }, { headers }))) {
      setMessage(`${w.url} is ${w.enabled ? 'disabled' : 'enabled'}.`);
      await load();
    }
  }

  const status = (
    <>
      {message && (
        <p role="status" className={styles.note}>
          {message}
        </p>
      )}
      {failure && (
        <p role="alert" className={ui.alert}>
          {failure}
        </p>
      )}
    </>
  );

  if (view.name === 'form') {
    return (
      <Dialog title="Webhooks" onClose={onClose}>
        <WebhookForm
          headingRef={heading}
          webhook={view.webhook}
          onCancel={() => go({ name: 'list' })}
          onSubmit={async (input, headers) => {
            if (view.webhook) {
              await rest.updateWebhook(boardId, view.webhook.id, { url: input.url, events: input.events, enabled: input.enabled }, { headers });
              setMessage(`Saved the webhook to ${input.url}.`);
              setSecret(null);
            } else {
              const created = await rest.createWebhook(boardId, { url: input.url, events: input.events, ...(input.secret ? { secret: input.secret } : {}) }, { headers });
              setMessage(`Added the webhook to ${created.url}.`);
              setSecret(input.secret ? null : { url: created.url, secret: created.secret });
            }
            await load();
            go({ name: 'list' });
          }}
        />
      </Dialog>
    );
  }

  if (view.name === 'deliveries') {
    return (
      <Dialog title="Webhooks" onClose={onClose} wide>
        <Deliveries rest={rest} boardId={boardId} webhook={view.webhook} headingRef={heading} onBack={() => go({ name: 'list' })} />
      </Dialog>
    );
  }

  if (view.name === 'delete') {
    const w = view.webhook;
    return (
      <Dialog title="Webhooks" onClose={onClose}>
        <h3 ref={heading} tabIndex={-1} className={styles.subhead}>
          Delete this webhook?
        </h3>
        <p className={styles.url}>{w.url}</p>
        <p>Its delivery log goes with it and pending deliveries are dropped. This cannot be undone.</p>
        {status}
        <div className={styles.actions}>
          <Button
            variant="danger"
            disabled={busy.has(w.id)}
            onClick={() =>
              void busy.run(w.id, async () => {
                // A 404 is done too: deleted already (in another tab, or by a try whose answer was lost).
                const deleted = await write('Deleting the webhook', (headers) =>
                  rest.deleteWebhook(boardId, w.id, { headers }).then(
                    () => true,
                    (error: unknown) => {
                      if (isNotFound(error)) return true;
                      throw error;
                    },
                  ),
                );
                if (!deleted) return;
                setMessage(`Deleted the webhook to ${w.url}.`);
                await load();
                go({ name: 'list' });
              })
            }
          >
            Delete webhook
          </Button>
          <Button onClick={() => go({ name: 'list' })}>Cancel</Button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title="Webhooks" onClose={onClose}>
      <p className={styles.hint}>
        Each board event is POSTed to these URLs as JSON, signed with <code>Tasklane-Signature</code> (HMAC-SHA256 of the secret), in order and at least once.
      </p>
      <h3 ref={heading} tabIndex={-1} className="visually-hidden">
        Webhooks of this board
      </h3>
      {secret && (
        <div className={styles.secret} role="status" aria-label="New webhook secret">
          <p>
            Signing secret of {secret.url}. <strong>Copy it now: it is not shown again.</strong>
          </p>
          <code aria-label="Signing secret">{secret.secret}</code>
          <div className={styles.actions}>
            <Button small onClick={() => void navigator.clipboard?.writeText(secret.secret).then(() => setMessage('Secret copied.'), () => setMessage('Copy it by hand: the clipboard is not available.'))}>
              Copy secret
            </Button>
            <Button small variant="ghost" onClick={() => setSecret(null)}>
              Hide secret
            </Button>
          </div>
        </div>
      )}
      {status}
      {loadFailed && <LoadFailed what="The webhooks" onRetry={() => void load()} />}
      {webhooks === null ? (
        !loadFailed && <p role="status">Loading webhooks…</p>
      ) : webhooks.length === 0 ? (
        <p className={styles.hint}>No webhooks yet.</p>
      ) : (
        <ul className={styles.list} aria-label="Webhooks">
          {webhooks.map((w) => (
            <li key={w.id} className={styles.item} aria-label={w.url}>
              <div className={styles.itemTop}>
                <span className={styles.url}>{w.url}</span>
                <span className={w.enabled ? styles.enabled : styles.disabled}>{w.enabled ? 'Enabled' : 'Disabled'}</span>
              </div>
              <p className={styles.meta}>
                Events: {eventsSummary(w.events)} · {w.consecutiveFailures === 1 ? '1 failure' : `${w.consecutiveFailures} failures`} in a row
              </p>
              {!w.enabled && w.disabledReason && <p className={styles.meta}>Disabled: {w.disabledReason}</p>}
              <div className={styles.actions}>
                <Button small onClick={() => void busy.run(w.id, () => sendTest(w))} aria-label={`Send test to ${w.url}`} disabled={!w.enabled || busy.has(w.id)}>
                  Send test
                </Button>
                <Button small onClick={() => go({ name: 'deliveries', webhook: w })} aria-label={`Deliveries of ${w.url}`}>
                  Deliveries
                </Button>
                <Button small onClick={() => go({ name: 'form', webhook: w })} aria-label={`Edit ${w.url}`}>
                  Edit
                </Button>
                <Button small onClick={() => void busy.run(w.id, () => toggleEnabled(w))} aria-label={`${w.enabled ? 'Disable' : 'Enable'} ${w.url}`} disabled={busy.has(w.id)}>
                  {w.enabled ? 'Disable' : 'Enable'}
                </Button>
                <Button small variant="danger" onClick={() => go({ name: 'delete', webhook: w })} aria-label={`Delete ${w.url}`}>
                  Delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button variant="primary" onClick={() => go({ name: 'form', webhook: null })}>
          Add webhook
        </Button>
      </div>
    </Dialog>
  );
}

interface FormInput {
  url: string;
  events: string[];
  secret?: string;
  enabled?: boolean;
}

/** Create (webhook null) or edit form. `onSubmit` throws the server's refusal, shown at its field. */
function WebhookForm({
  webhook,
  headingRef,
  onSubmit,
  onCancel,
}: {
  webhook: WebhookView | null;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onSubmit: (input: FormInput, headers: Record<string, string>) => Promise<void>;
  onCancel: () => void;
}) {
  const [events, setEvents] = useState<string[]>(webhook?.events ?? [ALL_EVENTS]);
  const [errors, setErrors] = useState<WebhookFormErrors>({});
  const [saving, setSaving] = useState(false);
  const key = useRef(newIdempotencyKey());
  const form = useRef<HTMLFormElement>(null);
  const all = events.includes(ALL_EVENTS);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    if (events.length === 0) {
      setErrors({ events: 'Pick at least one event, or all events.' });
      return;
    }
    setSaving(true);
    setErrors({});
    try {
      const secret = String(data.get('secret') ?? '').trim();
      await withRetries(key.current, (headers) => onSubmit({ url: String(data.get('url') ?? '').trim(), events, secret: secret || undefined, enabled: webhook ? data.get('enabled') === 'on' : undefined }, headers));
    } catch (error) {
      const found = webhookFormErrors(error);
      setErrors(found);
      // A new key only after a definite refusal (a 4xx other than 408/429): the corrected request is
      // a new write. After no answer or a 5xx the write may have happened, so trying again with the
      // same key gets its first answer instead of a second webhook.
      if (!isTemporaryFailure(error)) key.current = newIdempotencyKey();
      const field = (['url', 'events', 'secret'] as const).find((f) => found[f]);
      if (field) form.current?.querySelector<HTMLElement>(field === 'events' ? 'input[name="event"]' : `[name="${field}"]`)?.focus();
    } finally {
      setSaving(false);
    }
  }

  const described = (field: keyof WebhookFormErrors) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `webhook-${field}-error` } : {});
  const errorText = (field: keyof WebhookFormErrors) =>
    errors[field] && (
      <span id={`webhook-${field}-error`} className={styles.fieldError}>
        {errors[field]}
      </span>
    );

  return (
    <form ref={form} className={styles.form} onSubmit={submit} aria-label={webhook ? 'Edit webhook' : 'New webhook'} noValidate>
      <h3 ref={headingRef} tabIndex={-1} className={styles.subhead}>
        {webhook ? 'Edit webhook' : 'New webhook'}
      </h3>
      <label className={ui.field}>
        <span>Payload URL</span>
        <input className={ui.input} name="url" type="url" required maxLength={2000} defaultValue={webhook?.url ?? ''} placeholder="https://example.com/hooks/tasklane" {...described('url')} />
        {errorText('url')}
      </label>
      <fieldset className={styles.events} {...(errors.events ? { 'aria-describedby': 'webhook-events-error' } : {})}>
        <legend>Events</legend>
        <label className={styles.check}>
          <input type="checkbox" name="event" value={ALL_EVENTS} checked={all} onChange={(e) => setEvents(toggleEvent(events, ALL_EVENTS, e.target.checked))} />
          <span>All events</span>
        </label>
        <div className={styles.groups}>
          {eventGroups().map((g) => (
            <div key={g.name} role="group" aria-label={`${g.name} events`} className={styles.group}>
              {g.types.map((t) => (
                <label key={t} className={styles.check}>
                  <input type="checkbox" name="event" value={t} checked={events.includes(t)} disabled={all} onChange={(e) => setEvents(toggleEvent(events, t, e.target.checked))} />
                  <code>{t}</code>
                </label>
              ))}
            </div>
          ))}
        </div>
        {errorText('events')}
      </fieldset>
      {webhook ? (
        <label className={styles.check}>
          <input type="checkbox" name="enabled" defaultChecked={webhook.enabled} />
          <span>Enabled{webhook.enabled ? '' : ' (turning it on clears the failure count and sends what is pending)'}</span>
        </label>
      ) : (
        <label className={ui.field}>
          <span>Secret (optional)</span>
          <input className={ui.input} name="secret" autoComplete="off" maxLength={200} placeholder="16 characters or more; blank: one is generated" {...described('secret')} />
          {errorText('secret')}
        </label>
      )}
      {errors.form && (
        <p role="alert" className={ui.alert}>
          {errors.form}
        </p>
      )}
      {(errors.url || errors.events || errors.secret) && (
        <p role="alert" className="visually-hidden">
          {[errors.url, errors.events, errors.secret].filter(Boolean).join('. ')}
        </p>
      )}
      <div className={styles.actions}>
        <Button type="submit" variant="primary" disabled={saving}>
          {webhook ? 'Save webhook' : 'Add webhook'}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

const STATUS_TEXT: Record<DeliveryView['status'], string> = { pending: 'Pending', succeeded: 'Succeeded', failed: 'Failed' };

/** A webhook's delivery log (newest 50, reloaded every DELIVERIES_POLL_MS) with Redeliver. */
function Deliveries({ rest, boardId, webhook, headingRef, onBack }: { rest: TasklaneRestClient; boardId: string; webhook: WebhookView; headingRef: RefObject<HTMLHeadingElement | null>; onBack: () => void }) {
  const [deliveries, setDeliveries] = useState<DeliveryView[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  /** Deliveries whose redelivery is on its way: their Redeliver waits (a second click queued a second delivery to the endpoint). */
  const redelivering = useInFlight();
  /** Newest shown wins: the poll and reloads overlap; a slow read never rolls the log back, and reads slower than the poll still update it. */
  const reads = useReadOrder();

  const load = useCallback(async () => {
    const read = reads.start();
    try {
      const page = await rest.listDeliveries(boardId, webhook.id, { limit: 50 }, { signal: timeoutSignal(READ_TIMEOUT_MS) });
      if (!reads.show(read)) return;
      setDeliveries(page.items);
      setFailed(false);
    } catch {
      if (reads.mayShow(read)) setFailed(true);
    }
  }, [rest, boardId, webhook.id, reads]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), DELIVERIES_POLL_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function redeliver(d: DeliveryView) {
    if (!(await sendWrite(`Redelivering ${d.eventType}`, (headers) => rest.redeliver(boardId, webhook.id, d.id, { headers }), setMessage)).ok) return;
    setMessage(`Redelivery of ${d.eventType} queued.`);
    await load();
  }

  return (
    <>
      <div className={styles.itemTop}>
        <h3 ref={headingRef} tabIndex={-1} className={styles.subhead}>
          Deliveries
        </h3>
        <Button small variant="ghost" onClick={onBack}>
          ← Back to webhooks
        </Button>
      </div>
      <p className={styles.url}>{webhook.url}</p>
      {message && (
        <p role="status" className={styles.note}>
          {message}
        </p>
      )}
      {failed && (
        <p role="alert" className={ui.alert}>
          Could not load the deliveries; retrying.
        </p>
      )}
      {deliveries === null ? (
        !failed && <p role="status">Loading deliveries…</p>
      ) : deliveries.length === 0 ? (
        <p className={styles.hint}>No deliveries yet. “Send test” sends one.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Response</th>
                <th scope="col">Duration</th>
                <th scope="col">Time</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td>
                    <code>{d.eventType}</code>
                    {d.seq !== null && <span className={styles.muted}> #{d.seq}</span>}
                  </td>
                  <td>
                    <span className={styles[d.status]} title={d.error ?? undefined}>
                      {STATUS_TEXT[d.status]}
                    </span>
                    {d.error && <span className={styles.deliveryError}>{d.error}</span>}
                  </td>
                  <td>{d.attempts}</td>
                  <td>{d.responseCode ?? '—'}</td>
                  <td>{d.durationMs === null ? '—' : `${d.durationMs} ms`}</td>
                  <td>
                    <time dateTime={d.lastAttemptAt ?? d.createdAt}>{new Date(d.lastAttemptAt ?? d.createdAt).toLocaleString()}</time>
                  </td>
                  <td>
                    <Button small disabled={redelivering.has(d.id)} onClick={() => void redelivering.run(d.id, () => redeliver(d))} aria-label={`Redeliver ${d.eventType} ${d.id.slice(0, 8)}`}>
                      Redeliver
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
