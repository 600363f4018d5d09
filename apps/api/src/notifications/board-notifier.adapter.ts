import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { EntityManager } from 'typeorm';
import type { NotificationKind } from '@tasklane/contracts';
import { BoardAccessService } from '../board-access/board-access.service.js';
import type { BoardNotifier, NotificationIntent, NotifiedWrite } from '../events/board-notifier.js';
import { NOTIFICATION_SOCKETS, type NotificationSockets } from './notification-sockets.js';
import { NotificationsRepository, type NewNotification } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';

/** When one write names a user twice, the kind kept: a mention says more than "a comment on your task". */
const PRIORITY: Record<NotificationKind, number> = { mentioned: 0, assigned: 1, commented: 2, invited: 3, due_soon: 4, overdue: 5, webhook_disabled: 6 };

/**
 * Which of a write's intents become notifications: never the actor's own, at most one per user
 * (the highest PRIORITY), and only for current members of the board, except `invited`, which is
 * only for non-members (an invitation to someone already on the board tells them nothing). Pure; `members` is the set of intended users who are members.
 */
export function selectNotifications(write: NotifiedWrite, members: ReadonlySet<string>): NewNotification[] {
  const best = new Map<string, NotificationIntent>();
  for (const intent of write.intents) {
    if (intent.userId === write.actorId) continue;
    // `invited` is for someone not on the board yet; everything else only for current members.
    if (intent.kind === 'invited' ? members.has(intent.userId) : !members.has(intent.userId)) continue;
    const kept = best.get(intent.userId);
    if (!kept || PRIORITY[intent.kind] < PRIORITY[kept.kind]) best.set(intent.userId, intent);
  }
  return [...best.values()].map((i) => ({ userId: i.userId, kind: i.kind, taskId: i.taskId, commentId: i.commentId ?? null }));
}

/**
 * The BoardNotifier (BOARD_NOTIFIER): stores a write's notifications in its transaction, each
 * with its user's next seq, and after COMMIT delivers them live through NOTIFICATION_SOCKETS.
 * The views delivered carry names (board, task, actor) read by NotificationsService, which this
 * resolves lazily through ModuleRef: NotificationsService reads tasks and boards, whose services
 * write through BoardEventsService, which injects this; a constructor dependency would be a cycle.
 */
@Injectable()
export class BoardNotifierAdapter implements BoardNotifier {
  private readonly logger = new Logger(BoardNotifierAdapter.name);

  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly access: BoardAccessService,
    private readonly moduleRef: ModuleRef,
    @Optional() @Inject(NOTIFICATION_SOCKETS) private readonly sockets?: NotificationSockets,
  ) {}

  async record(tx: EntityManager, write: NotifiedWrite): Promise<(() => void) | null> {
    const candidates = [...new Set(write.intents.filter((i) => i.userId !== write.actorId).map((i) => i.userId))];
    if (candidates.length === 0) return null;
    const strangers = new Set(await this.access.nonMembers(tx, write.boardId, candidates));
    const items = selectNotifications(write, new Set(candidates.filter((id) => !strangers.has(id))));
    if (items.length === 0) return null;
    const stored = await this.notifications.insert(tx, { boardId: write.boardId, actorId: write.actorId, boardSeq: write.seq }, items);
    return () => {
      const sockets = this.sockets;
      if (!sockets) return;
      this.moduleRef
        .get(NotificationsService)
        .views(stored)
        .then(
          (views) => {
            for (const view of views) sockets.deliver(stored.find((s) => s.id === view.id)!.userId, view);
          },
          (error: unknown) => this.logger.error({ err: error }, 'live delivery of notifications failed; clients catch up by seq'),
        );
    };
  }
}
