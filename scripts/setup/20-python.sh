#!/usr/bin/env bash
# The current Python clients (boto3 1.44 on the AWS JSON protocol, confluent-kafka 2.16,
# kafka-python 3.0, aiokafka 0.14) in a virtual environment at .venv, pinned by
# compat-tests/python/requirements.txt. Built on Debian's /usr/bin/python3 rather than whatever
# python3 comes first on PATH (a developer's pyenv): Debian's is what a fresh Debian 12 machine and CI
# have, so the venv is the same everywhere. A no-op when .venv was built from the current
# requirements (the copy of them it was built from is kept inside it).
set -euo pipefail
cd "$(dirname "$0")/../.."
req=compat-tests/python/requirements.txt
venv=.venv
if [[ -x $venv/bin/python ]] && cmp -s "$req" "$venv/installed-requirements.txt"; then exit 0; fi

# ensurepip (needed by `-m venv`) is packaged separately on Debian.
if ! dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q 'ok installed'; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
fi
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv"
# Wheels only: confluent-kafka's wheel bundles its own librdkafka, so nothing is compiled here.
"$venv/bin/pip" install -q --disable-pip-version-check --no-input --only-binary=:all: -r "$req"
cp "$req" "$venv/installed-requirements.txt"
