#!/usr/bin/env bash
# The whole test suite from a fresh clone: Debian packages, npm dependencies, then `npm test`
# (type check, lint, format check, every test). The README's second quick-start command.
# install-deps.sh runs npm ci when the lockfile changed; it installs Node 24 (the dev dependency `node`); `npm test` runs everything on it, since npm
# puts node_modules/.bin first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/install-deps.sh
npm test
