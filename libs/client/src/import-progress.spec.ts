import { describe, expect, it } from '@jest/globals';
import type { ImportProgressNotice, ImportView } from '@tasklane/contracts';
import type { TasklaneSocket } from './board-stream.js';
import { followImport, mergeImportProgress } from './import-progress.js';
import type { TasklaneRestClient } from './rest-client.js';

const notice = (status: ImportProgressNotice['status'], processed: number, extra: Partial<ImportProgressNotice> = {}): ImportProgressNotice => ({ importId: 'i', status, processed, total: 10, ...extra });
const view = (status: ImportView['status'], processed: number, boardId: string | null = null): ImportView => ({
  id: 'i', source: 'tasklane', status, columnCount: 1, taskCount: 10, skipped: { archivedColumns: 0, archivedTasks: 0 }, processed, boardId, error: null, createdAt: '', finishedAt: null,
});

class FakeSocket {
  private readonly handlers = new Map<string, Set<(...args: unknown[]) => void>>();
  on(event: string, fn: (...args: unknown[]) => void) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: (...args: unknown[]) => void) {
    this.handlers.get(event)?.delete(fn);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const fn of [...(this.handlers.get(event) ?? [])]) fn(...args);
  }
  listeners(event: string) {
    return this.handlers.get(event)?.size ?? 0;
  }
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('mergeImportProgress', () => {
  it('keeps processed from going down and a final state once reached', () => {
    const a = mergeImportProgress(null, notice('running', 4));
    expect(mergeImportProgress(a, notice('running', 2))).toBe(a);
    expect(mergeImportProgress(a, notice('running', 6)).processed).toBe(6);
    const done = mergeImportProgress(a, notice('succeeded', 10, { boardId: 'b' }));
    expect(done).toEqual(notice('succeeded', 10, { boardId: 'b' }));
    expect(mergeImportProgress(done, notice('running', 9))).toBe(done);
    expect(mergeImportProgress(notice('queued', 0), notice('running', 0)).status).toBe('running');
  });
});

describe('followImport', () => {
  it('merges live notices of its import only, and resolves with the final one', async () => {
    const socket = new FakeSocket();
    const rest = { getImport: async () => view('queued', 0) } as unknown as TasklaneRestClient;
    const seen: number[] = [];
    const { done } = followImport({ socket: socket as unknown as TasklaneSocket, rest, importId: 'i', onProgress: (p) => seen.push(p.processed) });
    await tick();
    socket.emit('import:progress', notice('running', 3));
    socket.emit('import:progress', notice('running', 9, { importId: 'other' }));
    socket.emit('import:progress', notice('running', 1));
    socket.emit('import:progress', notice('succeeded', 10, { boardId: 'b' }));
    await expect(done).resolves.toEqual(notice('succeeded', 10, { boardId: 'b' }));
    expect(seen).toEqual([0, 3, 10]);
    expect(socket.listeners('import:progress')).toBe(0);
  });

  it('recovers the final state from GET after a reconnect when the notice was missed', async () => {
    const socket = new FakeSocket();
    let answer = view('queued', 2);
    const rest = { getImport: async () => answer } as unknown as TasklaneRestClient;
    const { done } = followImport({ socket: socket as unknown as TasklaneSocket, rest, importId: 'i' });
    await tick();
    answer = view('succeeded', 10, 'b');
    socket.emit('connect');
    await expect(done).resolves.toEqual(notice('succeeded', 10, { boardId: 'b' }));
  });
});
