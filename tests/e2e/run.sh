#!/usr/bin/env bash
# Runs every end-to-end script against $SERTEL: *.sh with bash, *.py with
# Debian's python3 (which has aiosmtpd). Each prints its own
# "N passed, M failed" line; this fails if any script fails.
set -u
cd "$(dirname "$0")/../.."
export SERTEL=${SERTEL:-build/sertel}
rc=0
for t in tests/e2e/*.sh tests/e2e/*.py; do
	[ "$t" = tests/e2e/run.sh ] && continue
	[ "$t" = tests/e2e/harness.py ] && continue	# shared, not a test
	[ -f "$t" ] || continue
	echo "== $t ($SERTEL)"
	case $t in
	*.py) /usr/bin/python3 "$t" || rc=1 ;;
	*) bash "$t" || rc=1 ;;
	esac
done
exit $rc
