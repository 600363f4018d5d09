import { Module } from '@nestjs/common';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';

/** Tasks. Exports its repository for board snapshots. */
@Module({ controllers: [TasksController], providers: [TasksService, TasksRepository], exports: [TasksRepository] })
export class TasksModule {}
