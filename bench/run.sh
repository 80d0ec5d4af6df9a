#!/usr/bin/env bash
# Every benchmark in one command: the JMH micro-benchmarks (with allocation per operation), then the load test.
#   bench/run.sh            # about 10 minutes on 2 cores; installs wrk from Debian for the load test when missing
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f bench/target/benchmarks.jar ]] || mvn -q -B -DskipTests package
echo "== JMH (average time per operation; gc.alloc.rate.norm = bytes allocated per operation)"
java -jar bench/target/benchmarks.jar -prof gc 2>&1 | sed -n '/^Benchmark /,$p' | grep -vE 'gc\.(alloc\.rate |count|time)'
echo
echo "== load test"
bench/run-load.sh
