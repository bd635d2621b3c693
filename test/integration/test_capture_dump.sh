#!/usr/bin/env bash
# `saker -e F --dump` against `sysdig -r F`, event by event, for every corpus
# capture: number, time, cpu, process, tid, direction, type and every
# parameter as sysdig renders it.
. "$(dirname "$0")/lib.sh"
need_sysdig

for f in "$CAPTURES"/*.scap; do
	name=$(basename "$f")
	sysdig -r "$f" >"$tmp/sysdig.txt" 2>"$tmp/sysdig.err" || { not_ok "$name: sysdig failed: $(cat "$tmp/sysdig.err")"; continue; }
	if ! "$SAKER" -e "$f" --dump >"$tmp/saker.txt" 2>"$tmp/saker.err"; then
		not_ok "$name: saker failed: $(head -c 300 "$tmp/saker.err")"
		continue
	fi
	n=$(wc -l <"$tmp/sysdig.txt")
	if [ "$n" -eq 0 ]; then
		not_ok "$name: sysdig printed no events"
	elif cmp -s "$tmp/sysdig.txt" "$tmp/saker.txt"; then
		ok "$name: $n events agree"
	else
		not_ok "$name: dumps differ ($n sysdig lines, $(wc -l <"$tmp/saker.txt") saker lines); first differences:"
		diff "$tmp/sysdig.txt" "$tmp/saker.txt" | head -n 12
	fi
done
finish
