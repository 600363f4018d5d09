import type { ImportProgressNotice } from '@tasklane/contracts';

/**
 * Live progress of board imports: emits `import:progress` to every socket of the importer on every
 * replica (room `user:<id>`). Provided under IMPORT_PROGRESS_SOCKETS by RealtimeModule, so transfer
 * never imports realtime (like NOTIFICATION_SOCKETS). The job may run in a worker process: its
 * Socket.IO server exists without listening and publishes through the Redis adapter to the API
 * replicas; in the embedded default (no Redis) the job runs in the process that holds the sockets.
 * At most once per socket: a socket that misses one reads `GET /imports/:id`.
 */
export interface ImportProgressSockets {
  deliver(userId: string, notice: ImportProgressNotice): void;
}

/** Injection token of ImportProgressSockets. */
export const IMPORT_PROGRESS_SOCKETS = Symbol('IMPORT_PROGRESS_SOCKETS');
