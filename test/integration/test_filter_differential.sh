#!/usr/bin/env bash
# Differential test of the rules engine against sysdig, the reference
# evaluator of filter expressions.
#
# For every expression in test/data/filters/*.txt (one per line, '#'
# comments; state-*.txt belongs to test_state_differential.sh) and every
# corpus capture, the events that
# `sysdig -r CAPTURE -p %evt.num EXPR` prints must be exactly the events for
# which `saker -r RULES -e CAPTURE -A` raises the expression's alert.
#
# All expressions go into one rules file, one rule each, with output
# "%evt.num <rule>" and -o rule_matching=all, so one saker run per capture
# evaluates every expression; sysdig runs once per (expression, capture),
# two at a time.
#
# Only the events sysdig shows take part: saker also evaluates the internal
# events (procinfo) that sysdig reads but shows only with -D.
#
# Two files hold records instead of plain lines:
#   saker-only.txt         expressions sysdig 0.29.3 cannot parse (==,
#                          bcontains, intersects, iglob, regex, val(),
#                          transformers, mixed and/or, ...)
#   known-differences.txt  expressions sysdig parses but evaluates against
#                          Falco's documented semantics
# A record is a "saker: EXPR" line followed by a "sysdig: REF" line: REF is
# an expression sysdig evaluates that selects, on the corpus captures, the
# events Falco's semantics select for EXPR, so Saker's result for EXPR is
# checked against sysdig's result for REF. For a known difference the test
# also checks that sysdig still disagrees with itself (EXPR vs REF), so a
# fixed sysdig shows up as a stale entry.
#
# Environment: SAKER_FILTER_JOBS (parallel sysdig runs, default 2).
. "$(dirname "$0")/lib.sh"
need_sysdig

data=$top/test/data/filters
jobs=${SAKER_FILTER_JOBS:-2}
min_compared=300
list_cap=12 # event numbers shown per list in a mismatch report
start=$SECONDS

# The rules: rule_expr[i] is evaluated by saker and must select what
# sysdig selects for sys_expr[rule_ref[i]].
rule_expr=()
rule_origin=()
rule_kind=() # diff | only | known
rule_ref=()
rule_self=() # known: sys index of EXPR itself, else -1
sys_expr=()

add_sys() { # expr -> sets $sys_id
	sys_id=${#sys_expr[@]}
	sys_expr+=("$1")
}

add_rule() { # kind origin expr ref_expr
	local kind=$1 origin=$2 expr=$3 ref=$4 self=-1
	add_sys "$ref"
	local ref_id=$sys_id
	if [ "$kind" = known ]; then
		add_sys "$expr"
		self=$sys_id
	fi
	rule_kind+=("$kind")
	rule_origin+=("$origin")
	rule_expr+=("$expr")
	rule_ref+=("$ref_id")
	rule_self+=("$self")
}

trim() { # text -> $trimmed
	trimmed=$1
	trimmed=${trimmed#"${trimmed%%[![:space:]]*}"}
	trimmed=${trimmed%"${trimmed##*[![:space:]]}"}
}

read_plain() { # file: one expression per line
	local f=$1 n=0 line
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		trim "$line"
		case $trimmed in "" | "#"*) continue ;; esac
		add_rule diff "${f#$top/}:$n" "$trimmed" "$trimmed"
	done <"$f"
}

read_records() { # file kind: "saker: EXPR" then "sysdig: REF"
	local f=$1 kind=$2 n=0 line expr="" at=""
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		trim "$line"
		case $trimmed in
		"" | "#"*) ;;
		saker:*)
			[ -z "$expr" ] || not_ok "${f#$top/}:$at: 'saker:' line without a 'sysdig:' line"
			trim "${trimmed#saker:}"
			expr=$trimmed at=$n
			;;
		sysdig:*)
			trim "${trimmed#sysdig:}"
			if [ -z "$expr" ]; then
				not_ok "${f#$top/}:$n: 'sysdig:' line without a 'saker:' line"
			else
				add_rule "$kind" "${f#$top/}:$at" "$expr" "$trimmed"
			fi
			expr=""
			;;
		*) not_ok "${f#$top/}:$n: expected 'saker:', 'sysdig:', a comment or a blank line" ;;
		esac
	done <"$f"
	[ -z "$expr" ] || not_ok "${f#$top/}:$at: 'saker:' line without a 'sysdig:' line"
}

