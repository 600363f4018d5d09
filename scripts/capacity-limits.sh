#!/usr/bin/env bash
# Limits of the two shared back ends on this machine, for docs/capacity.md:
#
#  Redis       redis-benchmark PUBLISH of a 600-byte message (the size of a task.created broadcast)
#              to a throwaway redis-server (free port, no persistence), with 0, 3 and 12 pattern
#              subscribers (`PSUBSCRIBE tasklane#*`, as each replica's Socket.IO Redis adapter
#              subscribes), one request at a time per client and pipelined; plus Redis's own count
#              of bytes sent, i.e. the fan-out bandwidth it sustained.
#  PostgreSQL  pgbench with scripts/capacity/write-task.sql (one task create as the API runs it,
#              event and outbox row included) on a scratch database with every migration and
#              100,000 seeded boards: writes spread over all boards, then every client on one hot
#              board; then the relay's batched published-marks (mark-published.sql); then the
#              heartbeat's reads (heartbeat.sql: one replica's beat for 5,000 sockets); then the
#              bytes per stored event and task.
#
# Usage: npm run build && scripts/capacity-limits.sh        (about 2 minutes)
# Environment: ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: a user that
# may CREATE DATABASE), CAPACITY_DURATION_S (pgbench seconds per run, default 15). Every process it
# starts is stopped by pid, and the scratch database is dropped, on exit. The machine is shared:
# each section prints the load average it started at.
set -euo pipefail
cd "$(dirname "$0")/.."
admin_url=${ADMIN_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
duration=${CAPACITY_DURATION_S:-15}
sections=" ${CAPACITY_SECTIONS:-redis postgres} "
[ -f dist/apps/api/src/database/data-source.js ] || { echo "build first: npm run build" >&2; exit 2; }

pids=()
db=
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [ -n "$db" ]; then psql "$admin_url" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

if [[ $sections == *" redis "* ]]; then
echo "== Redis PUBLISH (load average $(load); $(redis-server --version | cut -d' ' -f3))"
port=$(free_port)
# Subscribers are never cut off for a full output buffer here (pubsub 0 0 0), so every message is
# really delivered to every subscriber during the measurement.
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile '' \
  --client-output-buffer-limit 'pubsub 0 0 0' >/dev/null &
pids+=($!)
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
payload=$(head -c 600 /dev/zero | tr '\0' x)
stat() { redis-cli -p "$port" info stats | tr -d '\r' | awk -F: -v k="$1" '$1 == k { print $2 }'; }
# A run counts until every subscriber has received every message (no output left queued in Redis):
# publishes/s = messages / that time, deliveries/s = messages × subscribers / that time.
drained() { ! redis-cli -p "$port" client list | grep 'psub=1' | grep -qv ' omem=0 '; }
messages=100000
for subscribers in 0 3 12; do
  sub_pids=()
  for _ in $(seq 1 "$subscribers"); do
    redis-cli -p "$port" psubscribe 'tasklane#*' >/dev/null &
    sub_pids+=($!)
    pids+=($!)
  done
  sleep 0.5
  echo "-- $subscribers pattern subscribers ($(redis-cli -p "$port" client list | grep -c 'psub=1' || true) connected)"
  for pipeline in 1 16; do
    out_before=$(stat total_net_output_bytes)
    started=$(date +%s.%N)
    line=$(redis-benchmark -p "$port" -c 50 -n "$messages" -P "$pipeline" -q PUBLISH 'tasklane#/#board:capacity#' "$payload" | tr '\r' '\n' | grep -a 'requests per second' | tail -1)
    until drained; do sleep 0.05; done
    elapsed=$(echo "$(date +%s.%N) - $started" | bc)
    echo "   -P $pipeline: benchmark ${line#*: }; delivered in ${elapsed}s: $(echo "$messages / $elapsed" | bc) publishes/s, $(echo "$messages * $subscribers / $elapsed" | bc) deliveries/s, $(echo "scale=1; ($(stat total_net_output_bytes) - $out_before) / $elapsed / 1000000" | bc) MB/s sent"
    echo "     redis-benchmark -p <port> -c 50 -n $messages -P $pipeline -q PUBLISH 'tasklane#/#board:capacity#' <600 bytes>"
  done
  for pid in "${sub_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
done
fi

[[ $sections == *" postgres "* ]] || exit 0
echo
echo "== PostgreSQL (load average $(load); $(psql "$admin_url" -Atc 'SHOW server_version'))"
db=tasklane_capacity_$$
psql "$admin_url" -qc "CREATE DATABASE $db"
url="${admin_url%/*}/$db"
DATABASE_URL=$url JWT_SECRET=capacity-limits-script-not-a-real-secret NODE_ENV=production \
  node node_modules/typeorm/cli.js migration:run -d dist/apps/api/src/database/data-source.js >/dev/null
psql "$url" -q -v boards=100000 -f scripts/capacity/seed.sql
for conf in max_connections shared_buffers synchronous_commit; do echo "   $conf = $(psql "$url" -Atc "SHOW $conf")"; done
run_pgbench() { # label, pgbench args... Prints tps, latency, failures and WAL bytes per transaction.
  local label=$1; shift
  local out lsn_before lsn_after txns
  lsn_before=$(psql "$url" -Atc 'SELECT pg_current_wal_lsn()')
  out=$(pgbench -n "$@" "$url" 2>&1)
  lsn_after=$(psql "$url" -Atc 'SELECT pg_current_wal_lsn()')
  txns=$(echo "$out" | awk -F': ' '/^number of transactions actually processed/ { split($2, a, "/"); print a[1] }')
  echo "-- $label: $(echo "$out" | grep -E '^tps' | sed 's/ (without initial connection time)//'), $(echo "$out" | grep -E '^latency average') ($(echo "$out" | grep -E '^number of failed' || echo 'failed: n/a')), WAL $(psql "$url" -Atc "SELECT round(pg_wal_lsn_diff('$lsn_after', '$lsn_before') / greatest($txns, 1))") bytes per transaction"
  echo "     pgbench -n $* <scratch db>"
}
run_pgbench "task writes over 100,000 boards, 16 clients" -f scripts/capacity/write-task.sql -D boards=100000 -c 16 -j 2 -T "$duration"
run_pgbench "task writes over 100,000 boards, 4 clients" -f scripts/capacity/write-task.sql -D boards=100000 -c 4 -j 2 -T "$duration"
run_pgbench "task writes to ONE hot board, 16 clients" -f scripts/capacity/write-task.sql -D boards=1 -c 16 -j 2 -T "$duration"
run_pgbench "task writes to ONE hot board, 1 client" -f scripts/capacity/write-task.sql -D boards=1 -c 1 -T "$duration"
unpublished=$(psql "$url" -Atc 'SELECT count(*) FROM board_events WHERE published_at IS NULL')
started=$(date +%s.%N)
pgbench -n -f scripts/capacity/mark-published.sql -c 2 -j 2 -t $(( unpublished / 200 + 1 )) "$url" >/dev/null 2>&1
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
marked=$(( unpublished - $(psql "$url" -Atc 'SELECT count(*) FROM board_events WHERE published_at IS NULL') ))
echo "-- published marks: $marked events in ${elapsed}s = $(echo "$marked / $elapsed" | bc) events/s (batches of 100, 2 clients)"
echo "     pgbench -n -f scripts/capacity/mark-published.sql -c 2 -j 2 -t <unpublished/200> <scratch db>"
run_pgbench "heartbeat beats (5,000 sockets each), 2 clients" -f scripts/capacity/heartbeat.sql -D boards=100000 -c 2 -j 2 -T "$duration"
psql "$url" -At -F ' ' -c "VACUUM ANALYZE" -c "
  SELECT 'bytes per event row (table + indexes, ' || count(*) || ' rows): ' || pg_total_relation_size('board_events') / count(*) FROM board_events
  UNION ALL
  SELECT 'bytes per task row (table + indexes, ' || count(*) || ' rows): ' || pg_total_relation_size('tasks') / count(*) FROM tasks" | sed 's/^/   /'
