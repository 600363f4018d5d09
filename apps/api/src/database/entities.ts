import { ApiToken } from '../auth/api-token.entity.js';
import { AuthSession } from '../auth/auth-session.entity.js';
import { RefreshToken } from '../auth/refresh-token.entity.js';
import { Board } from '../boards/board.entity.js';
import { ChecklistItem } from '../checklists/checklist-item.entity.js';
import { BoardColumn } from '../columns/board-column.entity.js';
import { Comment } from '../comments/comment.entity.js';
import { BoardEvent } from '../events/board-event.entity.js';
import { BoardStream } from '../events/board-stream.entity.js';
import { IdempotencyKey } from '../idempotency/idempotency-key.entity.js';
import { Invitation } from '../invitations/invitation.entity.js';
import { BoardLabel } from '../labels/board-label.entity.js';
import { BoardMember } from '../board-access/board-member.entity.js';
import { Notification, NotificationStream } from '../notifications/notification.entity.js';
import { ReminderSent } from '../reminders/reminder-sent.entity.js';
import { Task } from '../tasks/task.entity.js';
import { EmailPreferences } from '../emails/email-preferences.entity.js';
import { EmailRecipient } from '../emails/email-recipient.entity.js';
import { BoardImport } from '../transfer/board-import.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { Webhook } from '../webhooks/webhook.entity.js';

/** Every entity, listed explicitly (globs do not work reliably under ESM). Entities describe the schema for migrations; queries are SQL in each module's repository. */
export const ENTITIES = [User, AuthSession, RefreshToken, ApiToken, Board, BoardStream, BoardMember, BoardColumn, Task, BoardEvent, IdempotencyKey, Invitation, Comment, ChecklistItem, BoardLabel, Notification, NotificationStream, Webhook, WebhookDelivery, BoardImport, EmailPreferences, ReminderSent, EmailRecipient];
