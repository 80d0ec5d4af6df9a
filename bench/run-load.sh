#!/usr/bin/env bash
# Load test: the qimen server against a bare Netty ceiling and against the baseline integrators run today (a Tomcat 9
# servlet around the SDK's SpiUtils), same machine, same run, same pre-signed calls, loopback only.
#   bench/run-load.sh                 # defaults: 64 connections, 2 wrk threads, 40 s warm-up + 2 x 20 s per server (~4.5 min)
#   CONNECTIONS=64 DURATION=20 HEAP="-Xms64m -Xmx128m" bench/run-load.sh
# Installs wrk from Debian when it is missing (as root; otherwise says so). Prints a Markdown table; every process it
# starts is stopped on exit. Fails when any server answered anything but <flag>success</flag>.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-40}
HEAP=${HEAP:-}   # empty: the JVM's default heap, as a user starts a server; when set, the same for all three
PORT=${PORT:-18080}
ADMIN_PORT=${ADMIN_PORT:-19090}
CEILING_PORT=${CEILING_PORT:-18081}
BASELINE_PORT=${BASELINE_PORT:-18082}
SECRET=demo-secret-0123456789   # the sample app's secret (Samples.SECRET), which WrkScript signs with

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
await_port() { await_tcp 127.0.0.1 "$1" 30 || { echo "not listening: 127.0.0.1:$1" >&2; exit 1; }; }
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }
BAD=0      # answers other than success (and socket errors in measured runs), over every wrk run of every server
BAD_WHERE=""
R=""
run_wrk() { # run_wrk NAME PORT SECONDS [DELAY_MS] -> the RESULT line in R (no subshell: BAD must survive)
  local out n
  out=$(WRK_DELAY_MS=${4:-0} wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3"s --latency -s "$WORK/calls.lua" "http://127.0.0.1:$2/qimen")
  R=$(grep '^RESULT' <<<"$out" || true)
  [[ -n $R ]] || { echo "wrk printed no RESULT line for $1:" >&2; echo "$out" >&2; exit 1; }
  # a wrong answer fails any run; a socket error (wrk's 2 s timeout) only a measured run, not the warm-up's JIT start
  n=$(field not_success "$R")
  [[ $1 == *warm-up ]] || n=$(( n + $(field errors "$R") ))
  if (( n > 0 || $(field success "$R") == 0 )); then BAD=$((BAD + n + 1)); BAD_WHERE+=" $1($R)"; fi
}
metric() { curl -fs "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" 'index($0, m) == 1 { s += $NF } END { printf "%.0f", s }'; }
half_delay() { # half_delay RPS: each connection waits CONNECTIONS/(RPS/2) s between its requests
  awk -v c="$CONNECTIONS" -v r="$1" 'BEGIN { d = c * 1000 / (r / 2); printf "%d", (d < 1 ? 1 : d) }'
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
java -cp "$JAR" io.qimencallback.bench.WrkScript "$WORK/calls.lua" 64

# --- ceiling ---
java $HEAP -cp "$JAR" io.qimencallback.bench.CeilingServer "$CEILING_PORT" >"$WORK/ceiling.log" 2>&1 & CPID=$!; PIDS+=($CPID)
await_port "$CEILING_PORT"
run_wrk "ceiling warm-up" "$CEILING_PORT" "$WARMUP"
run_wrk ceiling "$CEILING_PORT" "$DURATION"; CEILING=$R
run_wrk ceiling-half "$CEILING_PORT" "$DURATION" "$(half_delay "$(field rps "$CEILING")")"; CEILING_HALF=$R
CEILING_RSS=$(awk '/VmHWM/ { print $2 }' /proc/$CPID/status)
CEILING_THREADS=$(awk '/^Threads/ { print $2 }' /proc/$CPID/status)
stop "$CPID"

# --- baseline: Tomcat 9 + SpiUtils.checkSign + Jackson XML ---
BASELINE_SECRET=$SECRET java $HEAP -cp "$JAR" io.qimencallback.bench.SpiUtilsBaseline "$BASELINE_PORT" \
  >"$WORK/baseline.log" 2>&1 & BPID=$!; PIDS+=($BPID)
await_port "$BASELINE_PORT"
run_wrk "baseline warm-up" "$BASELINE_PORT" "$WARMUP"
run_wrk baseline "$BASELINE_PORT" "$DURATION"; BASELINE=$R
run_wrk baseline-half "$BASELINE_PORT" "$DURATION" "$(half_delay "$(field rps "$BASELINE")")"; BASELINE_HALF=$R
BASELINE_RSS=$(awk '/VmHWM/ { print $2 }' /proc/$BPID/status)
BASELINE_THREADS=$(awk '/^Threads/ { print $2 }' /proc/$BPID/status)
stop "$BPID"

# --- qimen: the example handler declared non-blocking (answered on the event loop), then the blocking default ---
# The replay guard is off here (QIMEN_REPLAY_CACHE_ENTRIES=0): wrk repeats 64 pre-signed calls, and with it on every
# repetition would be answered from the replay cache instead of by the handler.
run_qimen() { # run_qimen EXECUTION: sets MAX_<EXECUTION>, HALF_<EXECUTION>, RSS_<EXECUTION>, ...
  local execution=$1 start qpid max
  start=$(date +%s%N)
  QIMEN_PORT=$PORT QIMEN_ADMIN_PORT=$ADMIN_PORT QIMEN_BIND=127.0.0.1 QIMEN_APPS="12345678:$SECRET" \
    QIMEN_DATA_DIR="$WORK/data-$execution" QIMEN_REPLAY_CACHE_ENTRIES=0 QIMEN_BENCH_EXECUTION=$execution \
    QIMEN_ACCESS_LOG_LEVEL=${QIMEN_ACCESS_LOG_LEVEL:-INFO} \
    java $HEAP -cp "$JAR" io.qimencallback.bench.BenchServer >"$WORK/qimen-$execution.log" 2>&1 & qpid=$!; PIDS+=($qpid)
  await "http://127.0.0.1:$ADMIN_PORT/health/ready"
  printf -v "READY_$execution" '%s' $(( ($(date +%s%N) - start) / 1000000 ))
  run_wrk "qimen $execution warm-up" "$PORT" "$WARMUP"
  local alloc0 count0 alloc1 count1
  alloc0=$(metric bench_allocated_bytes); count0=$(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success",')
  run_wrk "qimen $execution" "$PORT" "$DURATION"; max=$R
  alloc1=$(metric bench_allocated_bytes); count1=$(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success",')
  printf -v "MAX_$execution" '%s' "$max"
  printf -v "ALLOC_$execution" '%s' "$(awk -v a0="$alloc0" -v a1="$alloc1" -v n0="$count0" -v n1="$count1" \
    'BEGIN { if (n1 > n0) printf "%.1f", (a1 - a0) / (n1 - n0) / 1024; else printf "?" }')"
  run_wrk "qimen $execution half" "$PORT" "$DURATION" "$(half_delay "$(field rps "$max")")"
  printf -v "HALF_$execution" '%s' "$R"
  printf -v "RSS_$execution" '%s' "$(awk '/VmHWM/ { print $2 }' /proc/$qpid/status)"
  printf -v "THREADS_$execution" '%s' "$(awk '/^Threads/ { print $2 }' /proc/$qpid/status)"
  printf -v "NOT_SUCCESS_$execution" '%s' $(( $(metric 'qimen_requests_seconds_count{') \
    - $(metric 'qimen_requests_seconds_count{method="deliveryorder.create",outcome="success",') ))
  stop "$qpid"
}
run_qimen NON_BLOCKING
run_qimen BLOCKING
MAX=$MAX_NON_BLOCKING; HALF=$HALF_NON_BLOCKING; RSS_KB=$RSS_NON_BLOCKING; READY_MS=$READY_NON_BLOCKING
QIMEN_THREADS=$THREADS_NON_BLOCKING; NOT_SUCCESS=$(( NOT_SUCCESS_NON_BLOCKING + NOT_SUCCESS_BLOCKING ))

row() { # row LABEL RESULT RSS_KB: requests/s, p50, p99, peak RSS, ratio to the ceiling and to the baseline
  awk -v l="$1" -v r="$(field rps "$2")" -v p50="$(field p50_us "$2")" -v p99="$(field p99_us "$2")" -v rss="${3:-0}" \
      -v c="$(field rps "$CEILING")" -v b="$(field rps "$BASELINE")" 'BEGIN {
    printf "| %s | %.0f | %.2f ms | %.2f ms | %s | %.2fx | %.2fx |\n", l, r, p50 / 1000, p99 / 1000,
      (rss > 0 ? sprintf("%.0f MiB", rss / 1024) : ""), r / (c > 0 ? c : 1), r / (b > 0 ? b : 1) }'
}
half() { # half LABEL RESULT: a fixed-delay run, its own rate
  awk -v l="$1" -v r="$(field rps "$2")" -v p50="$(field p50_us "$2")" -v p99="$(field p99_us "$2")" 'BEGIN {
    printf "| %s | %.0f | %.2f ms | %.2f ms | | | |\n", l, r, p50 / 1000, p99 / 1000 }'
}
echo "| server ($CONNECTIONS connections, loopback, 2 cores shared with wrk) | requests/s | p50 | p99 | peak RSS | vs ceiling | vs baseline |"
echo "|---|---|---|---|---|---|---|"
row "ceiling: bare Netty, fixed answer" "$CEILING" "$CEILING_RSS"
row "baseline: Tomcat 9 servlet, SpiUtils.checkSign + Jackson XML" "$BASELINE" "$BASELINE_RSS"
row "qimen-callback-server, non-blocking handler (event loop)" "$MAX" "$RSS_KB"
row "qimen-callback-server, blocking handler (worker pool, the default)" "$MAX_BLOCKING" "$RSS_BLOCKING"
half "ceiling at about half its maximum" "$CEILING_HALF"
half "baseline at about half its maximum" "$BASELINE_HALF"
half "qimen-callback-server (non-blocking) at about half its maximum" "$HALF"
half "qimen-callback-server (blocking) at about half its maximum" "$HALF_BLOCKING"
echo
awk -v anb="$ALLOC_NON_BLOCKING" -v ab="$ALLOC_BLOCKING" -v qp99="$(field p99_us "$MAX")" \
    -v cp99="$(field p99_us "$CEILING")" -v ready="$READY_MS" -v bad="$NOT_SUCCESS" -v heap="${HEAP:-the JVM default}" \
    -v ok="$(( $(field success "$CEILING") + $(field success "$BASELINE") + $(field success "$MAX") + $(field success "$MAX_BLOCKING") ))" \
    -v threads="ceiling $CEILING_THREADS, baseline $BASELINE_THREADS, qimen $QIMEN_THREADS" \
    -v loadavg="before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
  printf "- qimen p99 at saturation: %.1fx the ceiling'\''s\n", qp99 / (cp99 > 0 ? cp99 : 1)
  printf "- allocation per request (qimen, all threads, over the maximum run): non-blocking %s KiB, blocking %s KiB\n", anb, ab
  printf "- heap: %s, the same for all three\n", heap
  printf "- qimen ready (admin /health/ready answers 200) %d ms after the JVM was started\n", ready
  printf "- JVM threads of each server after its runs: %s (the scheduler shares the cores per thread)\n", threads
  printf "- load average (1, 5, 15 min) %s the run\n", loadavg
  printf "- success answers counted by wrk in the four maximum runs: %d; qimen calls not answered success (its metrics): %d\n", ok, bad
}'
[[ "$NOT_SUCCESS" -eq 0 && "$BAD" -eq 0 ]] || {
  echo "FAILED: not every call was answered success (qimen metrics: $NOT_SUCCESS; wrk runs:${BAD_WHERE:- none})" >&2; exit 1; }
