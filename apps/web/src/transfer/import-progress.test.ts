import { describe, expect, it } from 'vitest';
import { TasklaneHttpError } from '@tasklane/client';
import type { ImportView } from '@tasklane/contracts';
import { applyProgress, isFinished, percentDone, progressFromView, uploadProblems, type ImportProgress } from './import-progress.js';

const view = (over: Partial<ImportView> = {}): ImportView => ({
  id: 'i1',
  source: 'trello',
  status: 'queued',
  columnCount: 3,
  taskCount: 5,
  skipped: { archivedColumns: 0, archivedTasks: 0 },
  processed: 0,
  boardId: null,
  error: null,
  createdAt: '2026-11-30T00:00:00Z',
  finishedAt: null,
  ...over,
});
const running = (processed: number): ImportProgress => ({ importId: 'i1', status: 'running', processed, total: 5 });

describe('progressFromView', () => {
  it('maps a queued import to 0 of its tasks, and a succeeded one to all of them with its board', () => {
    expect(progressFromView(view())).toEqual({ importId: 'i1', status: 'queued', processed: 0, total: 5 });
    expect(progressFromView(view({ status: 'succeeded', boardId: 'b1' }))).toEqual({ importId: 'i1', status: 'succeeded', processed: 5, total: 5, boardId: 'b1' });
    expect(progressFromView(view({ status: 'failed', error: 'boom' }))).toMatchObject({ status: 'failed', error: 'boom' });
    expect(progressFromView(view({ processed: 2 }))).toEqual({ importId: 'i1', status: 'running', processed: 2, total: 5 });
  });
});

describe('applyProgress (poll answers and socket events into one state)', () => {
  const start = progressFromView(view());
  it('ignores updates before a start and of another import', () => {
    expect(applyProgress(null, running(2))).toBeNull();
    expect(applyProgress(start, { ...running(2), importId: 'other' })).toBe(start);
  });
  it('never counts backwards when a poll (0) answers after an event (3)', () => {
    const afterEvent = applyProgress(start, running(3));
    expect(applyProgress(afterEvent, { ...progressFromView(view()), status: 'running' })).toMatchObject({ processed: 3, total: 5 });
  });
  it('keeps a finished import finished, whatever arrives late', () => {
    const done = applyProgress(start, progressFromView(view({ status: 'succeeded', boardId: 'b1' })))!;
    expect(isFinished(done)).toBe(true);
    expect(applyProgress(done, running(1))).toBe(done);
    expect(applyProgress(done, progressFromView(view()))).toBe(done);
  });
  it('takes a failure with its error', () => {
    expect(applyProgress(applyProgress(start, running(2)), { importId: 'i1', status: 'failed', processed: 2, total: 5, error: 'disk full' })).toMatchObject({ status: 'failed', error: 'disk full' });
  });
});

describe('percentDone', () => {
  it('is unknown until something is counted, then a rounded percent, 100 once succeeded', () => {
    expect(percentDone(running(0))).toBeNull();
    expect(percentDone(running(2))).toBe(40);
    expect(percentDone({ ...running(0), status: 'succeeded' })).toBe(100);
    expect(percentDone({ ...running(3), total: 0 })).toBeNull();
  });
});

describe('uploadProblems', () => {
  it('lists each problem the 400 names by its path', () => {
    const error = new TasklaneHttpError(400, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'Validation failed', requestId: 'r', details: [{ field: 'file', errors: ['cards[0].idList: is not a list of the board', 'name: must be a string'] }] }, 'POST', '/boards/import');
    expect(uploadProblems(error)).toEqual({ message: 'Validation failed', problems: ['file: cards[0].idList: is not a list of the board', 'file: name: must be a string'] });
  });
  it('says so for a file over the limit and for a network failure', () => {
    expect(uploadProblems(new TasklaneHttpError(413, { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'x', requestId: 'r' }, 'POST', '/boards/import')).message).toMatch(/too large/);
    expect(uploadProblems(new TypeError('fetch failed')).message).toMatch(/could not be reached/);
  });
});
