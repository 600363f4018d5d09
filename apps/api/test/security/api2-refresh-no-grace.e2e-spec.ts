import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pollUntil, type Cluster } from '@tasklane/cluster';
import { TasklaneHttpError, TasklaneRestClient } from '@tasklane/client';
import { registerClient } from '../support/client-fixtures.js';
import { startRunCluster } from '../support/run-cluster.js';

/**
 * `REFRESH_TOKEN_REUSE_GRACE=0` on a real replica process (the setting is read at boot, so the
 * in-process test app of api2-sessions, which runs with the default 60 s, cannot show it): a
 * rotated refresh token sent again is reuse at once, even while its successor is unused, and the
 * whole session ends. With the default, the same second send is a retry of a lost answer
 * (api2-sessions).
 */
describe('REFRESH_TOKEN_REUSE_GRACE=0: a rotated refresh token sent again is always reuse (e2e, one replica process)', () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: 1, nginx: false, env: { REFRESH_TOKEN_REUSE_GRACE: '0', LOG_LEVEL: 'info' } });
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  /** The status and error code of POST /auth/refresh with `token`, from a client of its own. */
  const refresh = async (token: string): Promise<{ status: number; code?: string; refreshToken?: string }> => {
    try {
      const answer = await new TasklaneRestClient(cluster.replicaUrls[0]).refresh(token);
      return { status: 200, refreshToken: answer.refreshToken };
    } catch (e) {
      if (e instanceof TasklaneHttpError) return { status: e.status, code: e.code };
      throw e;
    }
  };

  it('a refresh token sent again right after its rotation (a lost answer retried) revokes the session, its unused successor included', async () => {
    const user = await registerClient(cluster.replicaUrls[0], 'No grace');
    const issued = user.auth.refreshToken ?? '';
    expect(issued).not.toBe('');
    const first = await refresh(issued);
    expect(first).toMatchObject({ status: 200, refreshToken: expect.any(String) });
    // Within a millisecond of the rotation, its successor never used: still reuse, with no grace.
    expect(await refresh(issued)).toEqual({ status: 401, code: 'INVALID_REFRESH_TOKEN' });
    expect(await refresh(first.refreshToken ?? '')).toEqual({ status: 401, code: 'INVALID_REFRESH_TOKEN' });
    // The replica's audit line calls it reuse, not a retry.
    const events = () =>
      readFileSync(join(cluster.logDir, 'replica-0.log'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as { audit?: boolean; event?: string; userId?: string })
        .filter((l) => l.audit === true && l.userId === user.auth.user.id)
        .map((l) => l.event);
    const audited = await pollUntil(
      'the reuse audit line',
      async () => {
        const seen = events();
        if (!seen.includes('refresh.reuse_detected')) throw new Error(`audit events so far: ${seen.join(', ')}`);
        return seen;
      },
      5_000,
    );
    expect(audited).not.toContain('refresh.retried');
  }, 30_000);
});
