import { describe, expect, it, jest } from '@jest/globals';
import type { EntityManager } from 'typeorm';
import type { CommentView, TaskView } from '@tasklane/contracts';
import type { BoardAccessService } from '../board-access/board-access.service.js';
import type { WriteOutcome } from '../events/board-events.service.js';
import type { MembersService } from '../members/members.service.js';
import type { TasksService } from '../tasks/tasks.service.js';
import type { CommentsRepository } from './comments.repository.js';
import { commentIntents, CommentsService } from './comments.service.js';

const BOARD = 'b';
const T = new Date(0).toISOString();
const AUTHOR = 'author';
const CREATOR = 'creator';
const ASSIGNEE = 'assignee';
const MENTIONED = 'mentioned';
const tx = {} as EntityManager;
const task = { id: 't', createdBy: CREATOR, assigneeIds: [ASSIGNEE, AUTHOR], commentCount: 3 } as unknown as TaskView;
const members = [AUTHOR, CREATOR, ASSIGNEE, MENTIONED].map((userId) => ({ userId, name: userId[0].toUpperCase() + userId.slice(1) }));

/** A CommentsService whose writeOnLiveTask runs the work function and keeps the whole outcome (event and intents). */
function setup(existing?: Partial<CommentView>) {
  const outcomes: WriteOutcome<unknown>[] = [];
  const stored = (c: Partial<CommentView>): CommentView => ({ id: 'c1', boardId: BOARD, taskId: 't', authorId: AUTHOR, body: '', mentionIds: [], version: 1, createdAt: T, updatedAt: T, ...c });
  const repo = {
    insert: async (_tx: EntityManager, c: Partial<CommentView>) => stored(c),
    find: async () => (existing ? stored(existing) : null),
    update: async (_tx: EntityManager, id: string, body: string, mentionIds: string[]) => stored({ ...existing, id, body, mentionIds, version: 2 }),
  } as unknown as CommentsRepository;
  const tasks = {
    writeOnLiveTask: jest.fn(async (_b: string, _u: string, _t: string, _req: unknown, work: (tx: EntityManager, task: TaskView) => Promise<WriteOutcome<unknown>>) => {
      const outcome = await work(tx, task);
      outcomes.push(outcome);
      return outcome.result;
    }),
    addCommentCount: async () => 4,
  } as unknown as TasksService;
  const membersService = { listAll: async () => members } as unknown as MembersService;
  const access = { roleOf: async () => 'editor' } as unknown as BoardAccessService;
  const service = new CommentsService(repo, tasks, membersService, access, {} as never);
  return { service, outcomes };
}

describe('CommentsService', () => {
  it('returns mentioned intents for mentioned members and commented ones for the creator and assignees, never the author', async () => {
    const { service, outcomes } = setup();
    const comment = await service.create(BOARD, AUTHOR, 't', 'Hey @Mentioned and @Assignee, and me @Author');
    expect(comment.mentionIds).toEqual([MENTIONED, ASSIGNEE, AUTHOR]);
    expect(outcomes[0].event).toEqual({ type: 'comment.created', data: { ...comment, commentCount: 4 } });
    expect(outcomes[0].notify).toEqual([
      { userId: MENTIONED, kind: 'mentioned', taskId: 't', commentId: comment.id },
      { userId: ASSIGNEE, kind: 'mentioned', taskId: 't', commentId: comment.id },
      { userId: CREATOR, kind: 'commented', taskId: 't', commentId: comment.id },
    ]);
  });

  it('notifies only newly mentioned members on an edit by the author', async () => {
    const { service, outcomes } = setup({ authorId: AUTHOR, mentionIds: [ASSIGNEE] });
    await service.update(BOARD, AUTHOR, 't', 'c1', '@Assignee and now @Mentioned');
    expect(outcomes[0].notify).toEqual([{ userId: MENTIONED, kind: 'mentioned', taskId: 't', commentId: 'c1' }]);
    expect(outcomes[0].event).toMatchObject({ type: 'comment.updated', data: { commentCount: 3, mentionIds: [ASSIGNEE, MENTIONED] } });
  });

  it('refuses an edit by someone else than the author with FORBIDDEN, and a delete by a non-owner non-author', async () => {
    const { service } = setup({ authorId: CREATOR });
    await expect(service.update(BOARD, AUTHOR, 't', 'c1', 'mine now')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(service.remove(BOARD, AUTHOR, 't', 'c1')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('commentIntents does not notify the author who is also the creator, nor anyone twice', () => {
    const own = { id: 't', createdBy: AUTHOR, assigneeIds: [ASSIGNEE, ASSIGNEE] };
    expect(commentIntents(own, { id: 'c', authorId: AUTHOR, mentionIds: [] })).toEqual([{ userId: ASSIGNEE, kind: 'commented', taskId: 't', commentId: 'c' }]);
  });
});
