import { Global, Module } from '@nestjs/common';
import { BoardAccessService } from './board-access.service.js';

/** Board membership checks, needed by every board-scoped module and the realtime gateway. */
@Global()
@Module({ providers: [BoardAccessService], exports: [BoardAccessService] })
export class BoardAccessModule {}
