#!/usr/bin/env bash
# Peer "goaws": Admiral-Piett/goaws v0.4.5 (an SQS/SNS clone in Go, Query protocol only), `go install`ed
# into .bench/peers/bin. Idempotent: a no-op when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/../../.."
VERSION=v0.4.5
BIN="$PWD/.bench/peers/bin"
mkdir -p "$BIN"
[[ -x "$BIN/goaws" && -f "$BIN/goaws.version" && "$(cat "$BIN/goaws.version")" == "$VERSION" ]] && exit 0
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
GOBIN="$BIN" go install "github.com/Admiral-Piett/goaws/app/cmd@$VERSION"
# The main package is app/cmd, so go install names the binary "cmd".
mv "$BIN/cmd" "$BIN/goaws"
echo "$VERSION" >"$BIN/goaws.version"
