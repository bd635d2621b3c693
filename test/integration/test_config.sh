#!/usr/bin/env bash
# saker -c and -o end to end: both Falco configs of the corpus load with
# warnings only; config_files includes; ${ENV}; -o paths, [] appends, {...}
# subtrees and escapes, seen through what the agent then does.
. "$(dirname "$0")/lib.sh"
rules=$top/test/data/rules/selection.yaml
cap=$CAPTURES/syscall.scap

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
# the rule names of the text alerts in order, e.g. "null;open;"
alerts() { grep -E '^[0-9]{2}:[0-9]{2}:' | sed -E 's/^[^ ]+ [A-Za-z]+ ([a-z]+) .*/\1/' | tr '\n' ';'; }

# Falco's own configuration files: exit 0, nothing but warnings about keys.
for f in falco.yaml falco-0.31.0.yaml; do
	"$SAKER" -c "$SAKER_CORPUS/falco-config/$f" -o webserver.enabled=false \
		-o syslog_output.enabled=false -o log_syslog=false -r "$rules" -e "$cap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	others=$(grep '^saker: ' "$tmp/err" | grep -vc '^saker: warning: ')
	if [ $rc -eq 0 ] && [ "$others" = 0 ] && grep -q "^saker: warning: .*$f:[0-9]*:[0-9]*: configuration key" "$tmp/err" &&
		[ "$(grep -c ' Notice \| Warning ' "$tmp/out")" = 4 ]; then
		ok "-c $f: warnings only ($(grep -c '^saker: warning' "$tmp/err")), alerts as without it"
	else
		not_ok "-c $f: rc=$rc, $others non-warning lines: $(head -c 400 "$tmp/err")"
	fi
done

# -c of a missing file, and a value of the wrong type, are errors naming where.
"$SAKER" -c "$tmp/none.yaml" -r "$rules" -e "$cap" >/dev/null 2>"$tmp/err"
expect "-c missing file" "1 saker: $tmp/none.yaml: cannot open: No such file or directory" "$? $(cat "$tmp/err")"
printf 'json_output: true\nbuffered_outputs: sometimes\n' >"$tmp/bad.yaml"
"$SAKER" -c "$tmp/bad.yaml" -r "$rules" -e "$cap" >/dev/null 2>"$tmp/err"
expect "bad value" "1 saker: $tmp/bad.yaml:2:19: buffered_outputs: expected true or false, got 'sometimes'" "$? $(cat "$tmp/err")"

# Unknown keys: a warning with the file position and the full key path.
printf 'stdout_output:\n  enabled: true\n  colour: red\n' >"$tmp/unk.yaml"
"$SAKER" -c "$tmp/unk.yaml" -r "$rules" -e "$cap" -o 'my\.key=1' >"$tmp/out" 2>"$tmp/err"
expect "unknown keys warn" "0 saker: warning: $tmp/unk.yaml:3:11: unknown configuration key 'stdout_output.colour'|saker: warning: -o 'my\\.key=1': unknown configuration key 'my.key'" \
	"$? $(grep '^saker: warning' "$tmp/err" | paste -sd'|')"
expect "unknown keys: still alerting" "4" "$(grep -c ' Notice \| Warning ' "$tmp/out")"

# config_files: a directory of includes merged in name order, then -o; ${ENV} in values.
mkdir -p "$tmp/conf.d" "$tmp/outdir"
cat >"$tmp/main.yaml" <<EOF
config_files:
  - conf.d
rules_files:
  - $rules
stdout_output:
  enabled: false
EOF
printf 'file_output:\n  enabled: true\n  filename: ${SK_TEST_OUTDIR}/first.txt\n' >"$tmp/conf.d/10-file.yaml"
# a top-level map is replaced whole by a later file (Falco merges top-level keys only)
printf 'file_output:\n  enabled: true\n  filename: ${SK_TEST_OUTDIR}/second.txt\nrule_matching: all\n' >"$tmp/conf.d/20-file.yaml"
SK_TEST_OUTDIR=$tmp/outdir "$SAKER" -c "$tmp/main.yaml" -e "$cap" >/dev/null 2>"$tmp/err"
expect "includes + \${ENV}: the later include wins, rules_files from the main file" "7 -" \
	"$(wc -l <"$tmp/outdir/second.txt" 2>/dev/null) $([ -e "$tmp/outdir/first.txt" ] && echo first || echo -)"
SK_TEST_OUTDIR=$tmp/outdir "$SAKER" -c "$tmp/main.yaml" -e "$cap" -o rule_matching=first \
	-o "file_output.filename=$tmp/outdir/cli.txt" >/dev/null 2>&1
