/** Options of {@link nginxConfig}. */
export interface NginxConfigOptions {
  /** TCP port the load balancer listens on, 1–65535. */
  listenPort: number;
  /** Address to bind (e.g. `127.0.0.1`); omitted: every interface (`listen <port>;`, as in docker). */
  listenHost?: string;
  /** Replicas as `host:port` (e.g. `127.0.0.1:41234`, `api1:3000`); at least one. */
  upstreams: string[];
  /**
   * Absolute directory nginx owns: pid file, temp directories and (unless `errorLog`) `error.log`.
   * Pass the same directory as `nginx -p`. When nginx starts as root its workers run as `nobody`,
   * so the directory must be traversable by that user (they write request bodies over 16 KiB there).
   */
  prefixDir: string;
  /** error_log target; default `<prefixDir>/error.log`. docker uses `/dev/stderr` (`docker logs`). */
  errorLog?: string;
  /**
   * How requests are spread over the replicas. `board` (the default): every write to one board
   * (POST, PUT, PATCH or DELETE under `/api/v1/boards/<uuid>`) goes to one replica, chosen by a
   * consistent hash of the board id; everything else (reads, auth, Socket.IO) round robin.
   * `round-robin`: every request round robin (the balancer before board affinity; benchmarks
   * compare the two).
   */
  balance?: NginxBalance;
}

/**
 * The writes whose `Idempotency-Key` the API honours (it stores the key in the write's own
 * transaction and answers a repeat with the first answer), as nginx `map` regexes over
 * `"$request_method:$uri"`: every write under `/api/v1/boards/<uuid>`, creating a board, accepting an
 * invitation. Of the requests a replica already received, nginx re-sends only these (with a key).
 * cluster.e2e-spec.ts checks the list against the OpenAPI document's operations that take the key.
 */
export const KEYED_WRITE_ROUTES: readonly string[] = [
  '~^(?:POST|PUT|PATCH|DELETE):/api/v1/boards/[0-9A-Fa-f-]{36}(?:/|$)',
  '~^POST:/api/v1/boards$',
  '~^POST:/api/v1/invitations/[0-9A-Fa-f-]{36}/accept$',
];

/** The request spreadings {@link nginxConfig} renders: board affinity for writes, or plain round robin. */
export const NGINX_BALANCES = ['board', 'round-robin'] as const;

/** Request spreading of {@link nginxConfig}: board affinity for writes, or plain round robin. */
export type NginxBalance = (typeof NGINX_BALANCES)[number];

/**
 * Checks a `balance` option (from a caller or a command line).
 * @throws RangeError unless `balance` is one of {@link NGINX_BALANCES}.
 */
export function checkBalance(balance: unknown): asserts balance is NginxBalance {
  if (!NGINX_BALANCES.includes(balance as NginxBalance)) throw new RangeError(`balance must be 'board' or 'round-robin', got ${JSON.stringify(balance)}`);
}

const UPSTREAM = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/**
 * Renders the Tasklane load-balancer configuration: writes to one board pinned to one replica
 * (`balance: 'board'`, the default), everything else round robin over identical API replicas, with
 * WebSocket upgrade for Socket.IO, and a failed write re-sent to the next replica only when it
 * carries an `Idempotency-Key` its route honours ({@link KEYED_WRITE_ROUTES}, location
 * `@idempotent`). One template serves both the local cluster (`startCluster`) and
 * docker-compose (`docker/nginx.conf` is this function's output, checked by nginx-config.spec.ts).
 * Run it in the foreground: `nginx -p <prefixDir> -c <file> -g 'daemon off;'` (so the config has no
 * `daemon` directive).
 *
 * Figures: 75 s proxy timeouts stay above Socket.IO's 25 s pingInterval (realtime.gateway.ts) so an
 * idle but healthy socket is never cut; `client_max_body_size 1m` matches the API's Fastify
 * bodyLimit; 20000 worker connections hold ~10000 proxied sockets per worker (two connections each).
 *
 * @returns the complete nginx.conf text, ending in a newline.
 * @throws RangeError when `upstreams` is empty or malformed, `listenPort` is out of range,
 *   `prefixDir` is not absolute, or `balance` is neither `board` nor `round-robin`.
 */
