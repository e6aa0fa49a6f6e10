#!/usr/bin/env bash
# The README's first quick-start command: installs what tagpilot needs (Debian packages, npm
# dependencies), then runs the whole loop on this machine with no cloud account: a real
# registry and Git server on loopback, a sample GitOps repository, tagpilot's commits and their
# explanation (docs/demo.md). Exits non-zero when any step fails; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
exec node --import tsx scripts/demo.ts
