import { useState, type ReactNode } from 'react';
import type { UserView } from '@tasklane/contracts';
import { useSessionObject } from '../api/session-context.js';
import { NotificationBell } from '../notifications/notification-bell.js';
import { PreferencesDialog } from '../preferences/preferences-dialog.js';
import { navigate } from '../router.js';
import { SearchBox } from '../search/search-box.js';
import { Avatar } from '../ui/avatar.js';
import { Button } from '../ui/button.js';
import { GearIcon } from '../ui/icons.js';
import styles from './app-header.module.css';

/** The top bar: the app name (a link home), page-specific content, search (`/`), the notification bell, the signed-in user, email preferences and "Sign out". */
export function AppHeader({ user, children }: { user: UserView; children?: ReactNode }) {
  const session = useSessionObject();
  const [showPreferences, setShowPreferences] = useState(false);
  return (
    <header className={styles.header}>
      <a
        className={styles.brand}
        href="/"
        onClick={(e) => {
          e.preventDefault();
          navigate('/');
        }}
      >
        <img src="/favicon.svg" alt="" />
        <span>Tasklane</span>
      </a>
      <div className={styles.middle}>{children}</div>
      <div className={styles.user}>
        <SearchBox />
        <NotificationBell />
        <Avatar userId={user.id} name={user.name} small />
        <span className={styles.userName}>{user.name}</span>
        <Button small variant="ghost" icon aria-label="Email preferences" title="Email preferences" onClick={() => setShowPreferences(true)}>
          <GearIcon />
        </Button>
        <Button small onClick={() => void session.signOut().then(() => navigate('/'))}>
          Sign out
        </Button>
      </div>
      {showPreferences && <PreferencesDialog onClose={() => setShowPreferences(false)} />}
    </header>
  );
}
