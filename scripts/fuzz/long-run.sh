#!/usr/bin/env bash
# The long fuzz runs recorded in RELIABILITY.md: 100,000 inputs per protocol, at low priority, from
# a copy of the build (.run-dist) so rebuilding the work tree meanwhile does not pull files from
# under the running process. Usage: bash scripts/fuzz/long-run.sh [count] [seed] [outdir]
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
seed=${2:-14}
out=${3:-fuzz-out}
npm run build --silent
rm -rf .run-dist && cp -r dist .run-dist
mkdir -p "$out"
for p in kafka sqs; do
  nice -n 10 node .run-dist/scripts/fuzz/index.js --protocol "$p" --count "$count" --seed "$seed" --out "$out/$p-$seed" >"$out/$p-$seed.log" 2>&1 || true
  tail -n 40 "$out/$p-$seed.log"
done
