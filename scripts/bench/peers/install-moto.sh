#!/usr/bin/env bash
# Peer "moto": moto's standalone server (moto[server] 5.2.5 from PyPI) in a venv under .bench/peers/moto.
# Idempotent: a no-op when that venv already has the pinned version.
set -euo pipefail
cd "$(dirname "$0")/../../.."
VERSION=5.2.5
VENV=.bench/peers/moto
[[ -x "$VENV/bin/moto_server" && "$(cat "$VENV/.version" 2>/dev/null)" == "$VERSION" ]] && exit 0
rm -rf "$VENV"
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check "moto[server]==$VERSION"
echo "$VERSION" >"$VENV/.version"
