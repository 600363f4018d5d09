import type { NotificationView } from '@tasklane/contracts';

/** A notification as one sentence: "Ann assigned you to “Write README”" (plain text). */
export function notificationText(n: NotificationView): string {
  const task = n.taskTitle ? `“${n.taskTitle}”` : 'a task';
  const board = n.boardName ? `“${n.boardName}”` : 'a board';
  switch (n.kind) {
    case 'assigned':
      return `${n.actorName} assigned you to ${task}`;
    case 'mentioned':
      return `${n.actorName} mentioned you on ${task}`;
    case 'commented':
      return `${n.actorName} commented on ${task}`;
    case 'invited':
      return `${n.actorName} invited you to ${board}`;
    case 'due_soon':
      return `${task} is due soon`;
    case 'overdue':
      return `${task} is overdue`;
    case 'webhook_disabled':
      return `A webhook of ${board} was disabled after repeated delivery failures`;
  }
}

/** Where a click on a notification goes: the task on its board, the board, or the board list (invitations). */
export function notificationHref(n: NotificationView): string {
  if (n.kind === 'invited') return '/';
  return n.taskId ? `/boards/${n.boardId}?task=${n.taskId}` : `/boards/${n.boardId}`;
}
