import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { nginxConfig } from './nginx-config.js';

/** The arguments that render docker/nginx.conf (docker-compose's three replicas). */
const DOCKER_NGINX = {
  listenPort: 8080,
  upstreams: ['api1:3000', 'api2:3000', 'api3:3000'],
  prefixDir: '/var/cache/nginx',
  errorLog: '/dev/stderr',
};

describe('nginxConfig', () => {
  it('is what docker/nginx.conf holds, so compose and the local cluster run the same balancer', () => {
    const onDisk = readFileSync(new URL('../../../docker/nginx.conf', import.meta.url), 'utf8');
    expect(onDisk).toBe(nginxConfig(DOCKER_NGINX));
  });

  it('balances round robin over every upstream with websocket upgrade and no sticky sessions', () => {
    const conf = nginxConfig({ listenPort: 9000, listenHost: '127.0.0.1', upstreams: ['127.0.0.1:4001', '127.0.0.1:4002'], prefixDir: '/tmp/lb/' });
    expect(conf).toContain('listen 127.0.0.1:9000;');
    expect(conf).toMatch(/server 127\.0\.0\.1:4001 [^\n]*;\n\s+server 127\.0\.0\.1:4002 /);
    expect(conf).toMatch(/^\s+# hash \$remote_addr consistent;$/m);
    expect(conf).not.toMatch(/^\s+(hash|ip_hash|sticky)\b/m);
    expect(conf).toContain('map $http_upgrade $connection_upgrade');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('pid /tmp/lb/nginx.pid;');
    expect(conf).toContain('error_log /tmp/lb/error.log warn;');
    expect(conf).not.toMatch(/^\s*daemon\b/m);
  });

  it('never retries a request a replica already received on 502/503', () => {
    const conf = nginxConfig({ listenPort: 9000, upstreams: ['a:1'], prefixDir: '/p' });
    expect(conf).toMatch(/^\s+proxy_next_upstream error timeout;$/m);
    expect(conf).not.toMatch(/^\s*proxy_next_upstream\b[^\n]*(non_idempotent|http_50\d)/m);
  });

  it('refuses malformed input', () => {
    expect(() => nginxConfig({ listenPort: 9000, upstreams: [], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 9000, upstreams: ['a:1; evil'], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 0, upstreams: ['a:1'], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 9000, upstreams: ['a:1'], prefixDir: 'relative' })).toThrow(RangeError);
  });
});
