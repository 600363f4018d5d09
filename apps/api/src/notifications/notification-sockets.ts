import type { NotificationView } from '@tasklane/contracts';

/**
 * Live delivery of notifications: emits `notification:new` to every socket of a user on every
 * replica (room `user:<id>`, which every socket joins on connect). Provided under
 * NOTIFICATION_SOCKETS by RealtimeModule, so notifications never imports realtime (like
 * EVENT_PUBLISHER). At most once per socket: a socket that misses one catches up by seq.
 */
export interface NotificationSockets {
  deliver(userId: string, notification: NotificationView): void;
}

/** Injection token of NotificationSockets. */
export const NOTIFICATION_SOCKETS = Symbol('NOTIFICATION_SOCKETS');
