#!/usr/bin/env bash
# Runs test files with Node's built-in runner through tsx. Arguments narrow the run to files or
# folders (default: all of test/). Node 20's --test takes no globs, so find lists the files.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the dev dependency `node` (the machine may have an older one): npm run does this
# itself; a developer calling this script directly gets the same.
export PATH="$PWD/node_modules/.bin:$PATH"
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(test)
mapfile -t files < <(find "${targets[@]}" -name '*.test.ts' -type f | sort)
if [ ${#files[@]} -eq 0 ]; then echo "run-tests: no test files under ${targets[*]}" >&2; exit 1; fi
exec node --import tsx --test --test-reporter=spec --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
