import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { boardWithMembers, createTask, registerUser, type TestUser } from './support/fixtures.js';
import { startWebhookReceiver, verifySignature, type ReceivedHook, type WebhookReceiver } from './support/webhook-receiver.js';

// global-setup.mjs: WEBHOOK_ALLOW_PRIVATE_NETWORKS=true, WEBHOOK_RETRY_BASE_MS=200,
// WEBHOOK_RETRY_MAX_MS=2000, WEBHOOK_DISABLE_AFTER=5, JOB_POLL_INTERVAL_S=0.5.
const { useTestApp } = await import('./support/test-app.js');
const { createApp } = await import('../src/app.factory.js');
const { loadEnv } = await import('../src/config/env.schema.js');
const { default: request } = await import('supertest');

const hooksPath = (boardId: string): string => `/api/v1/boards/${boardId}/webhooks`;

/** The events a receiver got, parsed, each once (deduplicated by Tasklane-Delivery, first arrival kept), in arrival order. */
function uniqueEvents(received: ReceivedHook[]): AnyBoardEvent[] {
  const seen = new Set<string>();
  const out: AnyBoardEvent[] = [];
  for (const r of received) {
    const id = String(r.headers['tasklane-delivery']);
    if (r.status !== 200 || seen.has(id)) continue;
    seen.add(id);
    out.push(JSON.parse(r.body) as AnyBoardEvent);
  }
  return out;
}

