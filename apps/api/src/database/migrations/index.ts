import { Init1795238171360 } from './1795238171360-Init.js';
import { DeliveryAndIdempotency1795238674757 } from './1795238674757-DeliveryAndIdempotency.js';
import { EventsOccurredAtBrin1795240000000 } from './1795240000000-EventsOccurredAtBrin.js';
import { BoardStreams1796044238500 } from './1796044238500-BoardStreams.js';
import { AuthSessionsAndApiTokens1796047124893 } from './1796047124893-AuthSessionsAndApiTokens.js';
import { Invitations1796047182119 } from './1796047182119-Invitations.js';
import { EventTraceparent1796050390207 } from './1796050390207-EventTraceparent.js';
import { CollaborationContent1796056647502 } from './1796056647502-CollaborationContent.js';
import { ActivitySubjectIndex1796056900000 } from './1796056900000-ActivitySubjectIndex.js';
import { Webhooks1796056925629 } from './1796056925629-Webhooks.js';
import { Notifications1796057008431 } from './1796057008431-Notifications.js';
import { TaskSearch1796057328903 } from './1796057328903-TaskSearch.js';
import { CommentSearch1796058000000 } from './1796058000000-CommentSearch.js';
import { BoardImports1796058096172 } from './1796058096172-BoardImports.js';
import { NotificationKindWebhookDisabled1796058200000 } from './1796058200000-NotificationKindWebhookDisabled.js';
import { EmailPreferences1796059394317 } from './1796059394317-EmailPreferences.js';
import { BoardImportProgress1796073999179 } from './1796073999179-BoardImportProgress.js';
import { RemindersSent1796074245207 } from './1796074245207-RemindersSent.js';
import { EmailRecipients1796074525248 } from './1796074525248-EmailRecipients.js';
import { TaskCompletedAt1796077863898 } from './1796077863898-TaskCompletedAt.js';
import { RemindersSentDueAtIndex1796098609154 } from './1796098609154-RemindersSentDueAtIndex.js';
import { RefreshTokenReplacedBy1796300438272 } from './1796300438272-RefreshTokenReplacedBy.js';
import { RetentionIndexes1796349966914 } from './1796349966914-RetentionIndexes.js';

/** Every migration, in order. `npm run migration:generate -- Name` writes new ones; add them here. */
export const MIGRATIONS: Function[] = [
  Init1795238171360,
  DeliveryAndIdempotency1795238674757,
  EventsOccurredAtBrin1795240000000,
  BoardStreams1796044238500,
  AuthSessionsAndApiTokens1796047124893,
  Invitations1796047182119,
  EventTraceparent1796050390207,
  CollaborationContent1796056647502,
  ActivitySubjectIndex1796056900000,
  Webhooks1796056925629,
  Notifications1796057008431,
  TaskSearch1796057328903,
  CommentSearch1796058000000,
  BoardImports1796058096172,
  NotificationKindWebhookDisabled1796058200000,
  EmailPreferences1796059394317,
  BoardImportProgress1796073999179,
  RemindersSent1796074245207,
  EmailRecipients1796074525248,
  TaskCompletedAt1796077863898,
  RemindersSentDueAtIndex1796098609154,
  RefreshTokenReplacedBy1796300438272,
  RetentionIndexes1796349966914,
];
