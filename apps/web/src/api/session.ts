import { TasklaneHttpError, TasklaneRestClient, type SessionMode } from '@tasklane/client';
import type { AuthResponse, UserView } from '@tasklane/contracts';

/**
 * THE SWITCH. How the refresh token is kept between page loads:
 *  - `'detect'` (until the server's cookie session mode is merged): ask for `"session": "cookie"`;
 *    a server without that mode refuses the field (400) or answers with a `refreshToken` in the
 *    JSON, and then the token is kept in localStorage (the legacy path below);
 *  - `'cookie'` (once the server has it): only the HttpOnly `tasklane_refresh` cookie; delete
 *    LegacyRefreshStore and the fallback in `authenticate`.
 * See docs/web.md, "Session".
 */
export const SESSION_MODE: 'detect' | 'cookie' = 'detect';

/** localStorage key of the legacy refresh token (old servers only; never used in cookie mode). */
const LEGACY_KEY = 'tasklane.refreshToken';

/** Where a refresh token lives: nowhere the page can read (cookie) or localStorage (legacy server). */
interface RefreshStore {
  readonly mode: SessionMode;
  /** The token to send; undefined in cookie mode (the browser sends the cookie). */
  token(): string | undefined;
  save(auth: AuthResponse): void;
  clear(): void;
}

const cookieStore: RefreshStore = { mode: 'cookie', token: () => undefined, save: () => undefined, clear: () => undefined };

/** Legacy: the refresh token in localStorage (readable by any script on the origin; transitional). */
const legacyStore: RefreshStore = {
  mode: 'body',
  token: () => localStorage.getItem(LEGACY_KEY) ?? undefined,
  save: (auth) => auth.refreshToken && localStorage.setItem(LEGACY_KEY, auth.refreshToken),
  clear: () => localStorage.removeItem(LEGACY_KEY),
};

export type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: UserView };

/** True when the server refused the `session` field: it predates the cookie session mode. */
function refusedSessionField(error: unknown): boolean {
  if (!(error instanceof TasklaneHttpError) || error.status !== 400) return false;
  const details = error.body?.details;
  return Array.isArray(details) && details.some((d: { field?: string }) => d.field === 'session');
}

/**
 * The signed-in user and their tokens. The access token lives in memory only (this object); the
 * refresh token in an HttpOnly cookie (or, against an old server, localStorage). A reload calls
 * `restore()`, which refreshes once. Refreshes are serialised across tabs with the Web Locks API
 * (where available), so two tabs never spend the same rotating refresh token. `rest` is the app's
 * one REST client: it sends the current access token and refreshes once on a 401.
 */
export class Session {
  private accessToken: string | undefined;
  private store: RefreshStore = SESSION_MODE === 'cookie' || !localStorage.getItem(LEGACY_KEY) ? cookieStore : legacyStore;
  private refreshing: Promise<boolean> | null = null;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  private listeners = new Set<(s: SessionState) => void>();
  state: SessionState = { status: 'loading' };
  readonly rest: TasklaneRestClient;

  constructor(baseUrl = '') {
    this.rest = new TasklaneRestClient(baseUrl, () => this.accessToken, { onUnauthorized: () => this.refresh() });
  }

  /** The access token for the socket handshake ('' when signed out). */
  token = (): string => this.accessToken ?? '';

  subscribe(listener: (s: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After a reload: one refresh from the stored refresh token (cookie or legacy). */
  async restore(): Promise<void> {
    if (!(await this.refresh())) this.set({ status: 'signed-out' });
  }

  /** @throws TasklaneHttpError (401 INVALID_CREDENTIALS, 400 VALIDATION_FAILED, …) */
  signIn(email: string, password: string): Promise<void> {
    return this.authenticate((mode) => this.rest.login(email, password, mode));
  }

  /** @throws TasklaneHttpError (409 EMAIL_TAKEN, 400 VALIDATION_FAILED, …) */
  signUp(email: string, password: string, name: string): Promise<void> {
    return this.authenticate((mode) => this.rest.register(email, password, name, mode));
  }

  /** Revokes the refresh token where the server can (cookie mode) and forgets everything. */
  async signOut(): Promise<void> {
    const store = this.store;
    try {
      if (store.mode === 'cookie') await this.rest.logout();
    } catch {
      // signed out locally all the same
    }
    store.clear();
    this.accessToken = undefined;
    clearTimeout(this.renewTimer);
    this.set({ status: 'signed-out' });
  }

  /**
   * Gets a new access token with the refresh token; one at a time per page and across tabs.
   * Resolves false (and signs out) when the session is gone.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.withLock(async () => {
      const store = this.store === legacyStore || (SESSION_MODE === 'detect' && localStorage.getItem(LEGACY_KEY)) ? legacyStore : cookieStore;
      try {
        const auth = await this.rest.refresh(store.token());
        this.store = store;
        this.accepted(auth);
        return true;
      } catch (error) {
        if (error instanceof TasklaneHttpError && error.status < 500) {
          store.clear();
          this.accessToken = undefined;
          if (this.state.status !== 'signed-out') this.set({ status: 'signed-out' });
        }
        return false;
      }
    }).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async authenticate(call: (mode: SessionMode) => Promise<AuthResponse>): Promise<void> {
    let auth: AuthResponse;
    try {
      auth = await call('cookie');
    } catch (error) {
      if (SESSION_MODE === 'cookie' || !refusedSessionField(error)) throw error;
      auth = await call('body'); // an old server: the refresh token comes in the body
    }
    this.store = auth.refreshToken ? legacyStore : cookieStore;
    if (this.store === cookieStore) legacyStore.clear();
    this.accepted(auth);
  }

  private accepted(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    this.store.save(auth);
    clearTimeout(this.renewTimer);
    // Renew a minute before the access token expires, so sockets reconnect with a valid one.
    this.renewTimer = setTimeout(() => void this.refresh(), Math.max(10, auth.expiresIn - 60) * 1000);
    this.set({ status: 'signed-in', user: auth.user });
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l(state);
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? (locks.request('tasklane-session-refresh', fn) as Promise<T>) : fn();
  }
}
