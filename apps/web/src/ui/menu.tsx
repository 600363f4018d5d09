import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './button.js';
import styles from './ui.module.css';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

/** A disclosure menu: a button (`label` is its accessible name) that shows a list of actions. Escape or a click outside closes it. */
export function Menu({ label, children, items }: { label: string; children: ReactNode; items: MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => !ref.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  return (
    <div className={styles.menu} ref={ref} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <Button variant="ghost" small icon aria-label={label} aria-expanded={open} aria-controls={id} onClick={() => setOpen((o) => !o)}>
        {children}
      </Button>
      {open && (
        <ul id={id} className={styles.menuList}>
          {items.map((item) => (
            <li key={item.label}>
              <Button
                variant="ghost"
                small
                disabled={item.disabled}
                className={item.danger ? styles.danger : undefined}
                onClick={() => {
                  setOpen(false);
                  item.onSelect();
                }}
              >
                {item.label}
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
