#!/usr/bin/env bash
# Runs every suite (the `make test` target's body) and closes with one
# line that counts them all: unit tests (cmocka) and end-to-end checks,
# in the normal and in the sanitizer build, the browser tests; each
# fuzzer counts as one.
set -uo pipefail
mkdir -p build
log=build/test.log
{ make --no-print-directory -j"$(nproc)" binaries &&
    make --no-print-directory check-docs test-unit test-e2e test-browser \
        test-asan fuzz; } 2>&1 |
    tee "$log"
rc=${PIPESTATUS[0]}
passed=$(awk '/^\[  PASSED  \] [0-9]+ test/ { n += $4 }
    /^[0-9]+ passed, [0-9]+ failed/ { n += $1 } END { print n + 0 }' "$log")
failed=$(awk '/^\[  FAILED  \] [0-9]+ test/ { n += $4 }
    /^[0-9]+ passed, [0-9]+ failed/ { n += $3 } END { print n + 0 }' "$log")
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1	# a build or a suite broke before it could count
fi
# Each fuzzer that ran its time without a crash counts as one.
passed=$((passed + $(grep -c '^Done [0-9]* runs' "$log")))
echo "total: $passed passed, $failed failed"
exit "$rc"
