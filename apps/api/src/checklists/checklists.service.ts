import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChecklistItemView } from '@tasklane/contracts';
import { limitReached, preconditionFailed } from '../errors/common.errors.js';
import type { WriteRequest } from '../events/board-events.service.js';
import { keyForSlot, keysForNewList, type Slot } from '../positions/fractional-index.js';
import { invalidPosition } from '../positions/positions.errors.js';
import { TasksService } from '../tasks/tasks.service.js';
import { checklistItemNotFound } from './checklists.errors.js';
import { ChecklistsRepository } from './checklists.repository.js';

/** Most items one task's checklist may hold. */
export const CHECKLIST_ITEMS_PER_TASK_MAX = 200;

const ITEM_SLOT = { after: 'afterItemId', before: 'beforeItemId' };

/** Where an item goes: optional adjacent anchors of the same task (default: the end). */
export interface ItemPlacement {
  afterItemId?: string;
  beforeItemId?: string;
}

/**
 * Checklists: the ordered items of a task (fractional positions, like tasks in a column), each
 * with a `done` flag. Writes run in `TasksService.writeOnLiveTask` (a `BoardEventsService.write` that checks the task is live) with `checklist.item_created|
 * item_updated|item_deleted` carrying the task's progress after the change; the task keeps its
 * counters. A task that is archived (or in an archived column) takes no writes (409 TASK_ARCHIVED).
 */
