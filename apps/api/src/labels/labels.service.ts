import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { LabelView } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import { limitReached, preconditionFailed, validationFailed } from '../errors/common.errors.js';
import { BoardEventsService, type WriteRequest } from '../events/board-events.service.js';
import { labelNameTaken, labelNotFound } from './labels.errors.js';
import { LabelsRepository } from './labels.repository.js';

/** Most labels a board may have: a label picker, not a tag cloud. */
export const LABELS_PER_BOARD_MAX = 100;

/**
 * How a feature that refers to labels forgets one, inside the deleting write's transaction (tasks
 * register theirs: labels sit below tasks, so they cannot import them).
 */
export type LabelCleanup = (tx: EntityManager, boardId: string, labelId: string) => Promise<void>;

/**
 * Board labels: list, create, rename or recolor, delete. Every write runs in
 * `BoardEventsService.write` (`label.created|updated|deleted`). Deleting a label removes it from
 * every task in the same transaction (through the registered LabelCleanup).
 */
@Injectable()
export class LabelsService {
  private readonly cleanups: LabelCleanup[] = [];

  constructor(
    private readonly labels: LabelsRepository,
    private readonly events: BoardEventsService,
    private readonly access: BoardAccessService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Registers what to run, in the transaction, when a label is deleted. */
  onDelete(cleanup: LabelCleanup): void {
    this.cleanups.push(cleanup);
  }

  /** The board's labels by name. @throws AppError BOARD_NOT_FOUND */
  /**
   * Inside an imported board's creating transaction: its labels (names unique, colours #rrggbb,
   * checked by the caller). Returns name → new label id.
   */
  async insertImported(tx: EntityManager, boardId: string, labels: readonly { name: string; color: string }[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const l of labels) ids.set(l.name, (await this.labels.insert(tx, { id: randomUUID(), boardId, name: l.name, color: l.color })).id);
    return ids;
  }

  async list(boardId: string, userId: string): Promise<LabelView[]> {
    await this.access.require(boardId, userId, 'viewer');
    return this.labels.listByBoard(this.dataSource.manager, boardId);
  }

  /** The board's labels, read with `db` (a snapshot's transaction). */
  listByBoard(db: EntityManager, boardId: string): Promise<LabelView[]> {
    return this.labels.listByBoard(db, boardId);
  }

  /**
   * @throws AppError VALIDATION_FAILED (400, field `field`) listing the ids that are not labels of
   *   this board (another board's label included: API1).
   */
  async requireLabels(db: EntityManager, boardId: string, ids: string[] | undefined, field = 'labelIds'): Promise<void> {
    if (!ids?.length) return;
    const found = await this.labels.existing(db, boardId, ids);
    const unknown = ids.filter((id) => !found.has(id));
    if (unknown.length) throw validationFailed([{ field, errors: [`not labels of this board: ${unknown.join(', ')}`] }]);
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, LABEL_NAME_TAKEN (409), LIMIT_REACHED (409, `labels_per_board`) */
  create(boardId: string, userId: string, input: { name: string; color: string }, req: WriteRequest = {}): Promise<LabelView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        if ((await this.labels.count(tx, boardId)) >= LABELS_PER_BOARD_MAX) throw limitReached('labels_per_board', LABELS_PER_BOARD_MAX, 'labels per board');
        if (await this.labels.nameTaken(tx, boardId, input.name, null)) throw labelNameTaken(input.name);
        const label = await this.labels.insert(tx, { id: randomUUID(), boardId, name: input.name, color: input.color.toLowerCase() });
        return { result: label, event: { type: 'label.created', data: label } };
      },
      req.idempotency,
    );
  }

  /** @throws AppError BOARD_NOT_FOUND, FORBIDDEN, LABEL_NOT_FOUND, LABEL_NAME_TAKEN (409), PRECONDITION_FAILED (412, If-Match) */
  update(boardId: string, userId: string, labelId: string, patch: { name?: string; color?: string }, req: WriteRequest = {}): Promise<LabelView> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireLabel(tx, boardId, labelId, req.ifMatch);
        if (patch.name !== undefined && (await this.labels.nameTaken(tx, boardId, patch.name, labelId))) throw labelNameTaken(patch.name);
        const label = await this.labels.update(tx, boardId, labelId, { name: patch.name, color: patch.color?.toLowerCase() });
        return { result: label, event: { type: 'label.updated', data: label } };
      },
      req.idempotency,
    );
  }

  /** Deletes the label and removes it from every task of the board, in one transaction. @throws AppError BOARD_NOT_FOUND, FORBIDDEN, LABEL_NOT_FOUND, PRECONDITION_FAILED */
  remove(boardId: string, userId: string, labelId: string, req: WriteRequest = {}): Promise<null> {
    return this.events.write(
      boardId,
      userId,
      'editor',
      async ({ tx }) => {
        await this.requireLabel(tx, boardId, labelId, req.ifMatch);
        for (const cleanup of this.cleanups) await cleanup(tx, boardId, labelId);
        await this.labels.delete(tx, boardId, labelId);
        return { result: null, event: { type: 'label.deleted', data: { id: labelId } } };
      },
      req.idempotency,
    );
  }

  private async requireLabel(tx: EntityManager, boardId: string, labelId: string, ifMatch: number | undefined): Promise<LabelView> {
    const label = await this.labels.find(tx, boardId, labelId);
    if (!label) throw labelNotFound();
    if (ifMatch !== undefined && label.version !== ifMatch) throw preconditionFailed(label);
    return label;
  }
}
