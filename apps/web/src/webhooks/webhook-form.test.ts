import { describe, expect, it } from 'vitest';
import { TasklaneHttpError } from '@tasklane/client';
import { BOARD_EVENT_TYPES, type ErrorBody } from '@tasklane/contracts';
import { eventGroups, eventsSummary, toggleEvent, webhookFormErrors } from './webhook-form.js';

const refused = (body: Omit<ErrorBody, 'requestId' | 'statusCode'>, status = 400) => new TasklaneHttpError(status, { ...body, statusCode: status, requestId: 'r' }, 'POST', '/boards/b/webhooks');

describe('toggleEvent', () => {
  it('"All events" replaces the single types, and a single type replaces "All events"', () => {
    expect(toggleEvent(['task.created', 'task.moved'], '*', true)).toEqual(['*']);
    expect(toggleEvent(['*'], 'task.moved', true)).toEqual(['task.moved']);
  });
  it('keeps the types in BOARD_EVENT_TYPES order, once each, and unchecks', () => {
    expect(toggleEvent(['task.moved'], 'column.created', true)).toEqual(['column.created', 'task.moved']);
    expect(toggleEvent(['task.moved'], 'task.moved', true)).toEqual(['task.moved']);
    expect(toggleEvent(['column.created', 'task.moved'], 'column.created', false)).toEqual(['task.moved']);
  });
});

describe('eventGroups and eventsSummary', () => {
  it('groups every board event type by its subject, each once', () => {
    const groups = eventGroups();
    expect(groups.map((g) => g.name)).toEqual(['board', 'column', 'task', 'comment', 'checklist', 'label', 'member']);
    expect(groups.flatMap((g) => g.types)).toEqual([...BOARD_EVENT_TYPES]);
  });
  it('says "All events" for *', () => {
    expect(eventsSummary(['*'])).toBe('All events');
    expect(eventsSummary(['task.created', 'task.moved'])).toBe('task.created, task.moved');
  });
});

describe('webhookFormErrors', () => {
  it('puts the SSRF refusal at the URL with the server message', () => {
    expect(webhookFormErrors(refused({ code: 'WEBHOOK_URL_REFUSED', message: 'url: 169.254.169.254 is a link-local address' }))).toEqual({ url: 'url: 169.254.169.254 is a link-local address' });
  });
  it('maps validation details to their fields (events.0 → events), unknown ones to the form', () => {
    const error = refused({
      code: 'VALIDATION_FAILED',
      message: 'Validation failed',
      details: [
        { field: 'secret', errors: ['secret must be longer than or equal to 16 characters'] },
        { field: 'events.0', errors: ['each value in events must be one of …'] },
        { field: 'colour', errors: ['property colour should not exist'] },
      ],
    });
    expect(webhookFormErrors(error)).toEqual({
      secret: 'secret must be longer than or equal to 16 characters',
      events: 'each value in events must be one of …',
      form: 'colour: property colour should not exist',
    });
  });
  it('words the webhook limit, keeps other messages, and says so when the server is unreachable', () => {
    expect(webhookFormErrors(refused({ code: 'LIMIT_REACHED', message: 'x' }, 409)).form).toMatch(/as many webhooks/);
    expect(webhookFormErrors(refused({ code: 'FORBIDDEN', message: 'Owners only' }, 403))).toEqual({ form: 'Owners only' });
    expect(webhookFormErrors(new TypeError('fetch failed')).form).toMatch(/could not be reached/);
  });
});
