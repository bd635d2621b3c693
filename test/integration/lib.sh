# Helpers shared by the integration tests (sourced).
set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SAKER_BUILD=${SAKER_BUILD:-$top/build}
SAKER=$SAKER_BUILD/bin/saker
SAKER_CORPUS=${SAKER_CORPUS:-$top/../shared/corpus}
CAPTURES=$SAKER_CORPUS/captures
export TZ=${TZ:-UTC}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail=0
checks=0
ok() { checks=$((checks + 1)); echo "ok   $*"; }
not_ok() { checks=$((checks + 1)); fail=$((fail + 1)); echo "FAIL $*"; }
finish() {
	echo "$((checks - fail)) passed, $fail failed"
	[ "$fail" -eq 0 ]
}

need_sysdig() {
	if ! command -v sysdig >/dev/null 2>&1; then
		"$top/hack/install-deps.sh" >&2
	fi
	command -v sysdig >/dev/null 2>&1 || { echo "sysdig is not installed" >&2; exit 1; }
}