describe('webhooks (e2e)', () => {
  const t = useTestApp();
  const receivers: WebhookReceiver[] = [];
  const receiver = async (): Promise<WebhookReceiver> => {
    const r = await startWebhookReceiver();
    receivers.push(r);
    return r;
  };
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  let owner: TestUser;
  let boardId: string;
  let columnId: string;
  let editor: TestUser;
  beforeAll(async () => {
    const b = await boardWithMembers(t, { members: ['editor'] as const });
    owner = b.owner;
    boardId = b.board.id;
    columnId = b.board.columns[0].id;
    editor = b.members[0];
  });

  const createHook = async (url: string, events: string[] = ['*'], extra: Record<string, unknown> = {}) =>
    (await t.http().post(hooksPath(boardId)).set(owner.auth).send({ url, events, ...extra }).expect(201)).body as { id: string; secret: string; enabled: boolean };

  it('shows the secret once; lists, reads, updates and deletes; owners only', async () => {
    const r = await receiver();
    const created = await createHook(r.url, ['task.created']);
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.http().get(hooksPath(boardId)).set(owner.auth).expect(200);
    const listed = (list.body.items as { id: string }[]).find((w) => w.id === created.id)!;
    expect(listed).toMatchObject({ url: r.url, events: ['task.created'], enabled: true, consecutiveFailures: 0 });
    expect(listed).not.toHaveProperty('secret');
    const got = await t.http().get(`${hooksPath(boardId)}/${created.id}`).set(owner.auth).expect(200);
    expect(got.body).not.toHaveProperty('secret');
    const patched = await t.http().patch(`${hooksPath(boardId)}/${created.id}`).set(owner.auth).send({ events: ['task.moved', 'task.updated'] }).expect(200);
    expect(patched.body.events).toEqual(['task.moved', 'task.updated']);
    await t.http().post(hooksPath(boardId)).set(editor.auth).send({ url: r.url, events: ['*'] }).expect(403);
    await t.http().get(hooksPath(boardId)).set(editor.auth).expect(403);
    await t.http().delete(`${hooksPath(boardId)}/${created.id}`).set(owner.auth).expect(204);
    await t.http().get(`${hooksPath(boardId)}/${created.id}`).set(owner.auth).expect(404);
  });

  it('answers 400 for bad input, 404 for unknown ids', async () => {
    const cases: Record<string, unknown>[] = [
      {},
      { url: 'http://127.0.0.1:1/x' },
      { url: 'http://127.0.0.1:1/x', events: [] },
      { url: 'http://127.0.0.1:1/x', events: ['task.exploded'] },
      { url: 'ftp://127.0.0.1/x', events: ['*'] },
      { url: 'not a url', events: ['*'] },
      { url: 'http://user:pw@127.0.0.1:1/x', events: ['*'] },
      { url: 'http://127.0.0.1:1/x', events: ['*'], secret: 'short' },
      { url: 'http://127.0.0.1:1/x', events: ['*'], extra: true },
    ];
    for (const body of cases) {
      const res = await t.http().post(hooksPath(boardId)).set(owner.auth).send(body);
      expect([res.status, body]).toEqual([400, body]);
      expect(['VALIDATION_FAILED', 'WEBHOOK_URL_REFUSED']).toContain(res.body.code);
    }
    await t.http().get(`${hooksPath(boardId)}/not-a-uuid`).set(owner.auth).expect(404);
    await t.http().get(`${hooksPath(boardId)}/00000000-0000-4000-8000-000000000000/deliveries`).set(owner.auth).expect(404);
    await t.http().get(`${hooksPath(boardId)}/00000000-0000-4000-8000-000000000000/deliveries?limit=0`).set(owner.auth).expect(400);
  });

  it('delivers every event once, signed, in seq order under concurrent writes, through 3 failed attempts (503)', async () => {
    const r = await receiver();
    r.respond((n) => (n < 3 ? { status: 503 } : { status: 200 }));
    const hook = await createHook(r.url);
    await Promise.all(Array.from({ length: 12 }, (_, i) => createTask(t, owner.auth, boardId, { columnId, title: `concurrent ${i}` })));
    const expected = (await t.http().get(`/api/v1/boards/${boardId}/events?after=0`).set(owner.auth).expect(200)).body as { lastSeq: number };
    await r.waitFor((got) => uniqueEvents(got).filter((e) => e.type === 'task.created' && (e.data as { title: string }).title.startsWith('concurrent')).length === 12);
    const events = uniqueEvents(r.received);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs[seqs.length - 1]).toBe(expected.lastSeq);
    for (const got of r.received) {
      expect(verifySignature(got.headers['tasklane-signature'] as string, got.body, hook.secret)).toBe(true);
      expect(verifySignature(got.headers['tasklane-signature'] as string, got.body, 'another secret of enough length')).toBe(false);
      expect(got.headers['tasklane-event']).toBe(JSON.parse(got.body).type);
      expect(got.headers['content-type']).toBe('application/json');
    }
    // The first three attempts were the same delivery (the head waits; nothing overtakes it).
    const firstIds = r.received.slice(0, 4).map((g) => g.headers['tasklane-delivery']);
    expect(new Set(firstIds).size).toBe(1);
    // The log: the retried delivery shows its 4 attempts, the last answer and its duration.
    const log = await t.http().get(`${hooksPath(boardId)}/${hook.id}/deliveries?limit=100`).set(owner.auth).expect(200);
    const first = (log.body.items as { id: string; status: string; attempts: number; responseCode: number; durationMs: number }[]).find((d) => d.id === firstIds[0])!;
    expect(first).toMatchObject({ status: 'succeeded', attempts: 4, responseCode: 200 });
    expect(first.durationMs).toEqual(expect.any(Number));
    await t.http().delete(`${hooksPath(boardId)}/${hook.id}`).set(owner.auth).expect(204);
  });

  it('waits as long as a 429 Retry-After asks before the next attempt', async () => {
    const b = await boardWithMembers(t);
    const r = await receiver();
    r.respond((n) => (n === 0 ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 200 }));
    const hook = (await t.http().post(hooksPath(b.board.id)).set(b.owner.auth).send({ url: r.url, events: ['column.created'] }).expect(201)).body as { id: string };
    await t.http().post(`/api/v1/boards/${b.board.id}/columns`).set(b.owner.auth).send({ name: 'later' }).expect(201);
    await r.waitFor((got) => got.length >= 2);
    expect(r.received[1].at - r.received[0].at).toBeGreaterThanOrEqual(1900);
    expect(r.received[1].headers['tasklane-delivery']).toBe(r.received[0].headers['tasklane-delivery']);
    // The receiver has answered; the worker records it right after: poll the log.
    let entry: { status?: string } = {};
    for (let i = 0; i < 50 && entry.status !== 'succeeded'; i++) {
      if (i > 0) await new Promise((res) => setTimeout(res, 100));
      entry = (await t.http().get(`${hooksPath(b.board.id)}/${hook.id}/deliveries`).set(b.owner.auth).expect(200)).body.items[0];
    }
    expect(entry).toMatchObject({ status: 'succeeded', attempts: 2, eventType: 'column.created', responseCode: 200 });
  });

  it('disables a webhook after WEBHOOK_DISABLE_AFTER consecutive failures; re-enabling sends what is pending', async () => {
    const b = await boardWithMembers(t);
    const r = await receiver();
    r.respond(() => ({ status: 500 }));
    const hook = (await t.http().post(hooksPath(b.board.id)).set(b.owner.auth).send({ url: r.url, events: ['*'] }).expect(201)).body as { id: string };
    await t.http().post(`/api/v1/boards/${b.board.id}/columns`).set(b.owner.auth).send({ name: 'x' }).expect(201);
    const path = `${hooksPath(b.board.id)}/${hook.id}`;
    const deadline = Date.now() + 30_000;
    let state: { enabled: boolean; consecutiveFailures: number; disabledReason: string | null } = { enabled: true, consecutiveFailures: 0, disabledReason: null };
    while (state.enabled && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 200));
      state = (await t.http().get(path).set(b.owner.auth).expect(200)).body;
    }
    expect(state).toMatchObject({ enabled: false, consecutiveFailures: 5 });
    expect(state.disabledReason).toMatch(/5 consecutive failed deliveries.*HTTP 500/);
    expect(r.received).toHaveLength(5);
    const log = await t.http().get(`${path}/deliveries`).set(b.owner.auth).expect(200);
    expect(log.body.items[0]).toMatchObject({ status: 'pending', attempts: 5, responseCode: 500, error: 'HTTP 500' });
    // The owners are told (a notification of their own, through the notifications module).
    const notes = await t.http().get('/api/v1/users/me/notifications').set(b.owner.auth).expect(200);
    expect(notes.body.items).toEqual([expect.objectContaining({ kind: 'webhook_disabled', boardId: b.board.id, taskId: null })]);
    // Nothing more while disabled.
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.received).toHaveLength(5);
    r.respond(() => ({ status: 204 }));
    await t.http().patch(path).set(b.owner.auth).send({ enabled: true }).expect(200);
    await r.waitFor((got) => got.some((g) => g.status === 204));
    const after = (await t.http().get(path).set(b.owner.auth).expect(200)).body;
    expect(after).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null });
  });

  it('sends a signed test ping; redelivers with the same delivery id', async () => {
    const r = await receiver();
    const hook = await createHook(r.url, ['board.updated']);
    const ping = await t.http().post(`${hooksPath(boardId)}/${hook.id}/test`).set(owner.auth).expect(202);
    expect(ping.body).toMatchObject({ eventType: 'webhook.test', status: 'pending', seq: null });
    await r.waitFor((got) => got.length === 1);
    expect(JSON.parse(r.received[0].body)).toMatchObject({ type: 'webhook.test', boardId, webhookId: hook.id });
    expect(verifySignature(r.received[0].headers['tasklane-signature'] as string, r.received[0].body, hook.secret)).toBe(true);
    await t.http().post(`${hooksPath(boardId)}/${hook.id}/deliveries/${ping.body.id as string}/redeliver`).set(owner.auth).expect(202);
    await r.waitFor((got) => got.length === 2);
    expect(r.received[1].headers['tasklane-delivery']).toBe(ping.body.id);
    await t.http().post(`${hooksPath(boardId)}/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`).set(owner.auth).expect(404);
    await t.http().delete(`${hooksPath(boardId)}/${hook.id}`).set(owner.auth).expect(204);
  });

  it('a non-member gets 404; another board\'s webhook id is 404', async () => {
    const r = await receiver();
    const hook = await createHook(r.url);
    const stranger = await registerUser(t);
    await t.http().get(hooksPath(boardId)).set(stranger.auth).expect(404);
    const other = await boardWithMembers(t);
    await t.http().get(`${hooksPath(other.board.id)}/${hook.id}`).set(other.owner.auth).expect(404);
    await t.http().delete(`${hooksPath(other.board.id)}/${hook.id}`).set(other.owner.auth).expect(404);
    await t.http().delete(`${hooksPath(boardId)}/${hook.id}`).set(owner.auth).expect(204);
  });

  describe('SSRF defence (WEBHOOK_ALLOW_PRIVATE_NETWORKS off)', () => {
    let strict: Awaited<ReturnType<typeof createApp>>;
    let url: string;
    beforeAll(async () => {
      strict = await createApp({ ...loadEnv(), WEBHOOK_ALLOW_PRIVATE_NETWORKS: false, JOB_WORKERS: false, REPLICA_ID: 'ssrf' });
      await strict.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(strict.getHttpServer().address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await strict.close();
    });

    it.each(['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:8080/', 'http://localhost/', 'http://10.1.2.3/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://192.168.0.1/'])(
      'refuses %s when the webhook is created',
      async (target) => {
        const res = await request(url).post(hooksPath(boardId)).set(owner.auth).send({ url: target, events: ['*'] }).expect(400);
        expect(res.body).toMatchObject({ code: 'WEBHOOK_URL_REFUSED' });
      },
    );
  });
});
