import { useEffect, useState } from 'react';
import type { NotificationKind, PreferencesView } from '@tasklane/contracts';
import { useSessionObject } from '../api/session-context.js';
import { Dialog } from '../ui/dialog.js';
import ui from '../ui/ui.module.css';
import { KIND_LABELS, PREFERENCE_KINDS, savedText } from './preference-kinds.js';
import styles from './preferences.module.css';

/**
 * Email preferences (`GET|PATCH /users/me/preferences`): one switch per notification kind, saved
 * as soon as it is flipped; "Saved: …" confirms in a polite status, a failure puts the switch back
 * and says so in an alert.
 */
export function PreferencesDialog({ onClose }: { onClose: () => void }) {
  const rest = useSessionObject().rest;
  const [prefs, setPrefs] = useState<PreferencesView['emails'] | null>(null);
  const [saving, setSaving] = useState<NotificationKind | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    rest.preferences().then(
      (p) => setPrefs(p.emails),
      () => setFailure('Could not load your preferences. Close and try again.'),
    );
  }, [rest]);

  async function toggle(kind: NotificationKind, on: boolean) {
    if (!prefs) return;
    const was = prefs[kind];
    setPrefs({ ...prefs, [kind]: on });
    setSaving(kind);
    setSaved(null);
    setFailure(null);
    try {
      setPrefs((await rest.updatePreferences({ emails: { [kind]: on } })).emails);
      setSaved(savedText(kind, on));
    } catch {
      // Only this switch goes back: another one flipped meanwhile keeps its own outcome.
      setPrefs((p) => (p ? { ...p, [kind]: was } : p));
      setFailure(`Could not save “${KIND_LABELS[kind].label}”: the switch is back as it was. Try again.`);
    } finally {
      setSaving(null);
    }
  }

  return (
    <Dialog title="Email preferences" onClose={onClose}>
      <p className={styles.hint}>Which notifications also come by email. They always show under the bell. Every email has an unsubscribe link.</p>
      {prefs === null ? (
        !failure && <p role="status">Loading…</p>
      ) : (
        <fieldset className={styles.list}>
          <legend className="visually-hidden">Send me an email when</legend>
          {PREFERENCE_KINDS.map((kind) => (
            <label key={kind} className={styles.row}>
              <span className={styles.text}>
                <span className={styles.label}>{KIND_LABELS[kind].label}</span>
                <span className={styles.kindHint}>{KIND_LABELS[kind].hint}</span>
              </span>
              <input type="checkbox" role="switch" className={styles.switch} checked={prefs[kind]} disabled={saving === kind} onChange={(e) => void toggle(kind, e.target.checked)} aria-label={`${KIND_LABELS[kind].label} emails`} />
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
