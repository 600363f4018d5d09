import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { Button } from './button.js';
import styles from './ui.module.css';

/**
 * The page's current error message, for dialogs to show: a modal <dialog> sits in the browser's top
 * layer, so the page's own alert area behind it can be neither seen clearly, clicked nor announced.
 * A failure caused from inside a dialog (a role change, a restore, a label edit) must show there.
 */
export const PageAlertContext = createContext<{ text: string | null; dismiss(): void } | null>(null);

/**
 * A modal dialog on the native <dialog> (focus trapped, Escape closes, focus returns to the opener).
 * Rendered open while mounted; `onClose` runs on Escape, the close button or a backdrop click.
 * `wide` for tables (52rem instead of 36rem, still within the window). Shows the page's current
 * error (PageAlertContext) at its top, with Dismiss.
 */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  const alert = useContext(PageAlertContext);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? `${styles.dialog} ${styles.wide}` : styles.dialog}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <div className={styles.dialogHeader}>
        <h2 id="dialog-title">{title}</h2>
        <Button variant="ghost" icon aria-label="Close" onClick={onClose}>
          ✕
        </Button>
      </div>
      {alert?.text && (
        <div role="alert" className={`${styles.alert} ${styles.dialogAlert}`}>
          <span>{alert.text}</span>
          <Button small onClick={alert.dismiss}>
            Dismiss
          </Button>
        </div>
      )}
      <div className={styles.dialogBody}>{children}</div>
    </dialog>
  );
}
