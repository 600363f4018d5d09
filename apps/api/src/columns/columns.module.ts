import { Module } from '@nestjs/common';
import { ColumnsController } from './columns.controller.js';
import { ColumnsRepository } from './columns.repository.js';
import { ColumnsService } from './columns.service.js';

/** Columns of a board. Exports its repository for board snapshots. */
@Module({ controllers: [ColumnsController], providers: [ColumnsService, ColumnsRepository], exports: [ColumnsRepository] })
export class ColumnsModule {}
