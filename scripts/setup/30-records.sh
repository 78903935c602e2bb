#!/usr/bin/env bash
# python3-snappy and python3-lz4, so kafka-python produces snappy batches in snappy-java's xerial
# framing and lz4 batches in the LZ4 frame format
# (compat-tests/kafka/records.test.ts decodes them). Debian 12's version, pinned. Skipped when installed.
set -euo pipefail
for p in python3-snappy python3-lz4; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing=1; done
[[ -n "${missing:-}" ]] || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-snappy=0.5.3-1.2+b1 python3-lz4=4.0.2+dfsg-1+b2 >/dev/null
