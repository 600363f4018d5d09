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

  it('recovers a stream only when connected, live and at the board head it saw at reconnect', () => {
    const t = tracker();
    const s = fakeStream();
    t.watch(0, 'b', s);
    t.onApplied('b', 5);
    clock = 2000;
    s.emit('disconnect');
    t.onApplied('b', 7); // another stream of the board moved on meanwhile
    t.check();
    expect(t.outages[0]).toMatchObject({ lostAt: 2000, reconnectedAt: null, recoveredAt: null });
    clock = 2500;
    s.status = 'catching-up';
    s.emit('connect');
    expect(t.outages[0]).toMatchObject({ reconnectedAt: 2500, targetSeq: 7 });
    s.seq = 7;
    t.check();
    expect(t.outages[0].recoveredAt).toBeNull(); // not live yet
    s.status = 'live';
    s.seq = 6;
    t.check();
    expect(t.outages[0].recoveredAt).toBeNull(); // behind the head
    clock = 2600;
    s.seq = 7;
    t.check();
    expect(t.outages[0].recoveredAt).toBe(2600);
    t.close();
  });

  it('keeps one outage across a second loss before recovery, and ignores disconnects after close', () => {
    const t = tracker();
    const s = fakeStream();
    t.watch(3, 'b', s);
    clock = 10;
    s.emit('disconnect');
    s.emit('connect');
    s.emit('disconnect');
    t.check();
    expect(t.outages).toHaveLength(1);
    expect(t.outages[0]).toMatchObject({ stream: 3, lostAt: 10, reconnectedAt: null, targetSeq: null });
    clock = 20;
    s.emit('connect');
    t.check();
    expect(t.outages[0].recoveredAt).toBe(20);
    t.close();
    s.emit('disconnect');
    expect(t.outages).toHaveLength(1);
  });
});
