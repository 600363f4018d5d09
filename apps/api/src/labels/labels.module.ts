import { Module } from '@nestjs/common';
import { BoardAccessModule } from '../board-access/board-access.module.js';
import { EventsModule } from '../events/events.module.js';
import { LabelsController } from './labels.controller.js';
import { LabelsRepository } from './labels.repository.js';
import { LabelsService } from './labels.service.js';

/** Board labels. Exports LabelsService: tasks check their labelIds and register how to forget a deleted label; boards put labels in snapshots. */
@Module({ imports: [BoardAccessModule, EventsModule], controllers: [LabelsController], providers: [LabelsService, LabelsRepository], exports: [LabelsService] })
export class LabelsModule {}
