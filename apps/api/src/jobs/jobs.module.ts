import { Global, Module } from '@nestjs/common';
import { JobQueue } from './job-queue.service.js';

/**
 * The background job queue (pg-boss; docs/jobs.md). Global, like MetricsModule: features define
 * their jobs and enqueue through JobQueue without importing this module, and it imports no
 * feature, so no import cycle can pass through it.
 */
@Global()
@Module({ providers: [JobQueue], exports: [JobQueue] })
export class JobsModule {}
