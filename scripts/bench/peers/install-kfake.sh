#!/usr/bin/env bash
# Peer "kfake": builds scripts/bench/peers/kfake (franz-go's kfake at the pseudo-version pinned in its
# go.mod; kfake has no tags) into .bench/peers/bin/kfake through the Go module proxy. Idempotent: a
# no-op when the binary is newer than its sources.
set -euo pipefail
cd "$(dirname "$0")/../../.."
SRC=scripts/bench/peers/kfake
OUT=.bench/peers/bin/kfake
mkdir -p .bench/peers/bin
if [[ -x "$OUT" && "$OUT" -nt "$SRC/main.go" && "$OUT" -nt "$SRC/go.mod" ]]; then exit 0; fi
command -v go >/dev/null || { echo "go is not installed" >&2; exit 1; }
# go.mod pins franz-go v1.22.3 above kfake's own (older) requirement: kfake at this commit needs it.
(cd "$SRC" && go build -o "$OLDPWD/$OUT" .)
