#!/usr/bin/env bash
# The one test command (`npm test`): installs what the real-client tests need (scripts/setup.sh),
# builds, and runs
#   1. every jest suite (unit, wire, real clients against spawned Tandems);
#   2. the in-memory pass: the real-client compat suites again with every emulator on --in-memory
#      (suites that restart an emulator on its data dir need the disk and are left out);
#   3. the oracle pass (scripts/test-oracle.sh): the Kafka compat suites against a real
#      Apache Kafka broker;
#   4. the package check: `npm pack` installs with runtime dependencies only and runs.
# With arguments (`npm test -- dist/compat-tests/sqs`), only step 1, restricted to them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run build --silent
jest=(node --experimental-vm-modules --no-warnings=ExperimentalWarning node_modules/jest/bin/jest.js)
if (($#)); then
  exec "${jest[@]}" "$@"
fi
"${jest[@]}"
echo "== in-memory pass (--in-memory)"
TANDEM_TEST_IN_MEMORY=1 "${jest[@]}" dist/compat-tests \
  --testPathIgnorePatterns 'restart\.test|durability\.test|kafka-groups/kafkajs\.test|storage-faults\.test|netns\.test'
echo "== oracle pass (real Apache Kafka)"
bash scripts/test-oracle.sh
echo "== package check (npm pack)"
bash scripts/check-pack.sh
