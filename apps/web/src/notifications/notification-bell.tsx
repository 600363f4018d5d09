import { useEffect, useRef, useState } from 'react';
import { navigate } from '../router.js';
import { Button } from '../ui/button.js';
import { notificationHref, notificationText } from './notification-text.js';
import { useNotifications } from './notifications-context.js';
import styles from './notifications.module.css';

/** The bell: unread count, and a list of the newest notifications; a click marks one read and opens its task. */
export function NotificationBell() {
  const notifications = useNotifications();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) setOpen(false);
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
      <Button small variant="ghost" aria-expanded={open} aria-label={`Notifications, ${unread} unread`} onClick={() => setOpen(!open)}>
        <span aria-hidden="true">🔔</span>
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
            <Button small disabled={unread === 0} onClick={() => void notifications.markRead({ all: true })}>
              Mark all read
            </Button>
          </div>
          {notifications.items.length === 0 ? (
            <p className={styles.empty}>Nothing yet.</p>
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
                      if (n.readAt === null) void notifications.markRead({ ids: [n.id] });
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
