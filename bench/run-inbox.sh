#!/usr/bin/env bash
# Inbox load test (the real server, no handler installed): how many calls per second the inbox stores and acknowledges, and how long an acknowledgement takes,
# on SQLite (group commit, synchronous=FULL) and on PostgreSQL. Every call is a distinct delivery order (no handler:
# each one is appended), sent by wrk over keep-alive connections; loopback only.
#   bench/run-inbox.sh
#   CONNECTIONS=16 DURATION=15 CALLS=80000 PG_URL='jdbc:postgresql://127.0.0.1:5432/test?user=postgres' bench/run-inbox.sh
# Installs wrk from Debian when it is missing; PostgreSQL is skipped when psql cannot reach PG_URL's server.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CALLS=${CALLS:-80000}
HEAP=${HEAP:--Xms64m -Xmx256m}
PORT=${PORT:-18080}
ADMIN_PORT=${ADMIN_PORT:-19090}
PG_URL=${PG_URL:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}

source .ci/lib.sh
need_tools wrk=wrk curl=curl
[[ -f bench/target/benchmarks.jar ]] || mvn -q -B -DskipTests package
JAR=bench/target/benchmarks.jar
WORK=$(mktemp -d)
PID=
SCHEMA=qimen_bench_$$
cleanup() {
  [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true
  [[ -n "${PSQL:-}" ]] && $PSQL -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

await() { for _ in $(seq 1 3000); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.01; done; echo "not ready: $1" >&2; exit 1; }
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }
metric() { curl -fs "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.6f", s }'; }
# one wrk thread: the calls are sent in order from WRK_OFFSET, each once, until the list runs out (then they come back
# as duplicates)
run_wrk() { WRK_OFFSET=${2:-0} wrk -t1 -c"$CONNECTIONS" -d"$1"s --latency -s "$WORK/calls.lua" "http://127.0.0.1:$PORT/qimen" | grep '^RESULT'; }

java -cp "$JAR" io.qimencallback.bench.WrkScript "$WORK/calls.lua" "$CALLS"

measure() { # measure NAME [env...]: starts the server on a fresh store, warms up, measures, prints a table row
  local name=$1; shift
  env "$@" QIMEN_PORT=$PORT QIMEN_ADMIN_PORT=$ADMIN_PORT QIMEN_BIND=127.0.0.1 QIMEN_APPS="12345678:demo-secret-0123456789" \
    QIMEN_ACCESS_LOG_LEVEL=WARN java $HEAP -cp "$JAR" io.qimencallback.server.Main >"$WORK/$name.log" 2>&1 & PID=$!
  await "http://127.0.0.1:$ADMIN_PORT/health/ready"
  run_wrk "$WARMUP" >/dev/null
  local a0 d0 s0 c0 a1 d1 s1 c1 r
  a0=$(metric qimen_inbox_appended_total); d0=$(metric qimen_inbox_duplicates_total)
  s0=$(metric qimen_inbox_append_seconds_sum); c0=$(metric qimen_inbox_append_seconds_count)
  r=$(run_wrk "$DURATION" $((CALLS / 4)))  # past what the warm-up sent
  a1=$(metric qimen_inbox_appended_total); d1=$(metric qimen_inbox_duplicates_total)
  s1=$(metric qimen_inbox_append_seconds_sum); c1=$(metric qimen_inbox_append_seconds_count)
  local failed; failed=$(metric 'qimen_requests_seconds_count{') ; failed=$(awk -v t="$failed" -v a="$a1" -v d="$d1" 'BEGIN { printf "%d", t - a - d }')
  awk -v n="$name" -v a="$(awk -v x="$a0" -v y="$a1" 'BEGIN{print y-x}')" -v d="$(awk -v x="$d0" -v y="$d1" 'BEGIN{print y-x}')" \
      -v t="$(field seconds "$r")" -v p50="$(field p50_us "$r")" -v p99="$(field p99_us "$r")" \
      -v ms="$(awk -v a="$s0" -v b="$s1" -v c="$c0" -v e="$c1" 'BEGIN { printf "%.2f", (e > c) ? 1000 * (b - a) / (e - c) : 0 }')" \
      -v bad="$failed" 'BEGIN {
    printf "| %s | %.0f | %d | %.2f ms | %.2f ms | %s ms | %d |\n", n, a / t, d, p50 / 1000, p99 / 1000, ms, bad }'
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}

printf "| store (%d connections, loopback, 2 cores shared with wrk) | appends/s | duplicates | ack p50 | ack p99 | append mean | not success |\n" "$CONNECTIONS"
printf "|---|---|---|---|---|---|---|\n"
measure "SQLite (WAL, synchronous=FULL, group commit)" QIMEN_DATA_DIR="$WORK/data"
if command -v psql >/dev/null; then
  PG_HOST=$(sed -E 's#jdbc:postgresql://([^:/]+).*#\1#' <<<"$PG_URL"); PG_PORT=$(sed -E 's#jdbc:postgresql://[^:/]+:?([0-9]*)/.*#\1#' <<<"$PG_URL")
  PG_DB=$(sed -E 's#jdbc:postgresql://[^/]+/([^?]+).*#\1#' <<<"$PG_URL"); PG_USER=$(sed -nE 's#.*[?&]user=([^&]+).*#\1#p' <<<"$PG_URL")
  PSQL="psql -h $PG_HOST -p ${PG_PORT:-5432} -U ${PG_USER:-postgres} -d $PG_DB"
  if $PSQL -qc "CREATE SCHEMA $SCHEMA" >/dev/null 2>&1; then
    measure "PostgreSQL (synchronous_commit on, group commit)" QIMEN_INBOX_URL="$PG_URL&currentSchema=$SCHEMA"
  else
    echo "(PostgreSQL skipped: cannot reach $PG_HOST)"
  fi
fi
