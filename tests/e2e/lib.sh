# tests/e2e/lib.sh - the harness the bash end-to-end scripts share.
# Source it after setting T (the script's temporary directory) and,
# optionally, BUDGET (seconds; checks past it fail unrun) and SX_TIMEOUT.
#
# check DESCRIPTION COMMAND... runs COMMAND in a subshell and prints
# "ok N - DESCRIPTION" or "not ok N - DESCRIPTION" followed by the
# command's output indented with '#'. Inside a check 'set -e' does not
# apply (it runs in an if-condition): every step uses '|| die'. The
# script closes with `e2e_summary`, which prints "N passed, M failed"
# and returns non-zero when anything failed.

N=0 PASS=0 FAIL=0
BUDGET=${E2E_BUDGET:-${BUDGET:-90}}
SECONDS=0

check() {
	local desc=$1
	shift
	N=$((N + 1))
	local log="$T/check.$N.log"
	if [ "$SECONDS" -ge "$BUDGET" ]; then
		FAIL=$((FAIL + 1))
		echo "not ok $N - $desc (not run: past the ${BUDGET} s budget)"
		return
	fi
	if ("$@") >"$log" 2>&1; then
		PASS=$((PASS + 1))
		echo "ok $N - $desc"
	else
		FAIL=$((FAIL + 1))
		echo "not ok $N - $desc"
		tail -n 40 "$log" | sed 's/^/#   /'
	fi
}

die() {
	echo "$*"
	exit 1
}

# show FILE: print a file (at most 4000 bytes) for the failure log
show() {
	echo "--- $1:"
	if [ -f "$1" ]; then tr -d '\r' <"$1" | head -c 4000; echo; else echo "(missing)"; fi
	echo "---"
}

# need FILE...: a previous step must have produced these
need() {
	for f in "$@"; do
		[ -s "$f" ] || die "missing $f (an earlier step failed)"
	done
}

# sx ARGS...: the binary under test, bounded in time
sx() {
	timeout "${SX_TIMEOUT:-30}" "$SERTEL" "$@"
}

e2e_summary() {
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
}
