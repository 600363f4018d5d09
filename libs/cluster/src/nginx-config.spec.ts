import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { KEYED_WRITE_ROUTES, nginxConfig } from './nginx-config.js';

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

  it('pins each board\'s writes to one upstream by a consistent hash and leaves the rest round robin (default)', () => {
    const conf = nginxConfig({ listenPort: 9000, listenHost: '127.0.0.1', upstreams: ['127.0.0.1:4001', '127.0.0.1:4002'], prefixDir: '/tmp/lb/' });
    expect(conf).toContain('listen 127.0.0.1:9000;');
    expect(conf).toMatch(/server 127\.0\.0\.1:4001 [^\n]*;\n\s+server 127\.0\.0\.1:4002 /);
    // The only active balancing directive is the board hash; the ip hash stays commented out.
    expect(conf.match(/^\s+(hash|ip_hash|sticky)\b[^\n]*$/gm)).toEqual(['        hash $tasklane_board_write consistent;']);
    expect(conf).toMatch(/^\s+# hash \$remote_addr consistent;$/m);
    // nginx wants `hash` before `keepalive`; the zone shares the replicas' failure state across workers.
    expect(conf).toMatch(/upstream tasklane_api \{\n(?:\s+#[^\n]*\n)*\s+hash \$tasklane_board_write consistent;\n(?:\s+#[^\n]*\n)*\s+zone tasklane_api 64k;\n(?:\s+server [^\n]+\n)+(?:\s+#[^\n]*\n)*\s+keepalive 64;/);
    const map = /map "\$request_method:\$uri" \$tasklane_board_write \{\n\s+"~([^"]+)" \$tasklane_board;\n\s+default "";\n\s+\}/.exec(conf);
    expect(map).not.toBeNull();
    // nginx uses PCRE; these paths need nothing JavaScript's RegExp reads differently.
    const key = (method: string, uri: string): string => new RegExp(map?.[1] ?? '$^').exec(`${method}:${uri}`)?.groups?.tasklane_board ?? '';
    const board = '0b2c3d4e-1111-4222-8333-444455556666';
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(key(method, `/api/v1/boards/${board}/tasks`)).toBe(board);
      expect(key(method, `/api/v1/boards/${board}`)).toBe(board);
    }
    expect(key('PATCH', `/api/v1/boards/${board}/tasks/${board.replace('0b', '1c')}/move`)).toBe(board);
    expect(key('GET', `/api/v1/boards/${board}`)).toBe('');
    expect(key('HEAD', `/api/v1/boards/${board}/tasks`)).toBe('');
    expect(key('POST', '/api/v1/boards')).toBe('');
    expect(key('POST', '/api/v1/auth/login')).toBe('');
    expect(key('GET', '/socket.io/')).toBe('');
    expect(key('POST', `/api/v1/boards/${board}x/tasks`)).toBe('');
    // Taken as sent (nginx cannot lower-case it): another case is another key, i.e. only another batch.
    expect(key('POST', `/api/v1/boards/${board.toUpperCase()}/tasks`)).toBe(board.toUpperCase());
    expect(conf).toContain('map $http_upgrade $connection_upgrade');
    expect(conf).toContain('proxy_set_header Connection $connection_upgrade;');
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('pid /tmp/lb/nginx.pid;');
    expect(conf).toContain('error_log /tmp/lb/error.log warn;');
    expect(conf).not.toMatch(/^\s*daemon\b/m);
  });

  it('balances every request round robin with balance: round-robin', () => {
    const conf = nginxConfig({ listenPort: 9000, upstreams: ['a:1', 'b:2'], prefixDir: '/p', balance: 'round-robin' });
    expect(conf).not.toMatch(/^\s+(hash|ip_hash|sticky)\b/m);
    expect(conf).not.toContain('$tasklane_board_write');
    expect(conf).toContain('zone tasklane_api 64k;');
    expect(conf).toMatch(/^\s+# hash \$remote_addr consistent;$/m);
    expect(conf).toMatch(/server a:1 [^\n]*;\n\s+server b:2 /);
  });

  it('re-sends a request a replica already received only when it is a listed write carrying an Idempotency-Key, and never on 502/503', () => {
    const conf = nginxConfig({ listenPort: 9000, upstreams: ['a:1'], prefixDir: '/p' });
    // Server level (every request): only what could not reach a replica.
    expect(conf).toMatch(/^ {8}proxy_next_upstream error timeout;$/m);
    // A listed write with the header goes to @idempotent, the only place with non_idempotent.
    const map = /map "\$request_method:\$uri" \$tasklane_keyed_route \{\n((?:\s+"[^"]+" 1;\n)+)\s+default "";\n\s+\}/.exec(conf);
    expect(map?.[1].trim().split(/\n\s*/)).toEqual(KEYED_WRITE_ROUTES.map((r) => `"${r}" 1;`));
    expect(conf).toMatch(/map "\$tasklane_keyed_route:\$http_idempotency_key" \$tasklane_resendable \{\n\s+"~\^1:\." 1;\n\s+default "";\n\s+\}/);
    expect(conf).toMatch(/location \/ \{\n(?:\s+#[^\n]*\n)*\s+error_page 418 = @idempotent;\n\s+if \(\$tasklane_resendable\) \{\n\s+return 418;\n\s+\}\n\s+proxy_pass http:\/\/tasklane_api;\n\s+\}/);
    expect(conf).toMatch(/location @idempotent \{\n\s+proxy_pass http:\/\/tasklane_api;\n\s+proxy_next_upstream error timeout non_idempotent;\n\s+\}/);
    expect(conf.match(/non_idempotent;/g)).toHaveLength(1);
    expect(conf).not.toMatch(/^\s*proxy_next_upstream\b[^\n]*http_50\d/m);
  });

  it('refuses malformed input', () => {
    expect(() => nginxConfig({ listenPort: 9000, upstreams: [], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 9000, upstreams: ['a:1; evil'], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 0, upstreams: ['a:1'], prefixDir: '/p' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 9000, upstreams: ['a:1'], prefixDir: 'relative' })).toThrow(RangeError);
    expect(() => nginxConfig({ listenPort: 9000, upstreams: ['a:1'], prefixDir: '/p', balance: 'ip' as 'board' })).toThrow(RangeError);
  });
});
