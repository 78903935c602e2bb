#!/usr/bin/env bash
# Proves that `npm pack` gives a tarball that installs with runtime dependencies only (no
# TypeScript, no jest) into a clean folder and runs `tandem`: --version, then a start on the memory
# engine that must print its ready line and stop cleanly on SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npm pack --silent --pack-destination "$work" >/dev/null
cd "$work"
npm init -y >/dev/null
npm install --omit=dev --no-fund --no-audit --silent ./tandem-*.tgz
for dev in typescript jest; do
  [[ ! -e node_modules/$dev ]] || { echo "check-pack: $dev was installed with the runtime package" >&2; exit 1; }
done
./node_modules/.bin/tandem --version
./node_modules/.bin/tandem --in-memory --sqs-port 0 --kafka-port 0 >ready.log &
pid=$!
for _ in $(seq 100); do grep -q '"event":"ready"' ready.log && break; sleep 0.1; done
grep -q '"event":"ready"' ready.log || { echo "check-pack: tandem did not get ready" >&2; kill $pid; exit 1; }
# The console's page ships in the package (copied into dist by the build, not compiled).
sqs=$(grep -o '"sqs":"[^"]*"' ready.log | head -1 | cut -d'"' -f4)
curl -sf "$sqs/console/" | grep -q '<title>Tandem console</title>' || { echo "check-pack: /console/ is not served" >&2; kill $pid; exit 1; }
kill -TERM $pid
wait $pid
echo "check-pack: ok ($(du -k tandem-*.tgz | cut -f1) KiB tarball)"
