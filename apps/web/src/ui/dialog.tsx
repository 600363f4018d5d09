import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from './button.js';
import styles from './ui.module.css';

/**
 * A modal dialog on the native <dialog> (focus trapped, Escape closes, focus returns to the opener).
 * Rendered open while mounted; `onClose` runs on Escape, the close button or a backdrop click.
 * `wide` for tables (52rem instead of 36rem, still within the window).
 */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
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
      <div className={styles.dialogBody}>{children}</div>
    </dialog>
  );
}
