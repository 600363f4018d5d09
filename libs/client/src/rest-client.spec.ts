import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { attachmentName, TasklaneHttpError, TasklaneRestClient, timeoutSignal } from './rest-client.js';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

/** Replaces fetch with answers in order; returns the calls seen. */
function answer(...responses: Response[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  globalThis.fetch = jest.fn(async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const next = responses.shift();
    if (!next) throw new Error('no more answers');
    return next;
  }) as typeof fetch;
  return calls;
}

describe('attachmentName', () => {
  it('reads quoted, bare and RFC 5987 file names, null without one', () => {
    expect(attachmentName('attachment; filename="tasklane-board-1.csv"')).toBe('tasklane-board-1.csv');
    expect(attachmentName('attachment; filename=board.json')).toBe('board.json');
    expect(attachmentName("attachment; filename*=UTF-8''caf%C3%A9.csv")).toBe('café.csv');
    expect(attachmentName('attachment')).toBeNull();
    expect(attachmentName(null)).toBeNull();
  });
});

describe('TasklaneRestClient export and import', () => {
  it('exportBoard sends the bearer token, refreshes once on a 401, and resolves the file with its name', async () => {
    let token = 'old';
    const client = new TasklaneRestClient('http://api', () => token, { onUnauthorized: async () => ((token = 'new'), true) });
    const calls = answer(new Response('{"statusCode":401}', { status: 401 }), new Response('id,title\n1,A\n', { headers: { 'content-disposition': 'attachment; filename="tasklane-board-b1.csv"' } }));
    const file = await client.exportBoard('b1', 'csv');
    expect(calls.map((c) => [c.url, (c.init.headers as Record<string, string>).authorization])).toEqual([
      ['http://api/api/v1/boards/b1/export?format=csv', 'Bearer old'],
      ['http://api/api/v1/boards/b1/export?format=csv', 'Bearer new'],
    ]);
    expect(file.fileName).toBe('tasklane-board-b1.csv');
    expect(await file.blob.text()).toBe('id,title\n1,A\n');
  });

  it('importBoard posts the file as multipart field "file" (no JSON content type) and throws the 400 with its details', async () => {
    const client = new TasklaneRestClient('', 't');
    const body = { statusCode: 400, code: 'VALIDATION_FAILED', message: 'Validation failed', requestId: 'r', details: [{ field: 'file', errors: ['cards[0].idList: unknown list'] }] };
    const calls = answer(new Response(JSON.stringify(body), { status: 400 }));
    const error = await client.importBoard(new Blob(['{}'], { type: 'application/json' }), 'trello.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TasklaneHttpError);
    expect((error as TasklaneHttpError).body).toEqual(body);
    const form = calls[0].init.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect((form.get('file') as File).name).toBe('trello.json');
    expect(calls[0].init.headers).not.toHaveProperty('content-type');
  });
});

describe('timeoutSignal', () => {
  const waitAbort = (signal: AbortSignal) => new Promise<unknown>((r) => signal.addEventListener('abort', () => r(signal.reason)));

  it('aborts with a TimeoutError after the given milliseconds', async () => {
    const signal = timeoutSignal(20);
    expect(signal.aborted).toBe(false);
    expect((await waitAbort(signal)) as Error).toMatchObject({ name: 'TimeoutError' });
  });

  it('does the same without AbortSignal.timeout (Safari before 16)', async () => {
    const native = AbortSignal.timeout;
    Object.defineProperty(AbortSignal, 'timeout', { value: undefined, configurable: true, writable: true });
    try {
      const signal = timeoutSignal(20);
      expect(signal.aborted).toBe(false);
      expect((await waitAbort(signal)) as Error).toMatchObject({ name: 'TimeoutError' });
    } finally {
      Object.defineProperty(AbortSignal, 'timeout', { value: native, configurable: true, writable: true });
    }
  });
});
