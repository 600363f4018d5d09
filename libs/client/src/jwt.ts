/**
 * When a JWT expires (its `exp` claim, in epoch milliseconds), read WITHOUT verifying the
 * signature: only to schedule a refresh before the server would refuse the token. Null for
 * anything that is not a JWT with a numeric `exp` (e.g. a personal API token, `tl_…`).
 * Works in browsers and Node (atob, no Buffer).
 */
export function jwtExpiresAt(token: string | undefined): number | null {
  const payload = token?.split('.')[1];
  if (!payload || token?.split('.').length !== 3) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const claims = JSON.parse(atob(base64)) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}
