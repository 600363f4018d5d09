import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisModule } from '../redis/redis.module.js';
import { HealthController } from './health.controller.js';
import { ShutdownState } from './shutdown-state.service.js';

/** Health checks and the shutdown state they report (exported for the realtime gateway's drain). */
@Module({ imports: [TerminusModule, RedisModule], controllers: [HealthController], providers: [ShutdownState], exports: [ShutdownState] })
export class HealthModule {}
