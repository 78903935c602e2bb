#!/usr/bin/env bash
# Installs the real Apache Kafka broker of the differential oracle (scripts/oracle/kafka.sh) from
# Maven Central into .oracle/lib, at the versions pinned in scripts/oracle/pom.xml. A no-op when
# .oracle/lib was completed for the same pom (its hash is kept in .oracle/lib/.complete).
set -euo pipefail
cd "$(dirname "$0")/../.."
POM=scripts/oracle/pom.xml
LIB=.oracle/lib
want="$(sha256sum "$POM" | cut -d' ' -f1)"
[[ -f "$LIB/.complete" && "$(cat "$LIB/.complete")" == "$want" ]] && exit 0
# Java 17 runs the broker, Maven fetches it: both come with Debian 12 when the machine lacks them.
if ! [[ -x /usr/bin/java ]] || ! command -v mvn >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless maven >/dev/null
fi
rm -rf "$LIB"
mvn -q -B -f "$POM" dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$PWD/$LIB"
echo "$want" >"$LIB/.complete"
