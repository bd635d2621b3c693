#!/usr/bin/env bash
# After `saker -e F -w G`, `sysdig -r G` prints exactly what `sysdig -r F`
# prints, for every corpus capture, plain and gzip-compressed output; and
# saker reads its own output back to the same dump.
. "$(dirname "$0")/lib.sh"
need_sysdig

for f in "$CAPTURES"/*.scap; do
	name=$(basename "$f")
	sysdig -r "$f" >"$tmp/want.txt" 2>/dev/null
	for z in "" "-z"; do
		rm -f "$tmp/out.scap"
		if ! "$SAKER" -e "$f" -w "$tmp/out.scap" $z 2>"$tmp/err"; then
			not_ok "$name $z: saker -w failed: $(head -c 300 "$tmp/err")"
			continue
		fi
		if ! sysdig -r "$tmp/out.scap" >"$tmp/got.txt" 2>"$tmp/err"; then
			not_ok "$name $z: sysdig cannot read the rewritten file: $(head -c 300 "$tmp/err")"
			continue
		fi
		if cmp -s "$tmp/want.txt" "$tmp/got.txt"; then
			ok "$name $z: sysdig -r of the rewrite prints the same $(wc -l <"$tmp/want.txt") lines"
		else
			not_ok "$name $z: sysdig output differs after rewrite:"
			diff "$tmp/want.txt" "$tmp/got.txt" | head -n 12
		fi
	done
	"$SAKER" -e "$f" --dump >"$tmp/a.txt" 2>/dev/null
	"$SAKER" -e "$tmp/out.scap" --dump >"$tmp/b.txt" 2>/dev/null
	if cmp -s "$tmp/a.txt" "$tmp/b.txt"; then
		ok "$name: saker reads its own rewrite to the same dump"
	else
		not_ok "$name: saker's dump of its rewrite differs"
		diff "$tmp/a.txt" "$tmp/b.txt" | head -n 6
	fi
done
finish