for f in "$data"/*.txt; do
	case $(basename "$f") in
	saker-only.txt) read_records "$f" only ;;
	known-differences.txt) read_records "$f" known ;;
	state-*.txt) ;; # proc/fd/user fields: test_state_differential.sh
	*) read_plain "$f" ;;
	esac
done
nrules=${#rule_expr[@]}
nsys=${#sys_expr[@]}

captures=()
for f in "$CAPTURES"/*.scap; do
	[ -e "$f" ] && captures+=("$(basename "$f" .scap)")
done
if [ ${#captures[@]} -eq 0 ]; then
	not_ok "no captures in $CAPTURES"
	finish
	exit
fi

# --- sysdig: one run per (expression, capture), $jobs at a time ---
mkdir -p "$tmp/expr" "$tmp/sys"
for c in "${captures[@]}"; do mkdir -p "$tmp/sys/$c"; done
for ((j = 0; j < nsys; j++)); do
	printf '%s\n' "${sys_expr[j]}" >"$tmp/expr/$j"
done

sysdig_one() { # sys index: writes $tmp/sys/<capture>/<index>[.err]
	local j=$1 c expr rc out
	expr=$(<"$tmp/expr/$j")
	for c in "${captures[@]}"; do
		out=$tmp/sys/$c/$j
		sysdig -r "$CAPTURES/$c.scap" -p '%evt.num' "$expr" >"$out" 2>"$out.err"
		rc=$?
		if [ "$rc" -ne 0 ]; then
			[ -s "$out.err" ] || head -c 300 "$out" >"$out.err"
			echo "(exit status $rc)" >>"$out.err"
		elif [ -s "$out.err" ]; then
			: # a message on success is kept as an error too
		else
			rm "$out.err"
		fi
	done
}
export -f sysdig_one
export tmp CAPTURES
captures_str=${captures[*]}
export captures_str
seq 0 $((nsys - 1)) |
	xargs -P "$jobs" -n 16 bash -c 'read -ra captures <<<"$captures_str"; for j; do sysdig_one "$j"; done' _
mkdir -p "$tmp/shown"
for c in "${captures[@]}"; do
	sysdig -r "$CAPTURES/$c.scap" -p '%evt.num' >"$tmp/shown/$c" 2>/dev/null
done
echo "# sysdig: $nsys expressions x ${#captures[@]} captures in $((SECONDS - start))s"

sys_error() { # sys index -> prints the first error, returns 1 if none
	local c
	for c in "${captures[@]}"; do
		if [ -e "$tmp/sys/$c/$1.err" ]; then
			echo "$c: $(head -c 200 "$tmp/sys/$c/$1.err" | tr '\n' ' ')"
			return 0
		fi
	done
	return 1
}

# --- saker: one rules file, one run per capture ---
rule_name() { printf -v rid 'r%04d' "$1"; } # index -> $rid

write_rule() { # index
	local rid
	rule_name "$1"
	printf -- '- rule: %s\n  desc: "%s"\n  condition: |-\n    %s\n  output: "%%evt.num %s"\n  priority: WARNING\n\n' \
		"$rid" "${rule_origin[$1]}" "${rule_expr[$1]}" "$rid"
}

rejected=() # rejected[i] = saker's load error for rule i
write_rules() { # file: every rule saker has not rejected
	local i
	: >"$1"
	for ((i = 0; i < nrules; i++)); do
		[ -n "${rejected[i]:-}" ] || write_rule "$i" >>"$1"
	done
}

run_saker() { # rules capture out err
	"$SAKER" -r "$1" -e "$CAPTURES/$2.scap" -A -o rule_matching=all >"$3" 2>"$4"
}

# The alert line is "HH:MM:SS.nnnnnnnnn: Warning <evt.num> <rule>"; keep
# "<rule> <evt.num>".
alerts() { # out
	sed -nE 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: [A-Za-z]+ ([0-9]+) (r[0-9]{4,})( .*)?$/\2 \1/p' "$1"
}

saker_failed="" # set when saker cannot run the rules at all
probe=${captures[0]}
for c in "${captures[@]}"; do
	[ "$(stat -c %s "$CAPTURES/$c.scap")" -lt "$(stat -c %s "$CAPTURES/$probe.scap")" ] && probe=$c
done
if [ ! -x "$SAKER" ]; then
	saker_failed="$SAKER is not built"
else
	write_rules "$tmp/rules.yaml"
	if ! run_saker "$tmp/rules.yaml" "$probe" "$tmp/probe.out" "$tmp/probe.err"; then
		# Find the rules saker refuses, one at a time, and leave them out.
		echo "# saker refused the rules file ($(head -c 200 "$tmp/probe.err" | tr '\n' ' ')); loading each rule alone"
		for ((i = 0; i < nrules; i++)); do
			write_rule "$i" >"$tmp/one.yaml"
			run_saker "$tmp/one.yaml" "$probe" "$tmp/one.out" "$tmp/one.err"
			rc=$?
			if [ "$rc" -ne 0 ]; then
				rejected[i]=$(head -c 300 "$tmp/one.err" | tr '\n' ' ')
				[ -n "${rejected[i]}" ] || rejected[i]="exit status $rc with no message"
			fi
		done
		write_rules "$tmp/rules.yaml"
		if ! run_saker "$tmp/rules.yaml" "$probe" "$tmp/probe.out" "$tmp/probe.err"; then
			saker_failed="saker still fails with the refused rules left out: $(head -c 300 "$tmp/probe.err" | tr '\n' ' ')"
		fi
	fi
fi

mkdir -p "$tmp/sak"
if [ -z "$saker_failed" ]; then
	for c in "${captures[@]}"; do
		if ! run_saker "$tmp/rules.yaml" "$c" "$tmp/sak/$c.out" "$tmp/sak/$c.err"; then
			echo "$(head -c 300 "$tmp/sak/$c.err" | tr '\n' ' ')" >"$tmp/sak/$c.failed"
			continue
		fi
	done
	echo "# saker: ${#captures[@]} runs, $(cat "$tmp"/sak/*.out | alerts /dev/stdin | wc -l) alerts in total"
fi

# --- compare ---
# Every expected and every actual "rule capture evt.num" line in two sorted
# files; comm names the (rule, capture) pairs that differ.
for ((i = 0; i < nrules; i++)); do
	rule_name "$i"
	echo "${rule_ref[i]} $rid"
done >"$tmp/refmap"
(cd "$tmp/sys" && find . -type f ! -name '*.err' | sort) |
	awk -v d="$tmp/sys" '
		NR == FNR { rules[$1] = rules[$1] " " $2; next }
		{
			n = split($0, p, "/"); c = p[n - 1]; j = p[n]
			k = split(rules[j], r, " ")
			while ((getline num < (d "/" $0)) > 0)
				for (x = 1; x <= k; x++) print r[x], c, num
			close(d "/" $0)
		}' "$tmp/refmap" - | LC_ALL=C sort >"$tmp/want"
: >"$tmp/got"
if [ -z "$saker_failed" ]; then
	for c in "${captures[@]}"; do
		[ -e "$tmp/sak/$c.failed" ] ||
			alerts "$tmp/sak/$c.out" | awk -v c="$c" 'NR == FNR { shown[$1] = 1; next }
				$2 in shown { print $1, c, $2 }' "$tmp/shown/$c" -
	done | LC_ALL=C sort >"$tmp/got"
fi
LC_ALL=C comm -3 "$tmp/want" "$tmp/got" | awk '{ print $1, $2 }' | sort -u >"$tmp/differs"
declare -A differs=()
while read -r r c; do
	differs["$r $c"]=1
done <"$tmp/differs"
# the evt.num lists of the differing (rule, capture) pairs, one file each
mkdir -p "$tmp/d"
for side in want got; do
	awk -v d="$tmp/d" -v side="$side" 'NR == FNR { keep[$1 " " $2] = 1; next }
		($1 " " $2) in keep {
			f = d "/" side "." $1 "." $2 # input sorted: each file written in one go
			if (f != last) { if (last != "") close(last); last = f }
			print $3 >f
		}' "$tmp/differs" "$tmp/$side"
done

show() { # list file -> "N [a b c ...]"
	local n
	n=$(grep -c . "$1")
	printf '%d [%s%s]' "$n" "$(head -n "$list_cap" "$1" | tr '\n' ' ' | sed 's/ $//')" \
		"$([ "$n" -gt "$list_cap" ] && echo ' ...')"
}

pick() { # want|got rule capture -> evt.num list, ascending
	local f=$tmp/d/$1.$2.$3
	if [ -e "$f" ]; then sort -n "$f"; fi
}

compared=0
matched_some=0
for ((i = 0; i < nrules; i++)); do
	rule_name "$i"
	id=$rid
	kind=${rule_kind[i]}
	what="$id ${rule_origin[i]}: ${rule_expr[i]}"
	[ "$kind" = diff ] || what="$what (expected: sysdig's result for '${sys_expr[rule_ref[i]]}')"
	ref=${rule_ref[i]}
	if err=$(sys_error "$ref"); then
		not_ok "$what: sysdig rejects '${sys_expr[ref]}': $err"
		continue
	fi
	if [ "$kind" = known ]; then
		self=${rule_self[i]}
		if err=$(sys_error "$self"); then
			not_ok "$what: sysdig no longer parses the known difference: $err"
		else
			same=1
			for c in "${captures[@]}"; do
				cmp -s "$tmp/sys/$c/$self" "$tmp/sys/$c/$ref" || same=0
			done
			[ "$same" -eq 0 ] || not_ok "$what: stale known difference, sysdig now agrees with the reference"
		fi
	fi
	if [ "$kind" = diff ]; then
		for c in "${captures[@]}"; do
			if [ -s "$tmp/sys/$c/$ref" ]; then
				matched_some=$((matched_some + 1))
				break
			fi
		done
	fi
	if [ -n "$saker_failed" ]; then
		continue
	fi
	if [ -n "${rejected[i]:-}" ]; then
		not_ok "$what: saker refuses the rule: ${rejected[i]}"
		continue
	fi
	report=""
	for c in "${captures[@]}"; do
		if [ -e "$tmp/sak/$c.failed" ]; then
			report+=$'\n'"    $c: saker failed: $(cat "$tmp/sak/$c.failed")"
			continue
		fi
		[ -n "${differs["$id $c"]:-}" ] || continue
		pick want "$id" "$c" >"$tmp/w"
		pick got "$id" "$c" >"$tmp/g"
		LC_ALL=C comm -23 <(LC_ALL=C sort "$tmp/w") <(LC_ALL=C sort "$tmp/g") | sort -n >"$tmp/only_sys"
		LC_ALL=C comm -13 <(LC_ALL=C sort "$tmp/w") <(LC_ALL=C sort "$tmp/g") | sort -n >"$tmp/only_sak"
		report+=$'\n'"    $c: sysdig $(show "$tmp/w"), saker $(show "$tmp/g")"
		report+=$'\n'"      only sysdig $(show "$tmp/only_sys"), only saker $(show "$tmp/only_sak")"
	done
	[ "$kind" = diff ] && compared=$((compared + 1))
	if [ -z "$report" ]; then
		ok "$what"
	else
		not_ok "$what$report"
	fi
done

# --- sanity ---
[ -z "$saker_failed" ] || not_ok "saker could not evaluate the rules: $saker_failed"
if [ "$compared" -ge "$min_compared" ]; then
	ok "$compared expressions compared with sysdig (at least $min_compared)"
else
	not_ok "only $compared expressions compared with sysdig (need $min_compared)"
fi
if [ "$matched_some" -gt 0 ]; then
	ok "$matched_some expressions match events in some capture"
else
	not_ok "every expression matched nothing: the corpus tests nothing"
fi
echo "# $nrules rules, ${#captures[@]} captures, $((SECONDS - start))s"
finish
