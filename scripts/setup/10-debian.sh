#!/usr/bin/env bash
# Debian's real clients: boto3 1.26 and awscli 2.9 (SQS Query protocol), kcat (librdkafka),
# kafka-python and confluent-kafka (run with /usr/bin/python3). Skipped when all are present.
set -euo pipefail
pkgs=(python3-boto3 awscli kcat python3-kafka python3-confluent-kafka)
missing=()
for p in "${pkgs[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
((${#missing[@]})) || exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
