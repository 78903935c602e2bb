#!/usr/bin/env bash
# Builds the native addon of @confluentinc/kafka-javascript (devDependency; its librdkafka 2.15 is
# bundled as C source in the npm package). Its install script is denied in package.json's
# allowScripts because, as published, it fetches a prebuilt binary from GitHub and otherwise builds
# librdkafka statically after downloading zlib/OpenSSL/zstd sources from their sites: neither is
# reachable here. CKJS_LINKING=dynamic makes it build the bundled librdkafka against Debian's
# OpenSSL/zlib/zstd instead (about 2 CPU-minutes). A no-op once the addon is built and loads.
set -euo pipefail
cd "$(dirname "$0")/../.."
pkg=node_modules/@confluentinc/kafka-javascript
[[ -d $pkg ]] || { echo "$pkg missing: run npm install first" >&2; exit 1; }
if [[ -f $pkg/build/Release/confluent-kafka-javascript.node ]] &&
   node -e "require('./$pkg')" 2>/dev/null; then exit 0; fi

need=(g++ make python3 libssl-dev zlib1g-dev libzstd-dev)
missing=()
for p in "${need[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p"); done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The package's own install script (node-pre-gyp; its GitHub download fails fast, then it builds),
# run as a script of the package itself so npm provides node-gyp. Output kept for a failed build.
log=$(mktemp)
if ! (cd "$pkg" && CKJS_LINKING=dynamic npm run install --foreground-scripts >"$log" 2>&1); then
  tail -50 "$log" >&2
  exit 1
fi
rm -f "$log"
node -e "require('./$pkg')"
