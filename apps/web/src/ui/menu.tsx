import { useEffect, useId, useLayoutEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Button } from './button.js';
import styles from './ui.module.css';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  danger?: boolean;
  disabled?: boolean;
}

/** Where the open list goes: under the button, or above it near the bottom of the window. */
function placement(button: HTMLElement, items: number): CSSProperties {
  const r = button.getBoundingClientRect();
  const right = Math.max(4, window.innerWidth - r.right);
  return r.bottom + items * 40 + 16 > window.innerHeight ? { position: 'fixed', bottom: window.innerHeight - r.top + 4, right } : { position: 'fixed', top: r.bottom + 4, right };
}

/**
 * A disclosure menu: a button (`label` is its accessible name) that opens a list of actions. The
 * list is portalled to <body> with fixed positioning, so no scrolling column clips it; focus moves
 * to its first action, Escape or a click outside closes it and focus returns to the button.
 * `text`: a bordered text button (like the header's other buttons) instead of a ghost icon.
 */
export function Menu({ label, children, items, text }: { label: string; children: ReactNode; items: MenuItem[]; text?: boolean }) {
  const [style, setStyle] = useState<CSSProperties | null>(null);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const open = style !== null;
  const close = (refocus: boolean) => {
    setStyle(null);
    if (refocus) button.current?.focus();
  };
  useLayoutEffect(() => {
    if (open) list.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
  }, [open]);
  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      const t = e.target as Node;
      if (!list.current?.contains(t) && !button.current?.contains(t)) setStyle(null);
    };
    document.addEventListener('mousedown', away);
    window.addEventListener('scroll', away, true);
    return () => {
      document.removeEventListener('mousedown', away);
      window.removeEventListener('scroll', away, true);
    };
  }, [open]);
  return (
    <>
      <Button
        ref={button}
        variant={text ? 'default' : 'ghost'}
        small
        icon={!text}
        aria-label={label}
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        onClick={() => (open ? close(false) : button.current && setStyle(placement(button.current, items.length)))}
      >
        {children}
      </Button>
      {open &&
        createPortal(
          <ul
            id={id}
            ref={list}
            className={styles.menuList}
            style={style}
            aria-label={label}
            onKeyDown={(e) => {
              if (e.key === 'Escape') close(true);
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
                const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
                buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
              }
            }}
            onBlur={(e) => {
              if (!list.current?.contains(e.relatedTarget as Node)) setStyle(null);
            }}
          >
            {items.map((item) => (
              <li key={item.label}>
                <Button
                  variant="ghost"
                  small
                  disabled={item.disabled}
                  className={item.danger ? styles.danger : undefined}
                  onClick={() => {
                    close(true);
                    item.onSelect();
                  }}
                >
                  {item.label}
                </Button>
              </li>
            ))}
          </ul>,
          document.body,
        )}
    </>
  );
}
