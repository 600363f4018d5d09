import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { backoffDelay, NotificationStream, type NotificationsState, type TasklaneSocket } from '@tasklane/client';
import type { MarkNotificationsRead } from '@tasklane/contracts';
import type { Session } from '../api/session.js';

export interface NotificationsHandle extends NotificationsState {
  markRead(which: MarkNotificationsRead): Promise<void>;
  /** The user's socket (its `user:<id>` room), for other per-user events such as `import:progress`; null outside the provider. */
  socket: TasklaneSocket | null;
  /** The first page has been read: until then an empty list means "not known yet", not "nothing". */
  loaded: boolean;
}

const EMPTY: NotificationsHandle = { items: [], unreadCount: 0, lastSeq: 0, markRead: async () => {}, socket: null, loaded: false };
const NotificationsContext = createContext<NotificationsHandle>(EMPTY);

/**
 * One NotificationStream (libs/client) for the signed-in user, for as long as the session lasts:
 * the first page over REST, then `notification:new` live on its own socket, caught up by seq after
 * a gap or reconnect. Provides the state and `markRead` to the bell, and the socket to other
 * per-user listeners (the import dialog).
 */
export function NotificationsProvider({ session, children }: { session: Session; children: ReactNode }) {
  const [handle, setHandle] = useState<Omit<NotificationsHandle, 'loaded'>>(EMPTY);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    setLoaded(false);
    const stream = new NotificationStream({
      baseUrl: session.rest.baseUrl,
      token: session.token,
      rest: session.rest,
      // A reconnect refused as unauthorized (the tab slept past the access token): renew, then connect again.
      refreshToken: async () => void (await session.refresh()),
      onChange: (state) => setHandle({ ...state, markRead: (which) => stream.markRead(which), socket: stream.socket }),
    });
    setHandle({ ...EMPTY, markRead: (which) => stream.markRead(which), socket: stream.socket });
    // The first page failed (server unreachable, a blip): the bell stays empty and tries again,
    // 1 s doubling to at most 30 s (with jitter), until it starts or the provider unmounts.
    let retry: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const begin = (attempt: number) => {
      stream.start().then(
        () => !ended && setLoaded(true),
        () => {
          if (!ended) retry = setTimeout(() => begin(attempt + 1), backoffDelay(1_000, attempt, 30_000));
        },
      );
    };
    begin(0);
    return () => {
      ended = true;
      clearTimeout(retry);
      stream.close();
    };
  }, [session]);
  const value = useMemo(() => ({ ...handle, loaded }), [handle, loaded]);
  return <NotificationsContext.Provider value={value}>{children}</NotificationsContext.Provider>;
}

/** The signed-in user's notifications (empty outside NotificationsProvider). */
export function useNotifications(): NotificationsHandle {
  return useContext(NotificationsContext);
}
