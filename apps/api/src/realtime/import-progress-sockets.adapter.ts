import { Injectable } from '@nestjs/common';
import type { ImportProgressNotice } from '@tasklane/contracts';
import type { ImportProgressSockets } from '../transfer/import-progress.js';
import { SocketServer } from './socket-server.js';

/**
 * IMPORT_PROGRESS_SOCKETS: `import:progress` to the importer's room on every replica (through the
 * Redis adapter, also from a worker process, whose server publishes without listening). Every
 * socket joins `user:<id>` in the handshake, so only the importer's sockets hear it.
 */
@Injectable()
export class ImportProgressSocketsAdapter implements ImportProgressSockets {
  constructor(private readonly sockets: SocketServer) {}

  deliver(userId: string, notice: ImportProgressNotice): void {
    this.sockets.emitToUser(userId, 'import:progress', notice, { importId: notice.importId, fallback: 'the client reads GET /imports/:id' });
  }
}
