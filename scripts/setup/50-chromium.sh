#!/usr/bin/env bash
# Debian's chromium at /usr/bin/chromium: the console's end-to-end test drives it headless through
# playwright-core (which downloads no browser of its own). Skipped when already installed.
set -euo pipefail
[[ -x /usr/bin/chromium ]] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