expect "-o wins over includes" "4" "$(wc -l <"$tmp/outdir/cli.txt" 2>/dev/null)"
printf 'config_files:\n  - path: conf.d/20-file.yaml\n    strategy: add-only\nrule_matching: first\nrules_files: [%s]\nstdout_output: {enabled: false}\nfile_output: {enabled: true, filename: %s}\n' \
	"$rules" "$tmp/outdir/addonly.txt" >"$tmp/addonly.yaml"
"$SAKER" -c "$tmp/addonly.yaml" -e "$cap" >/dev/null 2>&1
expect "strategy add-only keeps the main file's keys" "4" "$(wc -l <"$tmp/outdir/addonly.txt" 2>/dev/null)"

# -o: the rules selectors through [] appends (Falco's -o rules[].disable...).
got=$("$SAKER" -r "$rules" -e "$cap" -o 'rules[].disable.rule=Any open' 2>/dev/null | alerts)
expect "-o rules[].disable.rule (first match falls to the next rule)" "lib;null;null;" "$got"
got=$("$SAKER" -r "$rules" -e "$cap" -o 'rules[].disable.tag=filesystem' -o 'rules[].enable.rule=Any*' 2>/dev/null | alerts)
expect "-o rules[] in order: disable a tag, enable a glob" "open;open;open;open;" "$got"
got=$("$SAKER" -r "$rules" -e "$cap" -o 'rules[0].disable.rule=Any open' -o 'rules[0].disable.rule=Open of a null device' 2>/dev/null | alerts)
expect "-o rules[0] replaces the first entry" "open;open;open;open;" "$got"
# {...}: a subtree
"$SAKER" -r "$rules" -e "$cap" -o "file_output={enabled: true, filename: \"$tmp/outdir/sub.txt\", keep_alive: true}" \
	-o stdout_output.enabled=false >/dev/null 2>&1
expect "-o key={...} sets a subtree" "4" "$(wc -l <"$tmp/outdir/sub.txt" 2>/dev/null)"
# append_output: extra_output on the rules each entry matches (source, tags, rule; none = all),
# extra_fields in JSON output_fields only (values per sysdig -r: evt 180 is pid 16518 on cpu 0).
cat >"$tmp/append.yaml" <<'EOF'
append_output:
  - suggested_output: true
  - match:
      tags: [devices]
    extra_output: "dev=%fd.name"
  - match:
      rule: Any open
      source: syscall
    extra_output: "cpu=%evt.cpu"
    extra_fields:
      - proc.pid
      - where: "evt %evt.num"
  - extra_output: "(all)"
  - match:
      source: k8s_audit
    extra_output: "never"
EOF
got=$("$SAKER" -c "$tmp/append.yaml" -r "$rules" -e "$cap" 2>/dev/null | grep -E '^[0-9]{2}:' | cut -d' ' -f3- | paste -sd'|')
expect "append_output: extra_output by match" \
	"open 180 fd=<f>/etc/ld.so.cache cpu=0 (all)|open 182 fd=<f>/lib/x86_64-linux-gnu/libc.so.6 cpu=0 (all)|null open 188 name=/dev/null dev=/dev/null (all)|null open 190 name=/dev/null dev=/dev/null (all)" \
	"$got"
got=$("$SAKER" -c "$tmp/append.yaml" -o json_output=true -r "$rules" -e "$cap" 2>/dev/null | grep '^{' |
	jq -c '[.rule, (.output_fields | del(."evt.time"))]' | head -3 | paste -sd'|')
expect "append_output: extra_fields in JSON output_fields" \
	'["Any open",{"evt.arg.fd":"<f>/etc/ld.so.cache","evt.cpu":0,"evt.num":180,"proc.pid":16518,"where":"evt 180"}]|["Any open",{"evt.arg.fd":"<f>/lib/x86_64-linux-gnu/libc.so.6","evt.cpu":0,"evt.num":182,"proc.pid":16518,"where":"evt 182"}]|["Open of a null device",{"evt.arg.name":"/dev/null","evt.num":188,"fd.name":"/dev/null"}]' \
	"$got"
printf 'append_output:\n  - extra_fields: [proc.nosuch]\n' >"$tmp/append-bad.yaml"
"$SAKER" -c "$tmp/append-bad.yaml" -r "$rules" -e "$cap" >/dev/null 2>"$tmp/err"
expect "append_output: an unknown extra field fails the load" "1 1" \
	"$? $(grep -c "error: rule 'Any open': append_output: invalid extra field 'proc.nosuch'" "$tmp/err")"
# a malformed path is refused naming the argument
"$SAKER" -r "$rules" -e "$cap" -o 'a[x]=1' >/dev/null 2>"$tmp/err"
expect "-o malformed path" "1 saker: -o 'a[x]=1': expected a number or ']' after '['" "$? $(cat "$tmp/err")"
finish
