#!/usr/bin/env bash
# The oracle pass: the Kafka compat tests against a real Apache Kafka broker (scripts/oracle/kafka.sh)
# instead of a spawned Tandem, proving that what they assert is what Kafka does. One broker serves
# every file; it is stopped on exit, whatever happens. Exits non-zero when a test fails.
#
# Which tests run: every compat-tests/**/*.test.ts that imports harness/kafka-target.js. A test
# opts in by taking its broker from startKafkaTarget() (the bootstrap address is the oracle's when
# TANDEM_KAFKA_ORACLE is set), naming its topics and groups with unique(), and declaring suites
# that need Tandem itself with tandemOnly instead of describe (they are skipped here).
#
# It runs the compiled tests of the existing build (npm run build first; TANDEM_DIST as in
# jest.config.js). Extra arguments go to jest (e.g. a file pattern, -t NAME, --verbose).
set -euo pipefail
cd "$(dirname "$0")/.."
DIST="${TANDEM_DIST:-dist}"

mapfile -t files < <(grep -rlE --include='*.test.ts' "from ['\"](\.\./)+harness/kafka-target\.js['\"]" compat-tests | sort)
((${#files[@]})) || { echo "no compat test uses harness/kafka-target.js" >&2; exit 1; }
compiled=()
for f in "${files[@]}"; do
  js="$DIST/${f%.ts}.js"
  [[ -f "$js" ]] || { echo "$js missing: run npm run build" >&2; exit 1; }
  compiled+=("$js")
done

bash scripts/setup/40-kafka-oracle.sh
# A broker of this work tree left by a run that was killed outright: ours to stop.
scripts/oracle/kafka.sh stop
# Ports: as given, or the first free pair from 19092 up (the machine may be shared).
if [[ -z "${TANDEM_ORACLE_PORT:-}" ]]; then
  in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
  port=19092
  while in_use "$port" || in_use $((port + 1)); do port=$((port + 2)); done
  export TANDEM_ORACLE_PORT=$port TANDEM_ORACLE_CONTROLLER_PORT=$((port + 1))
fi
trap 'scripts/oracle/kafka.sh stop' EXIT
started=$SECONDS
bootstrap="$(scripts/oracle/kafka.sh start)"
echo "oracle broker at $bootstrap after $((SECONDS - started)) s; running ${#compiled[@]} test files" >&2
# A real broker's group rebalances and JVM pauses are slower than Tandem's: twice jest's 30 s.
TANDEM_KAFKA_ORACLE="$bootstrap" node --experimental-vm-modules --no-warnings=ExperimentalWarning \
  node_modules/jest/bin/jest.js --testTimeout=60000 "$@" -- "${compiled[@]}"
