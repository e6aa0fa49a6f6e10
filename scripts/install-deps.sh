#!/usr/bin/env bash
# npm dependencies for the test suite and the demo, Node 24 among them (the exact dev dependency
# `node`, for machines whose own Node is older). Runs `npm ci` only when package-lock.json changed
# since the last install here, or the install is incomplete, so a second run costs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.tagpilot-installed-lock
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -x node_modules/node/bin/node ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sum" ]; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$sum" >"$stamp"
