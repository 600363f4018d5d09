import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';

/**
 * The Socket.IO adapter's Redis connections, registered by RedisIoAdapter at boot (it is created
 * outside dependency injection). Lets the gateway and the readiness check ask whether events can
 * reach the other replicas right now.
 */
@Injectable()
export class RedisConnections {
  private clients: Redis[] = [];

  attach(pub: Redis, sub: Redis): void {
    this.clients = [pub, sub];
  }

  /** True when REDIS_URL is set (several replicas may share rooms). */
  get configured(): boolean {
    return this.clients.length > 0;
  }

  /** Publisher and subscriber both connected (trivially true without Redis: one replica). */
  get ready(): boolean {
    return this.clients.every((c) => c.status === 'ready');
  }

  /** Round-trip to Redis, bounded by `timeoutMs`. @throws Error when Redis does not answer PONG in time. */
  async ping(timeoutMs = 1000): Promise<void> {
    const [pub] = this.clients;
    if (!pub) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      const pong = await Promise.race([pub.ping(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs)))]);
      if (pong !== 'PONG') throw new Error(`redis answered ${pong}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
