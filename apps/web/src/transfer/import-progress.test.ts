import { describe, expect, it } from 'vitest';
import { TasklaneHttpError } from '@tasklane/client';
import type { ImportProgressNotice } from '@tasklane/contracts';
import { percentDone, uploadProblems } from './import-progress.js';

const running = (processed: number): ImportProgressNotice => ({ importId: 'i1', status: 'running', processed, total: 5 });

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
    expect(uploadProblems(error)).toEqual({ message: 'Validation failed', problems: ['file: cards[0].idList: is not a list of the board', 'file: name: must be a string'], fileAtFault: true });
  });
  it('says so for a file over the limit and for a network failure', () => {
    expect(uploadProblems(new TasklaneHttpError(413, { statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'x', requestId: 'r' }, 'POST', '/boards/import')).message).toMatch(/too large/);
    expect(uploadProblems(new TypeError('fetch failed'))).toEqual({ message: 'The upload failed. The server could not be reached. Try again.', problems: [], fileAtFault: false });
  });
  it('does not blame the file for a server failure', () => {
    const error = new TasklaneHttpError(503, { statusCode: 503, code: 'UNAVAILABLE', message: 'Draining', requestId: 'r' } as never, 'POST', '/boards/import');
    expect(uploadProblems(error)).toEqual({ message: 'The upload failed. Draining. Try again.', problems: [], fileAtFault: false });
    expect(uploadProblems(new TasklaneHttpError(502, undefined, 'POST', '/boards/import')).message).toBe('The upload failed. The server answered 502. Try again.');
    expect(uploadProblems(new TasklaneHttpError(403, { statusCode: 403, code: 'FORBIDDEN', message: 'Forbidden', requestId: 'r' } as never, 'POST', '/boards/import')).fileAtFault).toBe(false);
  });
  it("calls a proxy's 413 (an HTML page, no JSON body) too large", () => {
    expect(uploadProblems(new TasklaneHttpError(413, undefined, 'POST', '/boards/import'))).toEqual({ message: 'The file is too large to import.', problems: [], fileAtFault: true });
  });
});
