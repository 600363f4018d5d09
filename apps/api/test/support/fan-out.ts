import { expect } from '@jest/globals';
import { BoardStream, TasklaneHttpError, TasklaneRestClient, applyEvent, cloneState, normalizeState, type BoardState } from '@tasklane/client';
import type { Cluster } from '@tasklane/cluster';
import type { AnyBoardEvent, BoardSnapshot, TaskView } from '@tasklane/contracts';
import { addMemberVia, eventKey, registerClient, writeKey, type WriteRecord } from './client-fixtures.js';

/** A socket client following the board. */
export interface Follower {
  stream: BoardStream;
  events: AnyBoardEvent[];
  start: BoardState;
  via: string;
}

/** What {@link checkFanOut} does: how many clients and writes, and hooks into the run. */
export interface FanOutOptions {
  /** Clients that follow the board from the start (spread over the replicas and the load balancer). */
  clients: number;
  /** Clients that join when half the writes are done. */
  lateClients: number;
  /** Writes of every kind, 24 at a time (the first 40 create tasks). */
  writes: number;
  /** Called with the board's id once it exists, before any client follows it. */
  onBoard?: (boardId: string) => void | Promise<void>;
  /** Called before write `i` is sent (e.g. to kill a Redis node mid-run); the write waits for it. */
  duringWrites?: (i: number) => void | Promise<void>;
  /** How long each client may take to reach the final seq (default 30 s). */
  catchUpTimeoutMs?: number;
  /** Followers are pushed here as they join (so the caller can close them in afterAll). */
  followers: Follower[];
  /**
   * Also write comments (create, edit by their author, delete), checklist items (create, check,
   * move, delete), labels (create, rename, delete, put on tasks) and archive/restore tasks, so
   * those events follow the same checks as tasks'.
   */
  content?: boolean;
}

/** Figures of one run, for the suite's log line. */
export interface FanOutSummary {
  writesOk: number;
  lostRaces: number;
  finalSeq: number;
  followers: number;
  duplicates: number;
  gapFills: number;
}

/**
 * Runs concurrent writes of every kind across `cluster`'s replicas (and its load balancer, if
 * any) while `clients` BoardStream clients follow one board, then checks the delivery contract
 * (docs/delivery.md): every replica's snapshot has the same seq; each successful write produced
 * exactly one event and nothing else did; every client got every event after its join point
 * exactly once, in order, with identical content everywhere; replaying them onto each client's
 * starting snapshot gives every replica's final snapshot; the events are the board's stored log.
 * Shared by the single-Redis and the Redis Cluster multi-replica suites.
 */
