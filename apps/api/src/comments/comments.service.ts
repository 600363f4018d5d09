import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { CommentView, Page, TaskView } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { preconditionFailed } from '../errors/common.errors.js';
import type { NotificationIntent } from '../events/board-notifier.js';
import type { WriteRequest } from '../events/board-events.service.js';
import { MembersService } from '../members/members.service.js';
import { afterCursor, toPage } from '../pagination/cursor.js';
import { TasksService } from '../tasks/tasks.service.js';
import { commentNotFound, notTheAuthor } from './comments.errors.js';
import { CommentsRepository } from './comments.repository.js';
import { resolveMentions } from './mentions.js';

/**
 * Whom a new comment notifies: `mentioned` for each mentioned member, `commented` for the task's
 * creator and assignees who are not mentioned; never the author. On an edit, only members the
 * edit newly mentions (`previous` = the mentions before it), and no `commented`.
 */
export function commentIntents(task: Pick<TaskView, 'id' | 'createdBy' | 'assigneeIds'>, comment: Pick<CommentView, 'id' | 'authorId' | 'mentionIds'>, previous?: readonly string[]): NotificationIntent[] {
  const intents: NotificationIntent[] = [];
  const seen = new Set([comment.authorId]);
  for (const userId of comment.mentionIds) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    if (!previous?.includes(userId)) intents.push({ userId, kind: 'mentioned', taskId: task.id, commentId: comment.id });
  }
  if (previous) return intents;
  for (const userId of [task.createdBy, ...task.assigneeIds]) {
    if (seen.has(userId)) continue;
    seen.add(userId);
    intents.push({ userId, kind: 'commented', taskId: task.id, commentId: comment.id });
  }
  return intents;
}

/**
 * Comments on tasks: list (oldest first), create, edit (author only), delete (author or an owner).
 * Writes run in `TasksService.writeOnLiveTask` (a `BoardEventsService.write` that checks the task is live) with `comment.created|updated|deleted`, keep the task's
 * comment count, and return notification intents (commentIntents) to BOARD_NOTIFIER. A task that
 * is archived (or in an archived column) takes no comment writes (409 TASK_ARCHIVED).
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly comments: CommentsRepository,
    private readonly tasks: TasksService,
    private readonly members: MembersService,
    private readonly access: BoardAccessService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A page of the task's comments, oldest first. @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND, VALIDATION_FAILED (cursor) */
  /** Tasks of `boardIds` with a comment matching a search (see CommentsRepository.matchingTasks): task id → best rank. The caller resolved the boards from the user's memberships. */
  matchingTasks(boardIds: string[], rest: string, prefix: string | null, limit: number): Promise<Map<string, number>> {
    return this.comments.matchingTasks(this.dataSource.manager, boardIds, rest, prefix, limit);
  }

  /** Highlighted excerpts of the best-matching comment of each task: task id → headline with \u0001 / \u0002 markers. */
  commentSnippets(taskIds: string[], rest: string, prefix: string | null): Promise<Map<string, string>> {
    return this.comments.snippets(this.dataSource.manager, taskIds, rest, prefix);
  }

  async list(boardId: string, userId: string, taskId: string, page: { limit: number; cursor?: string }): Promise<Page<CommentView>> {
    await this.tasks.requireReadable(boardId, userId, taskId);
    return toPage(await this.comments.list(this.dataSource.manager, taskId, afterCursor(page.cursor), page.limit + 1), page.limit);
  }

  /**
   * Inside an imported board's creating transaction: a task's comments, oldest first, written by
   * the importer (`authorId`; the original author's name is in each body), without mentions, and
   * the task's comment count. Bodies are checked by the caller (1…COMMENT_MAX_LENGTH).
   */
  async insertImported(tx: EntityManager, boardId: string, taskId: string, authorId: string, bodies: readonly string[]): Promise<void> {
    if (bodies.length === 0) return;
    for (const body of bodies) await this.comments.insert(tx, { id: randomUUID(), boardId, taskId, authorId, body, mentionIds: [] });
    await this.tasks.addCommentCount(tx, taskId, bodies.length);
  }

  /** The comments of several tasks of a board being exported: task id → comments, oldest first. */
  listByTasks(taskIds: string[]): Promise<Map<string, CommentView[]>> {
    return this.comments.listByTasks(this.dataSource.manager, taskIds);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED (409) */
  create(boardId: string, userId: string, taskId: string, body: string, req: WriteRequest = {}): Promise<CommentView> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx, task) => {
      const comment = await this.comments.insert(tx, { id: randomUUID(), boardId, taskId, authorId: userId, body, mentionIds: await this.mentions(tx, boardId, body) });
      const commentCount = await this.tasks.addCommentCount(tx, taskId, 1);
      return { result: comment, event: { type: 'comment.created', data: { ...comment, commentCount } }, notify: commentIntents(task, comment) };
    });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (also: not the author), TASK_NOT_FOUND, TASK_ARCHIVED, COMMENT_NOT_FOUND, PRECONDITION_FAILED (412, If-Match) */
  update(boardId: string, userId: string, taskId: string, commentId: string, body: string, req: WriteRequest = {}): Promise<CommentView> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx, task) => {
      const current = await this.requireComment(tx, boardId, taskId, commentId);
      if (current.authorId !== userId) throw notTheAuthor('edit');
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(current);
      const comment = await this.comments.update(tx, commentId, body, await this.mentions(tx, boardId, body));
      const commentCount = task.commentCount;
      return { result: comment, event: { type: 'comment.updated', data: { ...comment, commentCount } }, notify: commentIntents(task, comment, current.mentionIds) };
    });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN (neither the author nor an owner), TASK_NOT_FOUND, TASK_ARCHIVED, COMMENT_NOT_FOUND, PRECONDITION_FAILED */
  remove(boardId: string, userId: string, taskId: string, commentId: string, req: WriteRequest = {}): Promise<null> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx) => {
      const current = await this.requireComment(tx, boardId, taskId, commentId);
      if (current.authorId !== userId && (await this.access.roleOf(boardId, userId, tx)) !== 'owner') throw notTheAuthor('delete');
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(current);
      await this.comments.delete(tx, commentId);
      const commentCount = await this.tasks.addCommentCount(tx, taskId, -1);
      return { result: null, event: { type: 'comment.deleted', data: { id: commentId, taskId, commentCount } } };
    });
  }

  private async requireComment(tx: EntityManager, boardId: string, taskId: string, commentId: string): Promise<CommentView> {
    const comment = await this.comments.find(tx, boardId, taskId, commentId);
    if (!comment) throw commentNotFound();
    return comment;
  }

  /** The current members `body` mentions (read under the board's lock, so a member removed before this write is not). */
  private async mentions(tx: EntityManager, boardId: string, body: string): Promise<string[]> {
    if (!body.includes('@')) return [];
    return resolveMentions(body, await this.members.listAll(tx, boardId, 'viewer'));
  }
}
