#!/usr/bin/env bash
# The whole test suite from a fresh clone: Debian packages, npm dependencies, then `npm test`
# (type check, lint, format check, every test). The README's second quick-start command.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
npm ci --no-audit --no-fund --loglevel=error
npm test
