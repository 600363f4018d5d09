import { useEffect, useRef, useState } from 'react';
import { failedMessage } from '../api/describe-error.js';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { notificationHref, notificationText } from './notification-text.js';
import { useNotifications } from './notifications-context.js';
import styles from './notifications.module.css';

/**
 * The bell: unread count, and a list of the newest notifications; a click marks one read and opens
 * its task. A failed "Mark all read" says so in the panel. Escape or a click outside closes the
 * panel; Escape gives the focus back to the bell when it was on the bell or in the panel.
 */
export function NotificationBell() {
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const bell = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof MouseEvent) {
        if (!ref.current?.contains(e.target as Node)) setOpen(false);
      } else if (e.key === 'Escape') {
        // Focus in the panel would fall to the page when the panel goes; focus elsewhere stays there.
        if (ref.current?.contains(document.activeElement)) bell.current?.focus();
        setOpen(false);
      }
    };
    addEventListener('mousedown', close);
    addEventListener('keydown', close);
    return () => {
      removeEventListener('mousedown', close);
      removeEventListener('keydown', close);
    };
  }, [open]);
  const unread = notifications.unreadCount;
  return (
    <div className={styles.bell} ref={ref}>
      <Button ref={bell} small variant="ghost" aria-expanded={open} aria-label={`Notifications, ${unread} unread`} onClick={() => setOpen(!open)}>
        <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span className={styles.badge} aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </Button>
      {open && (
        <section className={styles.panel} aria-label="Notifications">
          <div className={styles.panelHeader}>
            <h2>Notifications</h2>
            <Button
              small
              disabled={unread === 0}
              onClick={() => {
                setProblem(null);
                notifications.markRead({ all: true }).catch((error: unknown) => setProblem(`${failedMessage('Marking all read', error)} Try again.`));
              }}
            >
              Mark all read
            </Button>
          </div>
          {problem && (
            <p role="alert" className={styles.empty}>
              {problem}
            </p>
          )}
          {notifications.items.length === 0 ? (
            <p className={styles.empty}>{notifications.loaded ? 'Nothing yet.' : 'Loading…'}</p>
          ) : (
            <ul className={styles.list}>
              {notifications.items.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={styles.item}
                    data-unread={n.readAt === null}
                    onClick={() => {
                      setOpen(false);
                      // A failure leaves it unread, which the bell still shows: nothing to report.
                      if (n.readAt === null) notifications.markRead({ ids: [n.id] }).catch(() => undefined);
                      navigate(notificationHref(n));
                    }}
                  >
                    <span>{notificationText(n)}</span>
                    <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
