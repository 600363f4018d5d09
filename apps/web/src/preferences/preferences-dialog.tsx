import { useEffect, useState } from 'react';
import { timeoutSignal } from '@tasklane/client';
import type { NotificationKind, PreferencesView } from '@tasklane/contracts';
import { describeError } from '../api/describe-error.js';
import { READ_TIMEOUT_MS } from '../api/keys.js';
import { useSessionObject } from '../api/session-context.js';
import { useInFlight } from '../api/use-in-flight.js';
import { Dialog } from '../ui/dialog.js';
import { LoadFailed } from '../ui/load-failed.js';
import ui from '../ui/ui.module.css';
import { KIND_LABELS, PREFERENCE_KINDS, savedText } from './preference-kinds.js';
import styles from './preferences.module.css';

/**
 * Email preferences (`GET|PATCH /users/me/preferences`): one switch per notification kind, saved
 * as soon as it is flipped; "Saved: …" confirms in a polite status, a failure puts the switch back
 * and says so in an alert. Each switch waits while its own change is on its way and keeps its own
 * outcome (an answer for one switch never resets another); a failed read offers Try again.
 */
export function PreferencesDialog({ onClose }: { onClose: () => void }) {
  const rest = useSessionObject().rest;
  const [prefs, setPrefs] = useState<PreferencesView['emails'] | null>(null);
  /** Kinds whose change is on its way: their switches wait. */
  const saving = useInFlight();
  const [saved, setSaved] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    setLoadFailed(false);
    rest.preferences({ signal: timeoutSignal(READ_TIMEOUT_MS) }).then(
      (p) => live && setPrefs(p.emails),
      () => live && setLoadFailed(true),
    );
    return () => {
      live = false;
    };
  }, [rest, reloads]);

  async function toggle(kind: NotificationKind, on: boolean) {
    if (!prefs) return;
    const was = prefs[kind];
    setPrefs({ ...prefs, [kind]: on });
    setSaved(null);
    setFailure(null);
    try {
      const answer = await rest.updatePreferences({ emails: { [kind]: on } });
      // Only this switch takes the answer: another one flipped meanwhile has its own on its way.
      setPrefs((p) => (p ? { ...p, [kind]: answer.emails[kind] } : answer.emails));
      setSaved(savedText(kind, on));
    } catch (error) {
      setPrefs((p) => (p ? { ...p, [kind]: was } : p));
      setFailure(`Could not save “${KIND_LABELS[kind].label}”: the switch is back as it was. ${describeError(error)}`);
    }
  }

  return (
    <Dialog title="Email preferences" onClose={onClose}>
      <p className={styles.hint}>Which notifications also come by email. They always show under the bell. Every email has an unsubscribe link.</p>
      {loadFailed && <LoadFailed what="Your preferences" onRetry={() => setReloads((n) => n + 1)} />}
      {prefs === null ? (
        !loadFailed && <p role="status">Loading…</p>
      ) : (
        <fieldset className={styles.list}>
          <legend className="visually-hidden">Send me an email when</legend>
          {PREFERENCE_KINDS.map((kind) => (
            <label key={kind} className={styles.row}>
              <span className={styles.text}>
                <span className={styles.label}>{KIND_LABELS[kind].label}</span>
                <span className={styles.kindHint}>{KIND_LABELS[kind].hint}</span>
              </span>
              <input type="checkbox" role="switch" className={styles.switch} checked={prefs[kind]} disabled={saving.has(kind)} onChange={(e) => void saving.run(kind, () => toggle(kind, e.target.checked))} aria-label={`${KIND_LABELS[kind].label} emails`} />
            </label>
          ))}
        </fieldset>
      )}
      <p role="status" className={styles.saved}>
        {saved}
      </p>
      {failure && (
        <p role="alert" className={ui.alert}>
          {failure}
        </p>
      )}
    </Dialog>
  );
}
