#!/usr/bin/env bash
# Load test: the qimen server against a bare Netty ceiling, same machine, same run, loopback only.
#   bench/run-load.sh                 # defaults: 64 connections, 2 wrk threads, 20 s per measurement
#   CONNECTIONS=64 DURATION=20 HEAP="-Xms64m -Xmx128m" bench/run-load.sh
# Installs wrk from Debian when it is missing (as root; otherwise says so). Prints a Markdown table; every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-40}
HEAP=${HEAP:--Xms64m -Xmx128m}
PORT=${PORT:-18080}
ADMIN_PORT=${ADMIN_PORT:-19090}
CEILING_PORT=${CEILING_PORT:-18081}

source .ci/lib.sh
need_tools wrk=wrk curl=curl
[[ -f bench/target/benchmarks.jar ]] || mvn -q -B -DskipTests package
JAR=bench/target/benchmarks.jar
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

await() { # await URL: up to 30 s
  for _ in $(seq 1 3000); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "not ready: $1" >&2; exit 1
}
run_wrk() { # run_wrk PORT SECONDS [DELAY_MS] -> prints the RESULT line
  WRK_DELAY_MS=${3:-0} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency -s "$WORK/calls.lua" "http://127.0.0.1:$1/qimen" \
    | grep '^RESULT'
}
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }
metric() { curl -fs "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f", s }'; }

java -cp "$JAR" io.qimencallback.bench.WrkScript "$WORK/calls.lua" 64

# --- ceiling ---
java $HEAP -cp "$JAR" io.qimencallback.bench.CeilingServer "$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 & PIDS+=($!)
for _ in $(seq 1 3000); do (exec 3<>/dev/tcp/127.0.0.1/$CEILING_PORT) 2>/dev/null && break; sleep 0.01; done
run_wrk "$CEILING_PORT" "$WARMUP" >/dev/null
CEILING=$(run_wrk "$CEILING_PORT" "$DURATION")
kill "${PIDS[-1]}"; wait "${PIDS[-1]}" 2>/dev/null || true

# --- qimen ---
START=$(date +%s%N)
QIMEN_PORT=$PORT QIMEN_ADMIN_PORT=$ADMIN_PORT QIMEN_BIND=127.0.0.1 QIMEN_APPS="12345678:demo-secret-0123456789" \
  QIMEN_DATA_DIR="$WORK/data" \
  QIMEN_ACCESS_LOG_LEVEL=${QIMEN_ACCESS_LOG_LEVEL:-INFO} \
  java $HEAP -cp "$JAR" io.qimencallback.bench.BenchServer >"$WORK/qimen.log" 2>&1 & QPID=$!; PIDS+=($QPID)
await "http://127.0.0.1:$ADMIN_PORT/health/ready"
READY_MS=$(( ($(date +%s%N) - START) / 1000000 ))
run_wrk "$PORT" "$WARMUP" >/dev/null
ALLOC0=$(metric bench_allocated_bytes); COUNT0=$(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success"}')
MAX=$(run_wrk "$PORT" "$DURATION")
ALLOC1=$(metric bench_allocated_bytes); COUNT1=$(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success"}')
RPS=$(field rps "$MAX")
# fixed rate at half the measured maximum: each connection waits CONNECTIONS/(RPS/2) s between its requests
DELAY_MS=$(awk -v c="$CONNECTIONS" -v r="$RPS" 'BEGIN { d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d) }')
HALF=$(run_wrk "$PORT" "$DURATION" "$DELAY_MS")
RSS_KB=$(awk '/VmHWM/ { print $2 }' /proc/$QPID/status)
NOT_SUCCESS=$(( $(metric 'qimen_requests_seconds_count{') - $(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success"}') ))

CEIL_RPS=$(field rps "$CEILING")
awk -v q="$RPS" -v c="$CEIL_RPS" -v a0="$ALLOC0" -v a1="$ALLOC1" -v n0="$COUNT0" -v n1="$COUNT1" \
    -v qp50="$(field p50_us "$MAX")" -v qp99="$(field p99_us "$MAX")" -v cp50="$(field p50_us "$CEILING")" \
    -v cp99="$(field p99_us "$CEILING")" -v hr="$(field rps "$HALF")" -v hp50="$(field p50_us "$HALF")" \
    -v hp99="$(field p99_us "$HALF")" -v rss="$RSS_KB" -v ready="$READY_MS" -v bad="$NOT_SUCCESS" \
    -v conns="$CONNECTIONS" -v heap="$HEAP" 'BEGIN {
  printf "| run (%d connections, loopback, 2 cores shared with wrk) | requests/s | p50 | p99 |\n", conns
  printf "|---|---|---|---|\n"
  printf "| ceiling: bare Netty, fixed answer | %.0f | %.2f ms | %.2f ms |\n", c, cp50 / 1000, cp99 / 1000
  printf "| qimen-callback-server, maximum | %.0f (%.0f%% of ceiling) | %.2f ms | %.2f ms |\n", q, 100 * q / c, qp50 / 1000, qp99 / 1000
  printf "| qimen-callback-server, fixed rate at half the maximum | %.0f | %.2f ms | %.2f ms |\n", hr, hp50 / 1000, hp99 / 1000
  printf "\n"
  printf "- allocation per request: %.1f KiB (all threads, measured over the maximum run)\n", (a1 - a0) / (n1 - n0) / 1024
  printf "- peak RSS of the server: %.0f MiB with %s\n", rss / 1024, heap
  printf "- ready (admin /health/ready answers 200) %d ms after the JVM was started\n", ready
  printf "- calls not answered success during the runs: %d\n", bad
}'
[[ "$NOT_SUCCESS" -eq 0 ]] || { echo "FAILED: $NOT_SUCCESS call(s) were not answered success" >&2; exit 1; }
