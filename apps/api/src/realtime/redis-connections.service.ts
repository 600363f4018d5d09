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
  private readonly publishFailureListeners: (() => void)[] = [];

  /**
   * Registers the adapter's connections. Wraps `pub.publish`: the adapter publishes without
   * handling the returned promise, so during an outage each failure would be an unhandled
   * rejection (fatal to a Node process). Failures are reported to `onPublishFailure` listeners
   * instead (the outbox relay then re-sends what may not have gone out).
   */
  attach(pub: Redis, sub: Redis): void {
    const publish = pub.publish.bind(pub);
    pub.publish = ((...args: Parameters<typeof publish>) =>
      publish(...args).catch(() => {
        for (const listener of this.publishFailureListeners) listener();
        return 0;
      })) as typeof pub.publish;
    this.clients = [pub, sub];
  }

  /** Calls `listener` whenever a publish to Redis fails. */
  onPublishFailure(listener: () => void): void {
    this.publishFailureListeners.push(listener);
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
