import { describe, expect, it } from '@jest/globals';
import { Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { ALL_ERROR_CODES, BOARD_EVENT_TYPES } from '@tasklane/contracts';
import { buildAsyncApiDocument } from './asyncapi-document.js';
import { renderAsyncApiPage } from './asyncapi-page.js';

describe('AsyncAPI document of the Socket.IO protocol', () => {
  const document = buildAsyncApiDocument();

  it('is a valid AsyncAPI 3 document (@asyncapi/parser: no errors, no warnings)', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const problems = diagnostics.filter((d) => d.severity <= 1).map((d) => `${d.code} ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    const names = parsed!.allMessages().all().map((m) => m.name()).sort();
    expect(names).toEqual([
      'auth:refresh',
      'auth:refresh ack',
      'board:event',
      'board:join',
      'board:join ack',
      'board:leave',
      'board:leave ack',
      'board:removed',
      'board:seq',
      'disconnect:reason',
      'import:progress',
      'notification:new',
      'presence:state',
      'presence:update',
      'session:expired',
    ]);
  });

  it('describes every event type, and its payload schemas accept real payloads and refuse wrong ones', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    const components = (document.components as { schemas: Record<string, object> }).schemas;
    for (const [name, schema] of Object.entries(components)) ajv.addSchema(schema, `#/components/schemas/${name}`);
    const validate = (name: string, value: unknown) => ajv.validate({ $ref: `#/components/schemas/${name}` }, value);
    const variants = (components.BoardEvent as { oneOf: { title: string }[] }).oneOf.map((v) => v.title);
    expect(variants).toEqual([...BOARD_EVENT_TYPES]);
    const id = '0b5e9a3c-2a5d-4a57-9e6a-7b3c1f8d2e11';
    const task = {
      id, boardId: id, columnId: id, title: 'T', description: '', position: 'a0', assigneeIds: [id], labelIds: [id], dueAt: null, completedAt: '2026-01-02T00:00:00.000Z', version: 2,
      createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: id, updatedBy: id,
      archivedAt: null, commentCount: 2, checklist: { done: 1, total: 3 },
    };
    const envelope = { boardId: id, seq: 3, type: 'task.moved', actorId: id, occurredAt: '2026-01-01T00:00:00.000Z', data: task, idempotencyKey: 'k' };
    expect(validate('BoardEvent', envelope)).toBe(true);
    expect(validate('BoardEvent', { ...envelope, type: 'task.deleted' })).toBe(false); // task.deleted carries { id }
    expect(validate('BoardEvent', { ...envelope, type: 'task.deleted', data: { id } })).toBe(true);
    const comment = { id, boardId: id, taskId: id, authorId: id, body: 'hi @Ann', mentionIds: [id], version: 1, createdAt: task.createdAt, updatedAt: task.updatedAt };
    expect(validate('BoardEvent', { ...envelope, type: 'comment.created', data: { ...comment, commentCount: 1 } })).toBe(true);
    expect(validate('BoardEvent', { ...envelope, type: 'comment.created', data: comment })).toBe(false); // no commentCount
    expect(validate('BoardEvent', { ...envelope, type: 'comment.deleted', data: { id, taskId: id, commentCount: 0 } })).toBe(true);
    const item = { id, boardId: id, taskId: id, text: 'x', done: true, position: 'a0', version: 1, createdAt: task.createdAt, updatedAt: task.updatedAt };
    expect(validate('BoardEvent', { ...envelope, type: 'checklist.item_updated', data: { ...item, progress: { done: 1, total: 1 } } })).toBe(true);
    expect(validate('BoardEvent', { ...envelope, type: 'checklist.item_deleted', data: { id, taskId: id, progress: { done: 0, total: 0 } } })).toBe(true);
    expect(validate('BoardEvent', { ...envelope, type: 'label.created', data: { id, boardId: id, name: 'bug', color: '#e5484d', version: 1 } })).toBe(true);
    expect(validate('BoardEvent', { ...envelope, type: 'label.created', data: { id, boardId: id, name: 'bug', color: 'red', version: 1 } })).toBe(false);
    expect(validate('BoardEvent', { ...envelope, type: 'task.archived', data: { ...task, archivedAt: task.createdAt } })).toBe(true);
    const column = { id, boardId: id, name: 'C', position: 'a0', version: 1, archivedAt: null };
    expect(validate('BoardEvent', { ...envelope, type: 'column.restored', data: { column, tasks: [task] } })).toBe(true);
    expect(validate('JoinAck', { ok: true, seq: 3, events: [envelope] })).toBe(true);
    expect(validate('JoinAck', { ok: false, error: { code: ALL_ERROR_CODES[0], message: 'm' } })).toBe(true);
    expect(validate('JoinAck', { ok: false, error: { code: 'NOPE', message: 'm' } })).toBe(false);
    expect(validate('PresenceNotice', { boardId: id, users: [{ userId: id }] })).toBe(true);
    expect(validate('PresenceNotice', { boardId: id, users: [id] })).toBe(false);
    const notification = {
      id, seq: 1, kind: 'assigned', boardId: id, boardName: 'B', taskId: id, taskTitle: 'T', commentId: null, actorId: id, actorName: 'Ann', createdAt: '2026-01-01T00:00:00.000Z', readAt: null,
    };
    expect(validate('NotificationView', notification)).toBe(true);
    expect(validate('NotificationView', { ...notification, kind: 'poked' })).toBe(false);
    expect(validate('NotificationView', { ...notification, seq: undefined })).toBe(false);
    expect(validate('AuthRefreshAck', { ok: true, expiresAt: '2026-01-01T00:15:00.000Z' })).toBe(true);
    expect(validate('AuthRefreshAck', { ok: true, expiresAt: null })).toBe(true);
    expect(validate('AuthRefreshAck', { ok: true })).toBe(false);
    expect(validate('SessionExpiredNotice', { reason: 'session_revoked' })).toBe(true);
    expect(validate('SessionExpiredNotice', { reason: 'bored' })).toBe(false);
    expect(validate('DisconnectNotice', { reason: 'rate_limited' })).toBe(true);
  });

  it('renders as one static HTML page without scripts or external resources', () => {
    const html = renderAsyncApiPage(document);
    expect(html).toContain('<code>presence:update</code>');
    expect(html).toContain('id="TaskView"');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!localhost)/);
  });
});