export function nginxConfig({ listenPort, listenHost, upstreams, prefixDir, errorLog, balance = 'board' }: NginxConfigOptions): string {
  if (!Number.isInteger(listenPort) || listenPort < 1 || listenPort > 65535) throw new RangeError(`listenPort must be 1-65535, got ${listenPort}`);
  if (upstreams.length === 0) throw new RangeError('upstreams must name at least one host:port');
  const bad = upstreams.find((u) => !UPSTREAM.test(u));
  if (bad !== undefined) throw new RangeError(`upstream must be host:port, got ${JSON.stringify(bad)}`);
  checkBalance(balance);
  if (!prefixDir.startsWith('/')) throw new RangeError(`prefixDir must be absolute, got ${JSON.stringify(prefixDir)}`);
  const dir = prefixDir.replace(/\/+$/, '');
  const listen = listenHost ? `${listenHost}:${listenPort}` : String(listenPort);
  const affinity =
    balance === 'board'
      ? `
    # Board affinity for writes: the board id of a write (POST, PUT, PATCH, DELETE under
    # /api/v1/boards/<uuid>), otherwise empty. A replica's group commit batches the concurrent writes
    # to one board into one transaction (one lock wait, one fsync); when every write to a board
    # reaches the same replica, its writers share those batches and are served in arrival order,
    # instead of several replicas' batches taking turns at the board's lock. Reads, auth and
    # Socket.IO map to "" and stay round robin. The id is taken as sent: the API reads ids in any
    # case, but a client mixing cases for one board splits its writes over two keys (smaller
    # batches, nothing worse); Tasklane's clients send the lower-case ids the API returns.
    map "$request_method:$uri" $tasklane_board_write {
        "~^(?:POST|PUT|PATCH|DELETE):/api/v1/boards/(?<tasklane_board>[0-9A-Fa-f-]{36})(?:/|$)" $tasklane_board;
        default "";
    }
`
      : '';
  const hash =
    balance === 'board'
      ? `        # Writes to one board go to one replica; an empty key (every other request) is round
        # robin (nginx >= 1.17.1). Consistent (ketama) hashing: adding or removing a replica moves
        # about 1/n of the boards, and while a replica is down its boards' writes go to the next
        # replica on the ring. Uncomment the ip hash (and drop this line) only to serve the HTTP
        # long-polling fallback, whose successive requests must all reach the replica that holds
        # the session.
        hash $tasklane_board_write consistent;
        # hash $remote_addr consistent;`
      : `        # Round robin: replicas are identical and share rooms through Redis. Clients use the
        # websocket transport only, so a Socket.IO session lives on one TCP connection and needs no
        # sticky sessions. Uncomment only to serve the HTTP long-polling fallback, whose successive
        # requests must all reach the replica that holds the session:
        # hash $remote_addr consistent;`;
  const servers = upstreams.map((u) => `        server ${u} max_fails=1 fail_timeout=5s;`).join('\n');

  return `# Tasklane load balancer: ${balance === 'board' ? "a board's writes to one replica, the rest round robin" : 'round robin'} over identical API replicas,
# WebSocket upgrade for Socket.IO.
# Rendered by nginxConfig() in libs/cluster/src/nginx-config.ts (docker/nginx.conf is its output for
# docker-compose; nginx-config.spec.ts keeps the two identical). Runs in the foreground
# (nginx -g 'daemon off;'); pid and temp files live under ${dir}.

worker_processes auto;
# Every proxied connection costs two descriptors (client side + upstream side).
worker_rlimit_nofile 65535;
pid ${dir}/nginx.pid;
error_log ${errorLog ?? `${dir}/error.log`} warn;

events {
    worker_connections 20000;
}

http {
    access_log off;
    server_tokens off;
    # The API's own limit (Fastify bodyLimit 1 MiB); refuse larger bodies here with 413.
    client_max_body_size 1m;

    # Temp files under the prefix: the compiled-in defaults (/var/lib/nginx/...) are not writable
    # when nginx runs unprivileged.
    client_body_temp_path ${dir}/client_body_temp;
    proxy_temp_path ${dir}/proxy_temp;
    fastcgi_temp_path ${dir}/fastcgi_temp;
    uwsgi_temp_path ${dir}/uwsgi_temp;
    scgi_temp_path ${dir}/scgi_temp;

    # Connection header towards the replica: "upgrade" for WebSocket handshakes; otherwise empty, so
    # plain requests reuse the upstream keepalive pool below (nginx docs, "WebSocket proxying").
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      '';
    }

    # The writes that honour an Idempotency-Key: the API stores the key in the write's own
    # transaction and answers a repeat with the first answer, so nginx may send them again (see
    # @idempotent below). Every write under /api/v1/boards/<uuid>, creating a board, accepting an
    # invitation; not auth, /users/me, board import or declining an invitation, which ignore the
    # key (cluster.e2e-spec.ts checks this list against the OpenAPI document).
    map "$request_method:$uri" $tasklane_keyed_route {
${KEYED_WRITE_ROUTES.map((route) => `        "${route}" 1;`).join('\n')}
        default "";
    }
    # 1 for such a write that carries a key.
    map "$tasklane_keyed_route:$http_idempotency_key" $tasklane_resendable {
        "~^1:." 1;
        default "";
    }
${affinity}
    upstream tasklane_api {
${hash}
        # Failure state (max_fails, fail_timeout) shared by every worker process: one refused
        # connection takes a dead replica out for all of them, not one worker at a time.
        zone tasklane_api 64k;
${servers}
        # Idle connections kept per worker. Closed by nginx after 60 s, before Fastify's 72 s
        # keepAliveTimeout, so nginx never reuses a connection the replica is closing.
        keepalive 64;
    }

    server {
        listen ${listen};

        # Proxy settings shared by both locations below.
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        # Passed through unchanged; the API adopts it as the request id or makes a new one.
        proxy_set_header X-Request-Id $http_x_request_id;

        # Above Socket.IO's 25 s pingInterval: an idle healthy socket always sees a ping in time.
        proxy_read_timeout 75s;
        proxy_send_timeout 75s;
        # A dead replica is skipped quickly instead of holding the request for the 60 s default.
        proxy_connect_timeout 2s;
        # Try the next replica only when this one could not be reached. Without the
        # non_idempotent flag nginx never re-sends a POST or PATCH already sent to a replica (it may
        # re-send GET and DELETE: send an Idempotency-Key on DELETEs),
        # and http_502/http_503 are deliberately absent: a replica's 503 (not ready, pool
        # exhausted) reaches the client, which decides whether to retry.
        proxy_next_upstream error timeout;

        # Neither location sets a proxy_set_header of its own: one there would drop every
        # proxy_set_header above for that location (nginx inherits them only when a level has none).
        location / {
            # A keyed write that honours its key is served by @idempotent, which may re-send it.
            # (error_page to a named location keeps the method, the URI and the unread body.)
            error_page 418 = @idempotent;
            if ($tasklane_resendable) {
                return 418;
            }
            proxy_pass http://tasklane_api;
        }

        # A write with an Idempotency-Key its route honours is safe to send again (see the map
        # above; docs/delivery.md). So when the replica fails after the request went out (killed,
        # or a kept-alive connection it closed at that instant), nginx re-sends it to the next
        # replica instead of answering 502.
        location @idempotent {
            proxy_pass http://tasklane_api;
            proxy_next_upstream error timeout non_idempotent;
        }
    }
}
`;
}
