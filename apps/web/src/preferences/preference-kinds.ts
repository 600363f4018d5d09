import { NOTIFICATION_KINDS, type NotificationKind } from '@tasklane/contracts';

/** Each notification kind in words, for the email preferences (NOTIFICATION_KINDS order). */
export const KIND_LABELS: Record<NotificationKind, { label: string; hint: string }> = {
  assigned: { label: 'Assigned to a task', hint: 'Someone assigns you to a task' },
  mentioned: { label: 'Mentioned', hint: 'Someone @mentions you in a comment' },
  commented: { label: 'Comments', hint: 'A comment on a task you created or are assigned to' },
  invited: { label: 'Invitations', hint: 'Someone invites you to a board' },
  due_soon: { label: 'Due soon', hint: 'A task of yours is due soon' },
  overdue: { label: 'Overdue', hint: 'A task of yours is overdue' },
  webhook_disabled: { label: 'Webhook disabled', hint: 'A webhook of a board you own was disabled after failing' },
};

export const PREFERENCE_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS;

/** The feedback after saving one toggle, e.g. "Saved: Mentioned emails are off." */
export function savedText(kind: NotificationKind, on: boolean): string {
  return `Saved: ${KIND_LABELS[kind].label} emails are ${on ? 'on' : 'off'}.`;
}
