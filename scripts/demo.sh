#!/usr/bin/env bash
# The README's first quick-start command: installs what tagpilot needs (Debian packages, npm
# dependencies), then runs the whole loop on this machine with no cloud account: a real
# registry and Git server on loopback, a sample GitOps repository, tagpilot's commits and their
# explanation (docs/demo.md). Exits non-zero when any step fails; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/install-deps.sh
# Node 24 from the dev dependency `node`, whatever Node the machine has.
export PATH="$PWD/node_modules/.bin:$PATH"
exec node --import tsx scripts/demo.ts
