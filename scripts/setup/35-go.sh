#!/usr/bin/env bash
# Builds the Go client programs of compat-tests/go (franz-go, sarama 1.61.1 and 1.45.0, kafka-go,
# aws-sdk-go-v2 SQS; every module pinned by go.mod/go.sum, fetched from the Go module proxy) into
# compat-tests/go/bin (gitignored). Needs Go >= 1.26, preinstalled on the project's machines;
# Debian 12's golang (1.19) is too old. A no-op when the binaries are newer than their sources.
set -euo pipefail
cd "$(dirname "$0")/../../compat-tests/go"

GO=$(command -v go || echo /usr/local/go/bin/go)
if [[ ! -x "$GO" ]]; then
  echo "35-go.sh: no Go toolchain found; compat-tests/go will fail (needs Go >= 1.26)" >&2
  exit 0
fi
ver=$("$GO" env GOVERSION) # e.g. go1.26.8
IFS=. read -r major minor _ <<<"${ver#go}"
if ((major < 1 || (major == 1 && minor < 26))); then
  echo "35-go.sh: $ver is older than the go 1.26 that go.mod needs; compat-tests/go will fail" >&2
  exit 0
fi

# -mod=readonly: build exactly what go.sum pins; GOTOOLCHAIN=local: never download a toolchain.
export GOFLAGS=-mod=readonly GOTOOLCHAIN=local

# build DIR OUTPUT: rebuild when OUTPUT is missing or older than a source of DIR.
build() {
  local dir=$1 out=$2
  if [[ -x $out ]] && [[ -z $(find "$dir" -maxdepth 1 \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$out" -print -quit) ]]; then
    return
  fi
  (cd "$dir" && "$GO" build -trimpath -o "$OLDPWD/$out" .)
}
build . bin/tandem-go-compat
build sarama-1.45 bin/tandem-sarama-1.45
