#!/usr/bin/env bash
# Signed push → RabbitMQ, end to end on this machine (loopback only): the real server with its inbox on SQLite and a
# rabbitmq target on the local broker, gateway clients in the same JVM, a consumer on a bound queue. Prints one
# table row: calls/s from the first push to the last broker confirm, the push's answer time, and the latency from the
# server's receipt of a push to the consumer's receipt of its message.
#   bench/run-rabbitmq.sh
#   CALLS=20000 CONCURRENCY=32 DELIVERY_THREADS=16 bench/run-rabbitmq.sh
#   RATE=100 bench/run-rabbitmq.sh     # paced below what the deliveries sustain: the latency of one call, not of a queue
# By default it runs three rows: as fast as possible with 4 and with 16 inbox delivery threads, and paced at RATE
# (default 100 calls/s). Set RUNS=1 for one row with the settings given.
# Starts RabbitMQ (127.0.0.1:5672, guest/guest) when it is down.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
need_rabbitmq
[[ -f bench/target/benchmarks.jar ]] || mvn -q -B -DskipTests package
printf "| broker, clients, inbox delivery threads | calls | confirmed calls/s | answered calls/s | answer p50 | answer p99 | confirm mean | receipt → consumed p50 | receipt → consumed p99 | duplicates |\n"
printf "|---|---|---|---|---|---|---|---|---|---|\n"
run() {
  env "$@" QIMEN_LOG_LEVEL=${QIMEN_LOG_LEVEL:-WARN} QIMEN_ACCESS_LOG_LEVEL=WARN java ${HEAP:--Xms64m -Xmx512m} \
    -cp bench/target/benchmarks.jar io.qimencallback.bench.RabbitMqBench
}
if [[ ${RUNS:-3} == 1 ]]; then
  run
else
  run DELIVERY_THREADS=4 RATE=0
  run DELIVERY_THREADS=16 RATE=0
  run DELIVERY_THREADS=4 RATE=${RATE:-100} CALLS=${PACED_CALLS:-2000}
fi
