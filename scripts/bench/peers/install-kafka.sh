#!/usr/bin/env bash
# Peer "Apache Kafka": the same real broker (4.4.0, KRaft, one node) the compat oracle uses, pinned in
# scripts/oracle/pom.xml. Reuses .oracle/lib; installs it through the oracle's own setup step when
# missing. Called by the bench only (never by npm test); idempotent.
set -euo pipefail
cd "$(dirname "$0")/../../.."
[[ -f .oracle/lib/.complete ]] || bash scripts/setup/40-kafka-oracle.sh
