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

# The corpus captures' base names into the array `captures`.
list_captures() {
	captures=()
	local f
	for f in "$CAPTURES"/*.scap; do
		[ -e "$f" ] && captures+=("$(basename "$f" .scap)")
	done
}

# Print the lines of data files that are neither blank nor '#' comments,
# trimmed, as "file:line<TAB>text".
data_lines() {
	local f n line
	for f in "$@"; do
		n=0
		while IFS= read -r line || [ -n "$line" ]; do
			n=$((n + 1))
			line=${line#"${line%%[![:space:]]*}"}
			line=${line%"${line##*[![:space:]]}"}
			case $line in "" | "#"*) continue ;; esac
			printf '%s:%d\t%s\n' "${f#$top/}" "$n" "$line"
		done <"$f"
	done
}

# A YAML single-quoted scalar of $1.
yaml_quote() {
	local s=${1//\'/\'\'}
	printf "'%s'" "$s"
}
