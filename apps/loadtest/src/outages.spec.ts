import { describe, expect, it } from '@jest/globals';
import { OutageTracker, type TrackedStream } from './outages.js';

/** A stream whose socket events, status and seq the test drives. */
function fakeStream() {
  const listeners = new Map<string, (() => void)[]>();
  const state = { connected: true };
  const stream = {
    status: 'live',
    seq: 0 as number | null,
    socket: {
      get connected(): boolean {
        return state.connected;
      },
      on(event: 'connect' | 'disconnect', listener: () => void): void {
        listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      },
    },
    emit(event: 'connect' | 'disconnect'): void {
      state.connected = event === 'connect';
      for (const l of listeners.get(event) ?? []) l();
    },
  };
  return stream satisfies TrackedStream;
}

describe('OutageTracker', () => {
  let clock = 1000;
  const tracker = () => new OutageTracker(() => clock);

  it('recovers a stream when it turns live at or past the board head it saw at reconnect, stamped at that moment', () => {
    const t = tracker();
    const s = fakeStream();
    t.watch(0, 'b', s);
    t.onApplied(1, 'b', 5); // another stream of the board
    clock = 2000;
    s.status = 'reconnecting';
    s.emit('disconnect');
    t.onApplied(1, 'b', 7); // the board moved on meanwhile
    expect(t.outages[0]).toMatchObject({ lostAt: 2000, reconnectedAt: null, recoveredAt: null });
    clock = 2500;
    s.status = 'catching-up';
    s.emit('connect');
    expect(t.outages[0]).toMatchObject({ reconnectedAt: 2500, targetSeq: 7, recoveredAt: null });
    // The join's catch-up applies events while the stream is still catching up: not yet recovered.
    clock = 2550;
    s.seq = 7;
    t.onApplied(0, 'b', 7);
    expect(t.outages[0].recoveredAt).toBeNull();
    // Live at the head: recovered now, at this instant (no timer in between).
    clock = 2600;
    s.status = 'live';
    t.onStatus(0);
    expect(t.outages[0].recoveredAt).toBe(2600);
    // Nothing later moves the stamp.
    clock = 9000;
    t.onStatus(0);
    t.onApplied(0, 'b', 8);
    expect(t.outages[0].recoveredAt).toBe(2600);
    t.close();
  });

  it('recovers a live stream that was behind the head at the event that reaches it', () => {
    const t = tracker();
    const s = fakeStream();
    t.watch(0, 'b', s);
    t.onApplied(1, 'b', 10);
    clock = 100;
    s.emit('disconnect');
    clock = 200;
    s.status = 'catching-up';
    s.emit('connect');
    clock = 300;
    s.seq = 8;
    s.status = 'live'; // rejoined with what the ack held, the head's events not delivered yet
    t.onStatus(0);
    expect(t.outages[0].recoveredAt).toBeNull();
    clock = 350;
    s.seq = 9;
    t.onApplied(0, 'b', 9);
    expect(t.outages[0].recoveredAt).toBeNull();
    clock = 420;
    s.seq = 10;
    t.onApplied(0, 'b', 10);
    expect(t.outages[0].recoveredAt).toBe(420);
    t.close();
  });

  it('does not recover a stream on another stream\'s events or while its socket is down', () => {
    const t = tracker();
    const a = fakeStream();
    const b = fakeStream();
    t.watch(0, 'b', a);
    t.watch(1, 'b', b);
    clock = 10;
    a.emit('disconnect');
    b.seq = 3;
    t.onApplied(1, 'b', 3);
    t.onStatus(1);
    expect(t.outages[0].recoveredAt).toBeNull();
    // Status says live but the socket is not connected (no reconnect yet): still open.
    t.onStatus(0);
    expect(t.outages[0]).toMatchObject({ reconnectedAt: null, recoveredAt: null });
    t.close();
  });

  it('keeps one outage across a second loss before recovery, and ignores everything after close', () => {
    const t = tracker();
    const s = fakeStream();
    t.watch(3, 'b', s);
    clock = 10;
    s.status = 'reconnecting';
    s.emit('disconnect');
    s.status = 'catching-up';
    s.emit('connect');
    s.status = 'reconnecting';
    s.emit('disconnect');
    expect(t.outages).toHaveLength(1);
    expect(t.outages[0]).toMatchObject({ stream: 3, lostAt: 10, reconnectedAt: null, targetSeq: null });
    clock = 20;
    s.status = 'live';
    s.emit('connect'); // connected and already live at the head: recovered at the reconnect
    expect(t.outages[0].recoveredAt).toBe(20);
    clock = 30;
    s.emit('disconnect');
    expect(t.outages).toHaveLength(2);
    t.close();
    clock = 40;
    s.emit('connect');
    t.onStatus(3);
    s.emit('disconnect');
    expect(t.outages).toHaveLength(2);
    expect(t.outages[1]).toMatchObject({ lostAt: 30, reconnectedAt: null, recoveredAt: null });
    expect(t.outages[0].atClose).toBeUndefined(); // recovered: nothing to diagnose
  });

  it('records where each stream still out stood at close: connected but catching up, or never back', () => {
    const t = tracker();
    const stuck = fakeStream();
    const gone = fakeStream();
    t.watch(0, 'b', stuck);
    t.watch(1, 'c', gone);
    stuck.emit('disconnect');
    gone.emit('disconnect');
    stuck.status = 'catching-up';
    stuck.emit('connect');
    stuck.seq = 4;
    t.onApplied(0, 'b', 4);
    t.close();
    expect(t.outages.map((o) => o.atClose)).toEqual([
      { connected: true, status: 'catching-up', seq: 4, head: 4 },
      { connected: false, status: 'live', seq: 0, head: 0 },
    ]);
  });
});
