import { AppError } from '../errors/app-error.js';

/** 410 EVENTS_EXPIRED: events right after `after` are no longer retained; the client refetches the snapshot. */
export const eventsExpired = (after: number): AppError =>
  new AppError('EVENTS_EXPIRED', `Events after seq ${after} are no longer retained; refetch the board snapshot`);