export async function checkFanOut(cluster: Cluster, options: FanOutOptions): Promise<FanOutSummary> {
  const { clients, lateClients, writes, followers } = options;
  const runPool = async <T>(items: T[], concurrency: number, fn: (item: T, i: number) => Promise<void>): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < items.length) {
          const i = next++;
          await fn(items[i], i);
        }
      }),
    );
  };
  const targets = [...cluster.replicaUrls, ...(cluster.lbUrl ? [cluster.lbUrl] : [])];
  const { rest: owner, auth: ownerAuth } = await registerClient(targets[targets.length - 1], 'Owner');
  const editors = await Promise.all([0, 1, 2].map((i) => registerClient(cluster.replicaUrls[i], `Editor ${i}`)));
  const board = await owner.createBoard({ name: 'Fan-out', columns: ['A', 'B', 'C'] });
  await options.onBoard?.(board.id);
  const ok: WriteRecord[] = [];
  for (const e of editors) {
    ok.push({ type: 'member.added', id: await addMemberVia(owner, board.id, e, 'editor') });
  }
  const writers = [owner, ...editors.map((e) => e.rest)];
  const writerOn = (i: number) => {
    const w = writers[i % writers.length];
    return new TasklaneRestClient(targets[i % targets.length], w.token);
  };

  const follow = async (i: number) => {
    const via = targets[i % targets.length];
    const events: AnyBoardEvent[] = [];
    let start: BoardState | null = null;
    const stream = new BoardStream({
      baseUrl: via,
      token: ownerAuth.accessToken,
      boardId: board.id,
      onSnapshot: (s) => (start = s),
      onResync: () => {
        throw new Error('no resync expected: nothing is pruned');
      },
      onEvent: (e) => events.push(e),
    });
    await stream.start();
    followers.push({ stream, events, start: start!, via });
  };
  await Promise.all(Array.from({ length: clients }, (_, i) => follow(i)));

  // Writes: every kind, concurrently, round-robin over the three replicas and the load balancer.
  const tasks: TaskView[] = [];
  const columns = board.columns.map((c) => c.id);
  const rejected: number[] = [];
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  const baseKinds = ['task.create', 'task.create', 'task.update', 'task.move', 'task.move', 'task.delete', 'column.create', 'column.update', 'board.update', 'member.update'];
  const contentKinds = [
    'comment.create', 'comment.create', 'comment.update', 'comment.delete',
    'checklist.create', 'checklist.create', 'checklist.update', 'checklist.move', 'checklist.delete',
    'label.create', 'label.update', 'label.delete', 'task.label',
    'task.archive', 'task.restore',
  ];
  const kinds = options.content ? [...baseKinds, ...contentKinds] : baseKinds;
  const comments: { id: string; taskId: string; author: number }[] = [];
  const items: { id: string; taskId: string }[] = [];
  const labels: string[] = [];
  const archived: TaskView[] = [];
  const authorOf = (i: number) => i % writers.length;
  const asAuthor = (author: number, i: number) => new TasklaneRestClient(targets[i % targets.length], writers[author].token);
  const plan = Array.from({ length: writes }, (_, i) => (i < 40 ? 'task.create' : kinds[i % kinds.length]));
  let late: Promise<void>[] = [];
  await runPool(plan, 24, async (kind, i) => {
    if (i === writes / 2) late = Array.from({ length: lateClients }, (_, j) => follow(clients + j));
    await options.duringWrites?.(i);
    const api = writerOn(i);
    try {
      switch (kind) {
        case 'task.create': {
          const t = await api.createTask(board.id, { columnId: pick(columns), title: `task ${i}`, description: `l${i % 5}` });
          tasks.push(t);
          ok.push({ type: 'task.created', id: t.id, version: t.version });
          break;
        }
        case 'task.update': {
          const t = await api.updateTask(board.id, pick(tasks).id, { title: `updated ${i}`, description: `d${i}` });
          ok.push({ type: 'task.updated', id: t.id, version: t.version });
          break;
        }
        case 'task.move': {
          const task = pick(tasks);
          const t = await api.moveTask(board.id, task.id, { columnId: pick(columns) });
          ok.push({ type: 'task.moved', id: t.id, version: t.version });
          break;
        }
        case 'task.delete': {
          const task = tasks.splice(Math.floor(Math.random() * tasks.length), 1)[0];
          await api.deleteTask(board.id, task.id);
          ok.push({ type: 'task.deleted', id: task.id });
          break;
        }
        case 'column.create': {
          const c = await api.createColumn(board.id, { name: `col ${i}` });
          columns.push(c.id);
          ok.push({ type: 'column.created', id: c.id, version: c.version });
          break;
        }
        case 'column.update': {
          const c = await api.updateColumn(board.id, pick(columns), { name: `renamed ${i}`, afterColumnId: null });
          ok.push({ type: 'column.updated', id: c.id, version: c.version });
          break;
        }
        case 'board.update': {
          const b = await writerOn(0).updateBoard(board.id, { description: `rev ${i}` });
          ok.push({ type: 'board.updated', id: b.id, version: b.version });
          break;
        }
        case 'comment.create': {
          const c = await api.createComment(board.id, pick(tasks).id, `comment ${i} @Editor 0 **bold**`);
          comments.push({ id: c.id, taskId: c.taskId, author: authorOf(i) });
          ok.push({ type: 'comment.created', id: c.id, version: c.version });
          break;
        }
        case 'comment.update': {
          const mine = comments.length ? pick(comments) : null;
          if (!mine) break;
          const c = await asAuthor(mine.author, i).updateComment(board.id, mine.taskId, mine.id, `edited ${i}`);
          ok.push({ type: 'comment.updated', id: c.id, version: c.version });
          break;
        }
        case 'comment.delete': {
          const gone = comments.length ? comments.splice(Math.floor(Math.random() * comments.length), 1)[0] : null;
          if (!gone) break;
          await asAuthor(gone.author, i).deleteComment(board.id, gone.taskId, gone.id);
          ok.push({ type: 'comment.deleted', id: gone.id });
          break;
        }
        case 'checklist.create': {
          const item = await api.createChecklistItem(board.id, pick(tasks).id, { text: `item ${i}`, done: i % 3 === 0 });
          items.push({ id: item.id, taskId: item.taskId });
          ok.push({ type: 'checklist.item_created', id: item.id, version: item.version });
          break;
        }
        case 'checklist.update': {
          const it = items.length ? pick(items) : null;
          if (!it) break;
          const item = await api.updateChecklistItem(board.id, it.taskId, it.id, { done: i % 2 === 0, text: `item ${i}` });
          ok.push({ type: 'checklist.item_updated', id: item.id, version: item.version });
          break;
        }
        case 'checklist.move': {
          const it = items.length ? pick(items) : null;
          const anchor = it ? items.find((x) => x.taskId === it.taskId && x.id !== it.id) : undefined;
          if (!it || !anchor) break;
          const item = await api.updateChecklistItem(board.id, it.taskId, it.id, { afterItemId: anchor.id });
          ok.push({ type: 'checklist.item_updated', id: item.id, version: item.version });
          break;
        }
        case 'checklist.delete': {
          const gone = items.length ? items.splice(Math.floor(Math.random() * items.length), 1)[0] : null;
          if (!gone) break;
          await api.deleteChecklistItem(board.id, gone.taskId, gone.id);
          ok.push({ type: 'checklist.item_deleted', id: gone.id });
          break;
        }
        case 'label.create': {
          const l = await api.createLabel(board.id, { name: `label ${i}`, color: '#0090ff' });
          labels.push(l.id);
          ok.push({ type: 'label.created', id: l.id, version: l.version });
          break;
        }
        case 'label.update': {
          const id = labels.length ? pick(labels) : null;
          if (!id) break;
          const l = await api.updateLabel(board.id, id, { name: `renamed label ${i}`, color: '#e5484d' });
          ok.push({ type: 'label.updated', id: l.id, version: l.version });
          break;
        }
        case 'label.delete': {
          const id = labels.length ? labels.splice(Math.floor(Math.random() * labels.length), 1)[0] : null;
          if (!id) break;
          await api.deleteLabel(board.id, id);
          ok.push({ type: 'label.deleted', id });
          break;
        }
        case 'task.label': {
          if (!labels.length) break;
          const t = await api.updateTask(board.id, pick(tasks).id, { labelIds: [pick(labels)] });
          ok.push({ type: 'task.updated', id: t.id, version: t.version });
          break;
        }
        case 'task.archive': {
          const task = tasks.splice(Math.floor(Math.random() * tasks.length), 1)[0];
          const t = await api.archiveTask(board.id, task.id);
          archived.push(t);
          ok.push({ type: 'task.archived', id: t.id, version: t.version });
          break;
        }
        case 'task.restore': {
          const task = archived.length ? archived.splice(Math.floor(Math.random() * archived.length), 1)[0] : null;
          if (!task) break;
          const t = await api.restoreTask(board.id, task.id);
          tasks.push(t);
          ok.push({ type: 'task.restored', id: t.id, version: t.version });
          break;
        }
        case 'member.update': {
          const e = pick(editors);
          const m = await new TasklaneRestClient(targets[i % targets.length], owner.token).updateMember(board.id, e.auth.user.id, 'editor');
          ok.push({ type: 'member.updated', id: m.userId });
          break;
        }
      }
    } catch (error) {
      // A write can lose a race with a concurrent one, and then answers without an event: 404 (moving
      // a task another writer deleted), 409 TASK_ARCHIVED / NOT_ARCHIVED (a task archived or restored
      // meanwhile), 400 for a label deleted meanwhile.
      const lost =
        error instanceof TasklaneHttpError &&
        (error.status === 404 || (error.status === 409 && ['TASK_ARCHIVED', 'NOT_ARCHIVED'].includes(error.code ?? '')) || (error.status === 400 && kind === 'task.label'));
      if (lost) rejected.push(i);
      else throw error;
    }
  });
  await Promise.all(late);

  const finals: BoardSnapshot[] = await Promise.all(cluster.replicaUrls.map((u) => new TasklaneRestClient(u, owner.token).getBoard(board.id)));
  const finalSeq = finals[0].seq;
  expect(finals.every((s) => s.seq === finalSeq)).toBe(true);
  expect(ok.length).toBeGreaterThanOrEqual(Math.floor(writes * 0.8));
  // Each successful write produced exactly one event, and nothing else did.
  expect(finalSeq).toBe(ok.length);

  await Promise.all(followers.map((f) => f.stream.waitForSeq(finalSeq, options.catchUpTimeoutMs ?? 30_000)));
  expect(followers).toHaveLength(clients + lateClients);

  const canonical = new Map<number, string>();
  for (const f of followers) {
    const seqs = f.events.map((e) => e.seq);
    const from = f.start.seq + 1;
    // contiguous from the join point, each exactly once
    expect(seqs).toEqual(Array.from({ length: finalSeq - f.start.seq }, (_, k) => from + k));
    // identical streams: every client saw the same event under each seq
    for (const e of f.events) {
      const json = JSON.stringify(e);
      const seen = canonical.get(e.seq);
      if (seen === undefined) canonical.set(e.seq, json);
      else expect(json).toBe(seen);
    }
    // replaying onto the snapshot the client started from gives the final state on every replica
    const replay = cloneState(f.start);
    f.events.forEach((e) => applyEvent(replay, e));
    for (const snapshot of finals) expect(normalizeState(replay)).toEqual(normalizeState(snapshot));
  }

  // The stream clients saw is the board's event log, as stored (GET /events from the start).
  const log: AnyBoardEvent[] = [];
  for (let after = 0; after < finalSeq; ) {
    const page = await new TasklaneRestClient(cluster.replicaUrls[0], owner.token).listEvents(board.id, after);
    log.push(...page.items);
    after = page.items[page.items.length - 1].seq;
  }
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: finalSeq }, (_, k) => k + 1));
  for (const [seq, json] of canonical) expect(JSON.parse(json)).toEqual(log[seq - 1]);

  // Every 2xx write is in the stream exactly once (matched by type, entity id and version).
  expect(log.map(eventKey).sort()).toEqual(ok.map(writeKey).sort());

  const duplicates = followers.reduce((n, f) => n + f.stream.stats.duplicates, 0);
  const gapFills = followers.reduce((n, f) => n + f.stream.stats.gapFills, 0);
  return { writesOk: ok.length, lostRaces: rejected.length, finalSeq, followers: followers.length, duplicates, gapFills };
}
