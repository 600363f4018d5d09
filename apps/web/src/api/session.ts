import { isTemporaryFailure, TasklaneHttpError, TasklaneRestClient, timeoutSignal } from '@tasklane/client';
import type { AuthResponse, UserView } from '@tasklane/contracts';

export type SessionState = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: UserView };

/**
 * How long one `/auth/refresh` may take before it counts as failed (ms): every request waiting on a
 * 401 waits on it. Generous, because a refresh the server committed but whose answer never arrived
 * leaves the browser with the rotated-out cookie: the next try passes as a retry only within the
 * server's REFRESH_TOKEN_REUSE_GRACE (60 s from the rotation by default), and ends the session as reuse after it.
 */
export const REFRESH_TIMEOUT_MS = 20_000;
/**
 * After a refresh that failed temporarily (network, timeout, 5xx, 408, 429), the next try this
 * much later (ms), until one succeeds or the session is gone; refreshes asked for meanwhile (a
 * stream's reconnect, a REST 401) resolve false at once instead of adding requests against the
 * server's refresh rate limit (RATE_LIMIT_REFRESH, per IP).
 */
export const REFRESH_RETRY_MS = 5_000;

/**
 * The signed-in user and their tokens, in the server's cookie session mode (docs/security.md,
 * "Sessions"): sign-in and sign-up ask for `"session": "cookie"`, so the refresh token lives only in
 * the HttpOnly `tasklane_refresh` cookie (Path=/api/v1/auth, SameSite=Strict) that no script can
 * read, and the access token only in memory (this object). A reload calls `restore()`, which
 * refreshes once from the cookie. Refreshes are serialised across tabs with the Web Locks API
 * (where available), so two tabs never spend the same rotating refresh token (the tab left
 * with the superseded one would end the session at its next refresh). `rest` is the app's one REST client: it sends the
 * current access token and refreshes once on a 401.
 */
export class Session {
  private accessToken: string | undefined;
  private refreshing: Promise<boolean> | null = null;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while a retry after a temporary failure is pending: refresh() answers false until it runs. */
  private retryPending = false;
  /** Bumped by signOut(): a refresh that started before it must not sign the tab back in. */
  private generation = 0;
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

  /** After a reload: one refresh from the session cookie; signed out when there is none. */
  async restore(): Promise<void> {
    if (!(await this.refresh())) this.set({ status: 'signed-out' });
  }

  /** @throws TasklaneHttpError (401 INVALID_CREDENTIALS, 429 RATE_LIMITED, 400 VALIDATION_FAILED, …) */
  async signIn(email: string, password: string): Promise<void> {
    this.accepted(await this.rest.login(email, password, { session: 'cookie' }));
  }

  /** @throws TasklaneHttpError (409 EMAIL_TAKEN, 400 VALIDATION_FAILED / WEAK_PASSWORD, …) */
  async signUp(email: string, password: string, name: string): Promise<void> {
    this.accepted(await this.rest.register(email, password, name, { session: 'cookie' }));
  }

  /** Ends the session on the server (which clears the cookie) and forgets the access token. */
  async signOut(): Promise<void> {
    this.generation += 1;
    clearTimeout(this.renewTimer);
    this.retryPending = false;
    try {
      await this.rest.logout();
    } catch {
      // signed out locally all the same; the refresh token dies at its expiry
    }
    this.forget();
  }

  /**
   * Whether a read that failed with `error` is worth trying again later: the session is still
   * signed in and the failure may pass (isTemporaryFailure: network, timeout, 5xx, 408, 429), or it
   * is a 401 met while the session is still renewing its token (a renewal that failed temporarily
   * keeps the session signed in and tries again every REFRESH_RETRY_MS).
   */
  mayRetry(error: unknown): boolean {
    return this.state.status === 'signed-in' && (isTemporaryFailure(error) || (error instanceof TasklaneHttpError && error.status === 401));
  }

  /**
   * Gets a new access token from the session cookie; one at a time per page and across tabs.
   * Resolves false (and signs out) when the session is gone (401, 400); false without signing out
   * when the failure is temporary (network, longer than REFRESH_TIMEOUT_MS, 5xx, 408, 429), so a
   * blip does not end the session: a signed-in session then tries again every REFRESH_RETRY_MS,
   * and refreshes asked for before that try resolve false without a request.
   */
  refresh(): Promise<boolean> {
    if (this.retryPending) return Promise.resolve(false);
    const generation = this.generation;
    this.refreshing ??= this.withLock(async () => {
      try {
        const auth = await this.rest.refresh(undefined, { signal: timeoutSignal(REFRESH_TIMEOUT_MS) });
        if (generation !== this.generation) return false; // signed out meanwhile
        this.accepted(auth);
        return true;
      } catch (error) {
        if (generation !== this.generation) return false;
        if (!isTemporaryFailure(error)) this.forget();
        else if (this.accessToken !== undefined) {
          clearTimeout(this.renewTimer);
          this.retryPending = true;
          this.renewTimer = setTimeout(() => {
            this.retryPending = false;
            void this.refresh();
          }, REFRESH_RETRY_MS);
        }
        return false;
      }
    }).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private accepted(auth: AuthResponse): void {
    this.accessToken = auth.accessToken;
    clearTimeout(this.renewTimer);
    this.retryPending = false;
    // Renew a minute before the access token expires, so sockets can switch to the new one in time.
    this.renewTimer = setTimeout(() => void this.refresh(), Math.max(10, auth.expiresIn - 60) * 1000);
    this.set({ status: 'signed-in', user: auth.user });
  }

  private forget(): void {
    this.accessToken = undefined;
    clearTimeout(this.renewTimer);
    this.retryPending = false;
    if (this.state.status !== 'signed-out') this.set({ status: 'signed-out' });
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
