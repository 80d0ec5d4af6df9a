#!/usr/bin/env bash
# Real coverage-guided fuzzing of the protocol module's @FuzzTest targets (Jazzer), one target after the other.
# `mvn verify` only replays the committed corpus; this mutates. A finding fails the run and Jazzer writes the input
# to src/test/resources/<package>/<Class>Inputs/<method>/ — commit it with the fix: it is then a regression test.
#
#   protocol/fuzz.sh                 # every target for 20 s (about 3 minutes with Maven's start-up)
#   FUZZ_SECONDS=600 protocol/fuzz.sh PersonalDataFuzzTest#mask
#   FUZZ_RUNS=1000000 protocol/fuzz.sh BodyParserFuzzTest#form   # stop after this many inputs instead
#
# Needs the module's dependencies built (run from anywhere; uses the repository's Maven settings, offline when
# MAVEN_OFFLINE=1). The generated corpus is kept in protocol/.cifuzz-corpus/ (not committed) and reused next time.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(InboundCallFuzzTest#parse BodyParserFuzzTest#xml BodyParserFuzzTest#json BodyParserFuzzTest#form
           SignatureFuzzTest#verify PersonalDataFuzzTest#mask)
fi
offline=()
if [ "${MAVEN_OFFLINE:-0}" = 1 ]; then offline=(-o); fi
# the parsers behind the targets (Woodstox, Jackson) are instrumented too, so that their coverage guides the fuzzer
includes="-Djazzer.instrumentation_includes=io.qimencallback.**:com.ctc.wstx.**:com.fasterxml.jackson.**"
limit=("-Djazzer.max_duration=${seconds}s")
if [ -n "${FUZZ_RUNS:-}" ]; then limit=("-Djazzer.max_executions=${FUZZ_RUNS}" "-Djazzer.max_duration=24h"); fi
failed=0
for t in "${targets[@]}"; do
  echo "== fuzzing $t (${FUZZ_RUNS:-${seconds}s})"
  if ! JAZZER_FUZZ=1 mvn -B -q "${offline[@]}" -pl protocol -am test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine="${includes} ${limit[*]}" -Djacoco.skip=true; then
    echo "!! $t found something: see the output above and src/test/resources/.../Inputs/" >&2
    failed=1
  fi
done
exit "$failed"
