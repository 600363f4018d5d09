import { describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent, BoardSnapshot, TaskView } from '@tasklane/contracts';
import { ConsistencyChecker, jsonEqual, type FinalSnapshots } from './consistency.js';

const BOARD = '11111111-1111-4111-8111-111111111111';
const COL = '22222222-2222-4222-8222-222222222222';

const snapshot = (seq: number, tasks: TaskView[] = []): BoardSnapshot => ({
  id: BOARD,
  name: 'b',
  description: '',
  seq,
  version: 1,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  role: 'owner',
  columns: [{ id: COL, boardId: BOARD, name: 'A', position: 'a0', version: 1, archivedAt: null }],
  tasks,
  members: [],
  labels: [],
});

const task = (n: number, title = `t${n}`): TaskView => ({
  id: `33333333-3333-4333-8333-${String(n).padStart(12, '0')}`,
  boardId: BOARD,
  columnId: COL,
  title,
  description: '',
  position: `a${n}`,
  assigneeIds: [],
  labelIds: [],
  dueAt: null,
  completedAt: null,
  version: 1,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
  createdBy: 'u',
  updatedBy: 'u',
  archivedAt: null,
  commentCount: 0,
  checklist: { done: 0, total: 0 },
});

const created = (seq: number, n: number): AnyBoardEvent => ({ boardId: BOARD, seq, type: 'task.created', actorId: 'u', occurredAt: '2030-01-01T00:00:00.000Z', data: task(n), idempotencyKey: `k${n}` });

const finalsOf = (...vias: [string, BoardSnapshot][]): FinalSnapshots => new Map([[BOARD, vias.map(([via, s]) => ({ via, snapshot: s }))]]);

describe('ConsistencyChecker', () => {
  it('passes contiguous, identical streams whose replay equals every final snapshot', () => {
    const c = new ConsistencyChecker();
    const start = snapshot(0);
    const a = c.addStream(BOARD, 'A', start);
    const b = c.addStream(BOARD, 'B', start);
    for (const id of [a, b]) [created(1, 1), created(2, 2)].forEach((e) => c.onEvent(id, e));
    const final = snapshot(2, [task(1), task(2)]);
    const r = c.verify(finalsOf(['A', final], ['B', { ...final, role: 'editor' }]));
    expect(r).toEqual({ ok: true, errors: 0, first: [], streamsChecked: 2, boardsChecked: 1, replaysCompared: 2 });
  });

  it('reports a gap and a repeat as they arrive', () => {
    const c = new ConsistencyChecker();
    const id = c.addStream(BOARD, 'A', snapshot(0));
    c.onEvent(id, created(1, 1));
    c.onEvent(id, created(3, 3));
    c.onEvent(id, created(3, 3));
    expect(c.errorsSoFar).toBe(2);
    const r = c.verify(finalsOf(['A', snapshot(3, [task(1), task(3)])]));
    expect(r.ok).toBe(false);
    expect(r.first[0]).toMatch(/expected seq 2, got 3/);
    expect(r.first[1]).toMatch(/expected seq 4, got 3/);
  });

  it('reports two clients that got different events under one seq', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    const b = c.addStream(BOARD, 'B', snapshot(0));
    c.onEvent(a, created(1, 1));
    c.onEvent(b, { ...created(1, 1), data: task(1, 'other title') } as AnyBoardEvent);
    const r = c.verify(finalsOf(['A', snapshot(1, [task(1)])]));
    expect(r.first).toEqual([expect.stringMatching(/stream #1 .*seq 1 differs from another client's copy/)]);
  });

  it('does not call the same event with another key order a difference', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    const b = c.addStream(BOARD, 'B', snapshot(0));
    const e = created(1, 1);
    const { data, ...rest } = e;
    c.onEvent(a, e);
    c.onEvent(b, { data, ...rest } as AnyBoardEvent);
    expect(c.errorsSoFar).toBe(0);
  });

  it('reports a stream that did not reach the final seq', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    const b = c.addStream(BOARD, 'B', snapshot(0));
    c.onEvent(a, created(1, 1));
    c.onEvent(a, created(2, 2));
    c.onEvent(b, created(1, 1));
    const r = c.verify(finalsOf(['A', snapshot(2, [task(1), task(2)])]));
    expect(r.first).toEqual([expect.stringMatching(/stream #1 .*ended at seq 1, the board is at 2/)]);
  });

  it('reports a replay that differs from a final snapshot, naming the difference', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    c.onEvent(a, created(1, 1));
    const r = c.verify(finalsOf(['A', snapshot(1, [task(1, 'changed on the server')])]));
    expect(r.errors).toBe(1);
    expect(r.first[0]).toMatch(/replaying seq 1..1 onto the seq-0 snapshot differs .* via A: tasks: 33333333.title "t1" ≠ "changed on the server"/);
  });

  it('reports targets that disagree on the final state', () => {
    const c = new ConsistencyChecker();
    c.addStream(BOARD, 'A', snapshot(0));
    const r = c.verify(finalsOf(['A', snapshot(0)], ['B', snapshot(1, [task(1)])]));
    expect(r.first[0]).toMatch(/final seq 1 via B but 0 via A/);
  });

  it('restarts contiguity at a resync snapshot and replays from it', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    c.onEvent(a, created(1, 1));
    c.onSnapshot(a, snapshot(5, [task(1), task(4)]));
    c.onEvent(a, created(6, 6));
    const r = c.verify(finalsOf(['A', snapshot(6, [task(1), task(4), task(6)])]));
    // The seq-0 start cannot be replayed (seq 2..5 never arrived live): reported; the resync start replays fine.
    expect(r.first).toEqual([expect.stringMatching(/no client received seq 2, cannot replay from seq 0/)]);
  });

  it('leaves excluded streams out', () => {
    const c = new ConsistencyChecker();
    const a = c.addStream(BOARD, 'A', snapshot(0));
    c.exclude(a);
    c.onEvent(a, created(5, 5));
    const r = c.verify(finalsOf(['A', snapshot(0)]));
    expect(r).toMatchObject({ ok: true, streamsChecked: 0 });
  });
});

describe('jsonEqual', () => {
  it('compares JSON data deeply, ignoring key order', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual(structuredClone({ x: [1] }), { x: [1] })).toBe(true);
  });

  it.each([
    [{ a: 1 }, { a: 2 }],
    [{ a: 1 }, { a: 1, b: 2 }],
    [{ a: 1, b: 2 }, { a: 1, c: 2 }],
    [[1, 2], [2, 1]],
    [[1], { 0: 1 }],
    [{ a: null }, { a: {} }],
    ['1', 1],
  ])('tells %j from %j', (a, b) => {
    expect(jsonEqual(a, b)).toBe(false);
  });
});
