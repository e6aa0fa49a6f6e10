#!/usr/bin/env bash
# The README's first quick-start command: installs what tagpilot needs, then runs its main job
# on an embedded default. Until the automation cycle lands, the main job is tag selection: the
# policy engine choosing an update from a realistic tag list (docs/demo.md).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
tags=examples/tags/api.tsv
policy='semver:~1.4'
echo "\$ tagpilot select '$policy' --current 1.4.2 --tags-from $tags"
./bin/tagpilot select "$policy" --current 1.4.2 --tags-from "$tags"
