#!/usr/bin/env bash
# Peer "ElasticMQ": org.elasticmq:elasticmq-server_2.13 (version pinned in elasticmq/pom.xml) and its
# runtime dependencies, copied from Maven Central into .bench/peers/elasticmq/lib; the bench starts its
# REST server with org.elasticmq.server.Main and a generated config. Idempotent (pom hash).
set -euo pipefail
cd "$(dirname "$0")/../../.."
POM=scripts/bench/peers/elasticmq/pom.xml
LIB=.bench/peers/elasticmq/lib
want="$(sha256sum "$POM" | cut -d' ' -f1)"
[[ -f "$LIB/.complete" && "$(cat "$LIB/.complete")" == "$want" ]] && exit 0
rm -rf "$LIB"
mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$PWD/$LIB"
echo "$want" >"$LIB/.complete"
