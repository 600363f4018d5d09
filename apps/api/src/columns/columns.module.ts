import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { ColumnsController } from './columns.controller.js';
import { ColumnsRepository } from './columns.repository.js';
import { ColumnsService } from './columns.service.js';

/** Columns of a board. Exports ColumnsService: tasks check their column, boards create and list columns. */
@Module({ imports: [EventsModule], controllers: [ColumnsController], providers: [ColumnsService, ColumnsRepository], exports: [ColumnsService] })
export class ColumnsModule {}
