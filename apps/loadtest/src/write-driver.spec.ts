import { describe, expect, it } from '@jest/globals';
import type { AnyBoardEvent } from '@tasklane/contracts';
import { Metrics } from './metrics.js';
import { opPicker, WriteCorrelator } from './write-driver.js';

const event = (key?: string): AnyBoardEvent => ({
  boardId: 'b',
  seq: 1,
  type: 'task.deleted',
  actorId: 'u',
  occurredAt: '2030-01-01T00:00:00.000Z',
  data: { id: 't' },
  ...(key ? { idempotencyKey: key } : {}),
});

describe('opPicker', () => {
  it('follows the weights', () => {
    let i = 0;
    const steps = [0, 0.39, 0.4, 0.69, 0.7, 0.89, 0.9, 0.999];
    const pick = opPicker({ create: 40, update: 30, move: 20, delete: 10 }, () => steps[i++]);
    expect(steps.map(() => pick())).toEqual(['create', 'create', 'update', 'update', 'move', 'move', 'delete', 'delete']);
  });

  it('never picks a zero-weight op', () => {
    const pick = opPicker({ create: 0, update: 1, move: 0, delete: 0 }, () => 0);
    expect(pick()).toBe('update');
    const last = opPicker({ create: 1, update: 0, move: 0, delete: 0 }, () => 0.9999999);
    expect(last()).toBe('create');
  });
});

describe('WriteCorrelator', () => {
  it('records every delivery and, at the last expected receiver, the per-event latency', () => {
    const m = new Metrics();
    const c = new WriteCorrelator(m);
    c.expect('k1', 100, true, 2);
    c.onDelivery(event('k1'), 110);
    expect(m.fanoutLast.count).toBe(0);
    c.onDelivery(event('k1'), 130);
    expect(m.fanoutDelivery.count).toBe(2);
    expect(m.fanoutLast.count).toBe(1);
    expect(m.fanoutLast.percentile(100)).toBe(30);
    expect(c.incomplete).toBe(0);
  });

  it('counts events without a known key as unmatched, warmup deliveries as unmeasured', () => {
    const m = new Metrics();
    const c = new WriteCorrelator(m);
    c.expect('warm', 0, false, 1);
    c.onDelivery(event('warm'), 5);
    c.onDelivery(event(), 6);
    c.onDelivery(event('someone-else'), 7);
    expect(c.unmatched).toBe(2);
    expect(m.deliveries).toBe(0);
  });

  it('reports measured, answered writes still missing deliveries as incomplete; refused ones are dropped', () => {
    const c = new WriteCorrelator(new Metrics());
    c.expect('ok', 0, true, 3);
    c.expect('refused', 0, true, 3);
    c.expect('reset', 0, true, 3);
    c.expect('warmup', 0, false, 3);
    c.refused('refused');
    c.unanswered('reset');
    expect(c.incomplete).toBe(1);
  });
});
