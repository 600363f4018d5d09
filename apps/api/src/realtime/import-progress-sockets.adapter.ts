import { Injectable, Logger } from '@nestjs/common';
import { userRoom, type ImportProgressNotice } from '@tasklane/contracts';
import type { ImportProgressSockets } from '../transfer/import-progress.js';
import { SocketServer } from './socket-server.js';

/**
 * IMPORT_PROGRESS_SOCKETS: `import:progress` to the importer's room on every replica (through the
 * Redis adapter, also from a worker process, whose server publishes without listening). Every
 * socket joins `user:<id>` in the handshake, so only the importer's sockets hear it.
 */
@Injectable()
export class ImportProgressSocketsAdapter implements ImportProgressSockets {
  private readonly logger = new Logger(ImportProgressSocketsAdapter.name);

  constructor(private readonly sockets: SocketServer) {}

  deliver(userId: string, notice: ImportProgressNotice): void {
    if (!this.sockets.initialised) return;
    try {
      this.sockets.io.to(userRoom(userId)).emit('import:progress', notice);
    } catch (error) {
      this.logger.error({ err: error, userId, importId: notice.importId }, 'import:progress emit failed; the client reads GET /imports/:id');
    }
  }
}
