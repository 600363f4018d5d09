import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Session, type SessionState } from './session.js';

const SessionContext = createContext<Session | null>(null);

/** Provides the app's one Session (and so its one REST client) to every component. */
export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  useEffect(() => {
    void session.restore();
  }, [session]);
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The Session object (REST client, token, sign-in/out). */
export function useSessionObject(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSessionObject outside SessionProvider');
  return session;
}

/** The session state, re-rendering on sign-in, sign-out and restore. */
export function useSession(): SessionState & { session: Session } {
  const session = useSessionObject();
  const [state, setState] = useState(session.state);
  useEffect(() => session.subscribe(setState), [session]);
  return { ...state, session };
}
