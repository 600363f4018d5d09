import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Cluster } from '@tasklane/cluster';
import { NotificationStream, TasklaneRestClient, type TasklaneSocket } from '@tasklane/client';
import type { NotificationView } from '@tasklane/contracts';
import { addMember, createBoard, registerUser } from './support/fixtures.js';
import { connectSocket } from './support/sockets.js';
import { httpTarget } from './support/test-app.js';
import { startRunCluster } from './support/run-cluster.js';

/**
 * Issue 10's proof for notifications: 2 real replicas behind a real nginx, real PostgreSQL and
 * Redis. One user has a socket on each replica (directly) and a NotificationStream through the
 * load balancer; assignments made on both replicas reach every one of those sockets exactly once,
 * in seq order, and another member's socket gets none of them.
 */
describe('notifications across replicas (2 replicas behind nginx)', () => {
  let cluster: Cluster;
  const sockets: TasklaneSocket[] = [];
  let stream: NotificationStream | null = null;

  beforeAll(async () => {
    cluster = await startRunCluster({ replicas: 2, env: { RATE_LIMITS: 'off' } });
  }, 90_000);

  afterAll(async () => {
    stream?.close();
    sockets.forEach((s) => s.disconnect());
    await cluster?.stop();
  });

  it('reaches one user’s sockets on two replicas exactly once each, in seq order, and nobody else', async () => {
    const [r0, r1] = cluster.replicaUrls.map(httpTarget);
    const owner = await registerUser(r0, 'Owner');
    const board = await createBoard(r0, owner.auth, { name: 'Shared', columns: ['Todo'] });
    const ann = await addMember(r1, owner.auth, board.id, 'editor', await registerUser(r1, 'Ann'));
    const bob = await addMember(r0, owner.auth, board.id, 'editor', await registerUser(r0, 'Bob'));
    const start = (await r0.http().get('/api/v1/users/me/notifications').set(ann.auth).expect(200)).body.lastSeq as number;

    const annSockets = [await connectSocket(cluster.replicaUrls[0], ann.accessToken), await connectSocket(cluster.replicaUrls[1], ann.accessToken)];
    const bobSocket = await connectSocket(cluster.replicaUrls[1], bob.accessToken);
    sockets.push(...annSockets, bobSocket);
    const received: number[][] = annSockets.map(() => []);
    annSockets.forEach((s, i) => s.on('notification:new', (n: NotificationView) => received[i].push(n.seq)));
    const bobReceived: NotificationView[] = [];
    bobSocket.on('notification:new', (n) => bobReceived.push(n));
    const viaStream: number[] = [];
    stream = new NotificationStream({ baseUrl: cluster.lbUrl!, token: ann.accessToken, rest: new TasklaneRestClient(cluster.lbUrl!, ann.accessToken), onNotification: (n) => viaStream.push(n.seq) });
    await stream.start();

    const writes = 20;
    await Promise.all(
      Array.from({ length: writes }, (_, i) =>
        [r0, r1][i % 2].http().post(`/api/v1/boards/${board.id}/tasks`).set(owner.auth).send({ columnId: board.columns[0].id, title: `T${i}`, assigneeIds: [ann.user.id] }).expect(201),
      ),
    );
    const expected = Array.from({ length: writes }, (_, i) => start + 1 + i);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (received.some((r) => r.length < writes) || viaStream.length < writes)) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show up here
    // Live emits may interleave across replicas (each is sent after its own COMMIT): every seq once.
    for (const r of received) expect([...r].sort((a, b) => a - b)).toEqual(expected);
    expect(viaStream).toEqual(expected); // the stream hands them over in seq order, each once
    expect(stream.state).toMatchObject({ lastSeq: start + writes });
    expect(bobReceived).toEqual([]);
  }, 120_000);
});
