#!/usr/bin/env bash
# Run every libFuzzer binary FUZZ_BUILD_DIR/fuzz_* for SECONDS each, seeded
# with inputs of the kind it reads, copied into a temporary directory.
# Usage: test/fuzz/run.sh FUZZ_BUILD_DIR SECONDS
# Findings (crash-*, leak-*, timeout-*) are written to FUZZ_BUILD_DIR/findings.
set -euo pipefail
dir=${1:?usage: run.sh FUZZ_BUILD_DIR SECONDS}
secs=${2:?usage: run.sh FUZZ_BUILD_DIR SECONDS}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${SAKER_CORPUS:-$top/../shared/corpus}

# Seeds by what a fuzzer reads: captures for the capture reader, rules files
# for the rules loader, filter expressions for the condition parser/compiler.
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mkdir -p "$seeds/scap" "$seeds/rules" "$seeds/cond"
for f in "$corpus"/captures/*.scap; do
	[ -e "$f" ] || continue
	gzip -dc "$f" >"$seeds/scap/$(basename "$f")" 2>/dev/null || cp "$f" "$seeds/scap/$(basename "$f")"
done
for f in "$corpus"/falco-rules/*.yaml; do
	[ -e "$f" ] && cp "$f" "$seeds/rules/"
done
n=0
for f in "$top"/test/data/filters/*.txt; do
	[ -e "$f" ] || continue
	while IFS= read -r line; do
		case "$line" in "" | "#"*) continue ;; esac
		n=$((n + 1))
		printf '%s' "$line" >"$seeds/cond/$n"
	done <"$f"
done

# Watch streams (the first byte is the fuzzer's chunk size).
mkdir -p "$seeds/watch"
for f in "$top"/test/data/k8s/*.jsonl; do
	[ -e "$f" ] || continue
	for c in 1 7 63; do
		{ printf "\\$(printf %o "$c")"; cat "$f"; } >"$seeds/watch/$(basename "$f").$c"
	done
done

seeds_for() { # fuzzer name -> seed dir
	case "$1" in
	*watch*) echo "$seeds/watch" ;;
	*scap*) echo "$seeds/scap" ;;
	*rules*) echo "$seeds/rules" ;;
	*) echo "$seeds/cond" ;;
	esac
}

mkdir -p "$dir/findings"
status=0
found=0
for bin in "$dir"/fuzz_*; do
	[ -x "$bin" ] && [ -f "$bin" ] || continue
	found=1
	name=$(basename "$bin")
	work=$(mktemp -d)
	cp "$(seeds_for "$name")"/* "$work"/ 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=1048576 -rss_limit_mb=2048 \
		-artifact_prefix="$dir/findings/$name-" -print_final_stats=1 "$work" \
		>"$dir/findings/$name.log" 2>&1; then
		echo "fuzz: $name FAILED (see $dir/findings/$name.log)"
		tail -n 30 "$dir/findings/$name.log"
		status=1
	else
		grep -E '^stat::number_of_executed_units|^Done' "$dir/findings/$name.log" || true
	fi
	rm -rf "$work"
done
if [ "$found" -eq 0 ]; then
	echo "fuzz: no fuzz_* binaries in $dir" >&2
	exit 2
fi
exit "$status"