@Injectable()
export class ChecklistsService {
  constructor(
    private readonly items: ChecklistsRepository,
    private readonly tasks: TasksService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The task's items by position (at most CHECKLIST_ITEMS_PER_TASK_MAX). @throws AppError BOARD_NOT_FOUND, TASK_NOT_FOUND */
  async list(boardId: string, userId: string, taskId: string): Promise<ChecklistItemView[]> {
    await this.tasks.requireReadable(boardId, userId, taskId);
    return this.items.list(this.dataSource.manager, taskId);
  }

  /**
   * Inside an imported board's creating transaction: a task's checklist, in order (at most
   * CHECKLIST_ITEMS_PER_TASK_MAX, checked by the caller), and the task's progress counters.
   */
  async insertImported(tx: EntityManager, boardId: string, taskId: string, items: readonly { text: string; done: boolean }[]): Promise<void> {
    if (items.length === 0) return;
    const positions = keysForNewList(items.length);
    for (const [i, item] of items.entries()) await this.items.insert(tx, { id: randomUUID(), boardId, taskId, text: item.text, done: item.done, position: positions[i] });
    await this.tasks.addChecklistProgress(tx, taskId, { done: items.filter((i) => i.done).length, total: items.length });
  }

  /** The checklists of several tasks of a board being exported: task id → items by position. */
  listByTasks(taskIds: string[]): Promise<Map<string, ChecklistItemView[]>> {
    return this.items.listByTasks(this.dataSource.manager, taskIds);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED (409), CHECKLIST_ITEM_NOT_FOUND (anchor), INVALID_POSITION, LIMIT_REACHED (409, `checklist_items_per_task`) */
  create(boardId: string, userId: string, taskId: string, input: ItemPlacement & { text: string; done?: boolean }, req: WriteRequest = {}): Promise<ChecklistItemView> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx) => {
      if ((await this.items.count(tx, taskId)) >= CHECKLIST_ITEMS_PER_TASK_MAX) {
        throw limitReached('checklist_items_per_task', CHECKLIST_ITEMS_PER_TASK_MAX, 'checklist items per task');
      }
      const position = keyForSlot(await this.slot(tx, boardId, taskId, input, null), ITEM_SLOT);
      const done = input.done ?? false;
      const item = await this.items.insert(tx, { id: randomUUID(), boardId, taskId, text: input.text, done, position });
      const progress = await this.tasks.addChecklistProgress(tx, taskId, { done: done ? 1 : 0, total: 1 });
      return { result: item, event: { type: 'checklist.item_created', data: { ...item, progress } } };
    });
  }

  /**
   * Edits text and/or `done`, and moves the item when `afterItemId` or `beforeItemId` is given.
   * @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED, CHECKLIST_ITEM_NOT_FOUND, INVALID_POSITION, PRECONDITION_FAILED (412, If-Match)
   */
  update(boardId: string, userId: string, taskId: string, itemId: string, patch: ItemPlacement & { text?: string; done?: boolean }, req: WriteRequest = {}): Promise<ChecklistItemView> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx) => {
      const current = await this.requireItem(tx, boardId, taskId, itemId);
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(current);
      const moves = patch.afterItemId !== undefined || patch.beforeItemId !== undefined;
      const position = moves ? keyForSlot(await this.slot(tx, boardId, taskId, patch, itemId), ITEM_SLOT) : current.position;
      const done = patch.done ?? current.done;
      const item = await this.items.update(tx, itemId, { text: patch.text ?? current.text, done, position });
      const progress = await this.tasks.addChecklistProgress(tx, taskId, { done: Number(done) - Number(current.done), total: 0 });
      return { result: item, event: { type: 'checklist.item_updated', data: { ...item, progress } } };
    });
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, TASK_NOT_FOUND, TASK_ARCHIVED, CHECKLIST_ITEM_NOT_FOUND, PRECONDITION_FAILED */
  remove(boardId: string, userId: string, taskId: string, itemId: string, req: WriteRequest = {}): Promise<null> {
    return this.tasks.writeOnLiveTask(boardId, userId, taskId, req, async (tx) => {
      const current = await this.requireItem(tx, boardId, taskId, itemId);
      if (req.ifMatch !== undefined && current.version !== req.ifMatch) throw preconditionFailed(current);
      await this.items.delete(tx, itemId);
      const progress = await this.tasks.addChecklistProgress(tx, taskId, { done: current.done ? -1 : 0, total: -1 });
      return { result: null, event: { type: 'checklist.item_deleted', data: { id: itemId, taskId, progress } } };
    });
  }

  private async requireItem(tx: EntityManager, boardId: string, taskId: string, itemId: string): Promise<ChecklistItemView> {
    const item = await this.items.find(tx, boardId, taskId, itemId);
    if (!item) throw checklistItemNotFound();
    return item;
  }

  /**
   * The slot for an item of `taskId` given optional anchors of the same task, ignoring the moving
   * item `selfId`; without anchors the end of the list; with both they must be adjacent (as for tasks).
   * @throws AppError CHECKLIST_ITEM_NOT_FOUND (unknown anchor or one of another task), INVALID_POSITION
   */
  private async slot(tx: EntityManager, boardId: string, taskId: string, p: ItemPlacement, selfId: string | null): Promise<Slot> {
    const { afterItemId: afterId, beforeItemId: beforeId } = p;
    if (!afterId && !beforeId) return { prev: await this.items.lastPosition(tx, taskId, selfId), next: null };
    const anchor = async (id: string, field: string) => {
      if (id === selfId) throw invalidPosition(`${field} cannot be the item being moved`);
      const placed = await this.items.find(tx, boardId, taskId, id);
      if (!placed) throw checklistItemNotFound(field);
      return placed.position;
    };
    if (afterId && beforeId) {
      const prev = await anchor(afterId, 'afterItemId');
      const next = await anchor(beforeId, 'beforeItemId');
      const between = prev < next ? await this.items.neighbour(tx, taskId, selfId, '>', prev) : null;
      if (between !== null && between < next) throw invalidPosition('afterItemId and beforeItemId must be adjacent in the checklist');
      return { prev, next };
    }
    if (afterId) {
      const prev = await anchor(afterId, 'afterItemId');
      return { prev, next: await this.items.neighbour(tx, taskId, selfId, '>', prev) };
    }
    const next = await anchor(beforeId as string, 'beforeItemId');
    return { prev: await this.items.neighbour(tx, taskId, selfId, '<', next), next };
  }
}
