#!/usr/bin/env bash
# evt.category and evt.buflen of every event, as sysdig prints them after
# parsing (`-p` with an always-true filter), against saker's alert output.
#
# These two fields are compared here and not in the filter differential
# test, because sysdig 0.29.3 evaluates them inconsistently as filters: an
# I/O event's category depends on the fd the parser has attached to the
# event, and sysdig's filter can run before that happens. The same read
# event (run_as_user_0_container #355, a read of /dev/pts/0) is "file" when
# printed, but "unknown" under the filter `evt.num=355` and matched by
# `evt.category = unknown`. Falco evaluates rules after the event is parsed,
# which is what the printed value shows, so that is the reference; the test
# asserts the inconsistency too, so a fixed sysdig shows up.
. "$(dirname "$0")/lib.sh"
need_sysdig

cat >"$tmp/rule.yaml" <<'YAML'
- rule: every event
  desc: print the fields under test
  condition: evt.num > 0
  output: "%evt.num %evt.category %evt.buflen"
  priority: WARNING
YAML

for f in "$CAPTURES"/*.scap; do
	name=$(basename "$f")
	sysdig -r "$f" -p '*%evt.num %evt.category %evt.buflen' 'evt.num > 0' >"$tmp/want" 2>/dev/null
	"$SAKER" -r "$tmp/rule.yaml" -e "$f" -A 2>/dev/null |
		sed -nE 's/^[0-9:.]+: Warning //p' >"$tmp/got.all"
	# Compare the events sysdig shows (it hides procinfo and container events).
	awk 'NR == FNR { keep[$1] = 1; next } keep[$1]' "$tmp/want" "$tmp/got.all" >"$tmp/got"
	n=$(wc -l <"$tmp/want")
	if [ "$n" -gt 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "$name: category and buflen of $n events agree"
	else
		not_ok "$name: differences:"
		diff "$tmp/want" "$tmp/got" | head -n 10
	fi
done

f=$CAPTURES/run_as_user_0_container.scap
printed=$(sysdig -r "$f" -p '*%evt.num %evt.category' 'evt.num > 0' | awk '$1 == 355 { print $2 }')
filtered=$(sysdig -r "$f" -p '*%evt.category' 'evt.num = 355')
if [ "$printed" = file ] && [ "$filtered" = unknown ]; then
	ok "sysdig still prints #355 as '$printed' but filters it as '$filtered'"
else
	not_ok "sysdig's inconsistency on #355 changed (printed '$printed', filtered '$filtered'): revisit this test"
fi
finish
