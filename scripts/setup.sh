#!/usr/bin/env bash
# Installs what the real-client tests need, idempotently: runs every scripts/setup/NN-*.sh in
# order (Debian packages, the Python venv, Maven artifacts, Go modules, the Kafka oracle broker).
# `npm test` calls it first; each step is quick when its work is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in scripts/setup/[0-9][0-9]-*.sh; do
  bash "$step"
done
