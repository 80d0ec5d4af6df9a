#!/usr/bin/env bash
# Kafka target benchmark: signed pushes (16 concurrent gateway connections) through the real server
# (deliveryorder.create: inbox bench) to a real KRaft broker (the tests' testing/KafkaBroker, a child JVM), loopback
# only: calls/s from the first push until every record is acknowledged and read back, HTTP answer p50/p99, and
# push-to-consumer latency p50/p99. Once with 4 inbox delivery threads (the default), once with 16.
#   bench/run-kafka.sh
#   CALLS=20000 SENDERS=32 THREADS="4 16 32" bench/run-kafka.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-5000}
SENDERS=${SENDERS:-16}
THREADS=${THREADS:-4 16}
HEAP=${HEAP:--Xms128m -Xmx512m}

CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
# one reactor run: the protocol module resolves to its build directories (the last module written, server, wins)
mvn -q -B -ntp -pl server -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE"
CP="server/target/test-classes:server/target/classes:$(cat "$CP_FILE")"

printf "| delivery threads | calls | answered/s | acked/s (push → broker ack, read back) | HTTP p50 | HTTP p99 | push → consumer p50 | p99 | producer ack mean |\n"
printf "|---|---|---|---|---|---|---|---|---|\n"
for t in $THREADS; do
  r=$(QIMEN_LOG_LEVEL=WARN QIMEN_ACCESS_LOG_LEVEL=WARN java $HEAP -cp "$CP" -Dcalls="$CALLS" -Dsenders="$SENDERS" -Dthreads="$t" \
      io.qimencallback.server.target.kafka.KafkaBench | grep '^RESULT')
  f() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$r"; }
  printf "| %s | %s | %s | %s | %s ms | %s ms | %s ms | %s ms | %s ms |\n" "$t" "$(f calls)" "$(f answered_per_s)" \
    "$(f acked_per_s)" "$(f http_p50_ms)" "$(f http_p99_ms)" "$(f e2e_p50_ms)" "$(f e2e_p99_ms)" "$(f ack_mean_ms)"
done
