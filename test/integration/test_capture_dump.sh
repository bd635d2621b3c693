#!/usr/bin/env bash
# `saker -e F --dump` against `sysdig -r F`, event by event, for every corpus
# capture: number, time, cpu, process, tid, direction, type and every
# parameter as sysdig renders it.
. "$(dirname "$0")/lib.sh"
need_sysdig

# Where Debian sysdig (2022 libs) and current libs name things differently,
# Saker follows current libs, the names Falco's rules use today. Both renames
# are recorded in specs/scap-events.md (Appendix B and section 8):
#   ppm_sc 298 was `sigreturn`, is `rt_sigreturn`;
#   execve exit parameter 17 was `pgid`, is `vpgid`.
# sysdig's text is mapped to the current names before comparing, and each
# rename is asserted to occur, so that a change on either side shows up.
to_current() {
	sed -E -e 's/^([0-9]+ [^ ]+ [0-9]+ .* \([0-9-]+\) [<>] )sigreturn /\1rt_sigreturn /' \
		-e 's/^(.* [<>] execve .* tty=[0-9]+ )pgid=/\1vpgid=/'
}

for f in "$CAPTURES"/*.scap; do
	name=$(basename "$f")
	sysdig -r "$f" >"$tmp/sysdig.txt" 2>"$tmp/sysdig.err" || { not_ok "$name: sysdig failed: $(cat "$tmp/sysdig.err")"; continue; }
	if ! "$SAKER" -e "$f" --dump >"$tmp/saker.txt" 2>"$tmp/saker.err"; then
		not_ok "$name: saker failed: $(head -c 300 "$tmp/saker.err")"
		continue
	fi
	to_current <"$tmp/sysdig.txt" >"$tmp/sysdig.cur.txt"
	if [ "$name" = run_as_user_0_container.scap ]; then
		renamed=$(diff "$tmp/sysdig.txt" "$tmp/sysdig.cur.txt" | grep -c '^>')
		if [ "$renamed" -eq 14 ]; then
			ok "$name: the 13 sigreturn and 1 execve pgid lines are the known renames"
		else
			not_ok "$name: expected 14 renamed lines, found $renamed"
		fi
	fi
	mv "$tmp/sysdig.cur.txt" "$tmp/sysdig.txt"
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
