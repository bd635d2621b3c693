#!/usr/bin/env bash
# Run every test: the cmocka unit binaries under $O/test/unit, then each
# test/integration/*.sh. Prints one line per test program and a closing
# "N passed, N failed" line; exits non-zero when anything failed.
# Usage: test/run-tests.sh [BUILD_DIR] [--unit-only]
set -u
O=${1:-build}
mode=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SAKER_BUILD="$top/$O"
export SAKER_CORPUS=${SAKER_CORPUS:-$(cd "$top/../shared/corpus" 2>/dev/null && pwd)}
if [ -z "$SAKER_CORPUS" ]; then
	echo "run-tests: ../shared/corpus not found beside the checkout" >&2
	exit 2
fi

passed=0
failed=0
failures=()
logdir="$O/test-logs"
mkdir -p "$logdir"

run_one() { # name, command...
	local name=$1; shift
	local log="$logdir/$(echo "$name" | tr '/' '_').log"
	local start=$SECONDS
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		printf 'PASS  %-60s %3ds\n' "$name" $((SECONDS - start))
	else
		failed=$((failed + 1))
		failures+=("$name")
		printf 'FAIL  %-60s %3ds (log: %s)\n' "$name" $((SECONDS - start)) "$log"
		tail -n 30 "$log" | sed 's/^/    /'
	fi
}

while IFS= read -r t; do
	run_one "${t#$O/}" "$t"
done < <(find "$O/test/unit" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort)

if [ "$mode" != "--unit-only" ]; then
	for t in test/integration/test_*.sh; do
		[ -e "$t" ] || continue
		run_one "$t" bash "$t"
	done
fi

echo
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
