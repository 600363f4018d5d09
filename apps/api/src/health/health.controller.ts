import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { Public } from '../auth/public.decorator.js';
import { ErrorBodyDto } from '../http/openapi.decorators.js';
import { RedisConnections } from '../redis/redis-connections.service.js';
import { ShutdownState } from './shutdown-state.service.js';

/** Liveness and readiness for load balancers and orchestrators (public, outside `/api/v1`). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisConnections,
    private readonly shutdown: ShutdownState,
  ) {}

  /** The process is up (for restarts). */
  @Get('live')
  @ApiOperation({ summary: 'Liveness', description: 'The process is up and its event loop answers. For restarts, not for routing.' })
  @ApiOkResponse({ description: 'Alive', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * The replica can serve: not shutting down, PostgreSQL answers within 1 s and, when configured,
   * Redis answers within 1 s. 503 otherwise (for the load balancer).
   */
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness',
    description: 'The replica can serve: not draining, PostgreSQL and (when configured) Redis answer within 1 s. 503 otherwise, so the load balancer routes elsewhere.',
  })
  @ApiOkResponse({ description: 'Ready: every check is up (Terminus health-check result)', schema: { type: 'object', additionalProperties: true } })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE: draining, or a dependency is down; `details` holds each check (`lifecycle`, `database`, `redis`)', type: ErrorBodyDto })
  @HealthCheck({ swaggerDocumentation: false })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.lifecycle(),
      () => this.db.pingCheck('database', { timeout: 1000 }),
      ...(this.redis.configured ? [() => this.redisCheck()] : []),
    ]);
  }

  private lifecycle(): HealthIndicatorResult {
    const check = this.indicators.check('lifecycle');
    return this.shutdown.shuttingDown ? check.down({ message: 'shutting down' }) : check.up();
  }

  private async redisCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicators.check('redis');
    try {
      await this.redis.ping(1000);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }
}
