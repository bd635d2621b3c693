#!/usr/bin/env bash
# Hot reload on replay: a capture streamed into a FIFO for several seconds
# while the rules file changes. A broken file is refused (logged, exported
# in /metrics) and the old rules keep alerting; a fixed file takes effect
# within 2 s, by SIGHUP and by watch_config_files (inotify); across the
# swaps no event is lost or evaluated twice. A reload of the configuration
# switches json_output on and adds a file output between two alerts (none
# lost or repeated), refuses outputs that cannot open (the old ones keep
# delivering) and moves the web server only when its keys change.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outputs.sh"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

rule() { # name, output tag
	cat <<EOF
- rule: $1
  desc: open exits on /dev/null
  condition: evt.type=open and evt.dir=< and evt.arg.name=/dev/null
  output: "$2 %evt.num"
  priority: NOTICE
EOF
}
rule "Null open" v1 >"$tmp/v1.yaml"
rule "Null open again" v2 >"$tmp/v2.yaml"
{ cat "$tmp/v1.yaml"; printf -- '- rule: broken\n  desc: x\n  condition: evt.type=open and (\n  output: x\n  priority: NOTICE\n'; } >"$tmp/broken.yaml"

big=$tmp/big.scap
big_capture "$big" 200000 || { not_ok "cannot build the big capture"; finish; exit 1; }
# The reference: every /dev/null open exit of the capture, by event number.
"$SAKER" -r "$tmp/v1.yaml" -e "$big" 2>/dev/null | sed -n 's/.* v1 //p' | sort -n >"$tmp/want"
total=$(wc -l <"$tmp/want")
[ "$total" -gt 500 ] && ok "reference: $total matching events" || not_ok "reference run: $total events"

now() { date +%s.%N; }
since() { python3 -c "import sys; print(round($(now) - $1, 2))"; }
count() { grep -c "^[0-9:.]* Notice $1 " "$tmp/alerts.txt" 2>/dev/null || true; }
wait_for() { # seconds, command...: poll until the command succeeds
	local until=$(($(date +%s%N) + ${1%.*} * 1000000000)); shift
	until "$@"; do
		[ "$(date +%s%N)" -gt "$until" ] && return 1
		sleep 0.05
	done
}
failures_are() { curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m" && [ "$(metric "$tmp/m" saker_rules_load_failures_total)" = "$1" ]; }
has_v2() { [ "$(count v2)" -gt 0 ]; }

# run_agent WATCH: saker replaying a capture fed for 8 s on stdin, v1 rules in $tmp/rules.yaml.
run_agent() {
	port=$(free_port)
	cp "$tmp/v1.yaml" "$tmp/rules.yaml"
	rm -f "$tmp/alerts.txt"
	stream_capture "$big" 8 | "$SAKER" -r "$tmp/rules.yaml" -e - -o stdout_output.enabled=false \
		-o file_output.enabled=true -o "file_output.filename=$tmp/alerts.txt" -o file_output.keep_alive=true \
		-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$port" \
		-o webserver.prometheus_metrics_enabled=true -o metrics.enabled=true \
		-o "watch_config_files=$1" >"$tmp/agent.out" 2>"$tmp/agent.err" &
	agent=$!
	pids+=($agent)
	wait_http "http://127.0.0.1:$port/healthz" 100 || not_ok "web server did not come up"
}

# After the run: every matching event alerted exactly once, v1 before v2.
check_no_loss() {
	wait $agent
	local rc=$?
	sed -n 's/^[0-9:.]* Notice v[12] //p' "$tmp/alerts.txt" | sort -n >"$tmp/got"
	if [ $rc -eq 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "$1: every matching event alerted once across the swaps ($(count v1) v1 + $(count v2) v2)"
	else
		not_ok "$1: rc=$rc, $(wc -l <"$tmp/got") alerts for $total events: $(diff "$tmp/want" "$tmp/got" | head -5 | paste -sd' ')"
	fi
	local last_v1 first_v2
	last_v1=$(sed -n 's/^[0-9:.]* Notice v1 //p' "$tmp/alerts.txt" | sort -n | tail -1)
	first_v2=$(sed -n 's/^[0-9:.]* Notice v2 //p' "$tmp/alerts.txt" | sort -n | head -1)
	if [ -n "$first_v2" ] && [ "$last_v1" -lt "$first_v2" ]; then
		ok "$1: one clean swap point (last v1 event $last_v1 < first v2 event $first_v2)"
	else
		not_ok "$1: v1 up to event $last_v1, v2 from event $first_v2"
	fi
}

# --- SIGHUP ---------------------------------------------------------------
run_agent false
sleep 1.5
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m0"
if prom_check "$tmp/m0" >/dev/null && [ "$(metric "$tmp/m0" saker_rules_last_load_success)" = 1 ]; then
	ok "SIGHUP: /metrics before the reload: rules loaded"
else
	not_ok "SIGHUP: /metrics before: $(prom_check "$tmp/m0")"
fi
cp "$tmp/broken.yaml" "$tmp/rules.yaml"
kill -HUP $agent
t=$(now)
if wait_for 2 failures_are 1; then
	ok "SIGHUP broken rules: refused within $(since "$t")s"
else
	not_ok "SIGHUP broken rules: no failure in /metrics after 2 s"
fi
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m1"
if prom_check "$tmp/m1" >/dev/null && [ "$(metric "$tmp/m1" saker_rules_last_load_success)" = 0 ] &&
	grep -q '^saker_rules_last_load_error_info{error=".*rules.yaml:8:[0-9]*: error: ' "$tmp/m1"; then
	ok "SIGHUP broken rules: /metrics says why ($(grep -o 'error=".\{0,60\}' "$tmp/m1"))"
else
	not_ok "SIGHUP broken rules: /metrics: $(grep rules_last "$tmp/m1" | paste -sd' ')"
fi
if grep -q "reload failed, the previous configuration and rules keep running: .*rules.yaml:8:" "$tmp/agent.err"; then
	ok "SIGHUP broken rules: logged"
else
	not_ok "SIGHUP broken rules: log: $(cat "$tmp/agent.err")"
fi
n1=$(count v1)
sleep 1
n2=$(count v1)
[ "$n2" -gt "$n1" ] && ok "old rules keep alerting ($n1 -> $n2)" || not_ok "no alerts after the failed reload ($n1 -> $n2)"
cp "$tmp/v2.yaml" "$tmp/rules.yaml"
kill -HUP $agent
t=$(now)
if wait_for 2 has_v2; then ok "SIGHUP fixed rules: alerting within $(since "$t")s"; else not_ok "SIGHUP fixed rules: no v2 alert within 2 s"; fi
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m2"
if prom_check "$tmp/m2" >/dev/null && [ "$(metric "$tmp/m2" saker_rules_last_load_success)" = 1 ] &&
	[ "$(metric "$tmp/m2" saker_rules_loads_total)" = 3 ] && ! grep -q '^saker_rules_last_load_error_info{' "$tmp/m2"; then
	ok "SIGHUP fixed rules: /metrics back to success (3 loads, 1 failure)"
else
	not_ok "SIGHUP fixed rules: /metrics: $(grep rules_ "$tmp/m2" | grep -v '^#' | paste -sd' ')"
fi
check_no_loss SIGHUP

# --- watch_config_files (inotify), no signal ------------------------------
run_agent true
sleep 1.5
cp "$tmp/broken.yaml" "$tmp/rules.yaml"
t=$(now)
if wait_for 2 failures_are 1; then ok "inotify broken rules: refused within $(since "$t")s"; else not_ok "inotify broken rules: no failure after 2 s: $(grep -v "^#" "$tmp/m" | grep rules_ | paste -sd" ") $(cat "$tmp/agent.err")"; fi
n1=$(count v1)
sleep 1
[ "$(count v1)" -gt "$n1" ] && ok "inotify: old rules keep alerting" || not_ok "inotify: no alerts after the failed reload"
# an editor's save: write a new file, rename it over the old one
cp "$tmp/v2.yaml" "$tmp/rules.yaml.new" && mv "$tmp/rules.yaml.new" "$tmp/rules.yaml"
t=$(now)
if wait_for 2 has_v2; then ok "inotify fixed rules: alerting within $(since "$t")s"; else not_ok "inotify fixed rules: no v2 alert within 2 s"; fi
check_no_loss inotify

# --- the configuration: outputs, alert format and web server -------------
# config FILE JSON PORT [file_output lines]: rules v1, stdout, the web server on PORT.
config() {
	cat >"$1" <<EOF
rules_files:
  - $tmp/rules.yaml
json_output: $2
watch_config_files: false
buffered_outputs: false
stdout_output:
  enabled: true
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: $3
  prometheus_metrics_enabled: true
metrics:
  enabled: true
EOF
	[ -z "${4:-}" ] || printf 'file_output:\n  enabled: true\n  keep_alive: true\n  filename: %s\n' "$4" >>"$1"
}
has_json() { grep -q '^{' "$tmp/agent.out"; }
file_grows() { [ "$(wc -l <"$tmp/json.txt")" -gt "$1" ]; }
healthz_on() { curl -sf -o /dev/null "http://127.0.0.1:$1/healthz"; }
port=$(free_port)
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
config "$tmp/c.yaml" false "$port"
stream_capture "$big" 8 | "$SAKER" -c "$tmp/c.yaml" -e - >"$tmp/agent.out" 2>"$tmp/agent.err" &
agent=$!
pids+=($agent)
wait_http "http://127.0.0.1:$port/healthz" 100 || not_ok "config: web server did not come up"
sleep 1.5
# json_output on and a file output added: both at once, between two alerts
config "$tmp/c.yaml" true "$port" "$tmp/json.txt"
kill -HUP $agent
t=$(now)
if wait_for 2 has_json && wait_for 2 file_grows 0; then
	ok "config reload: JSON alerts on stdout and in the new file within $(since "$t")s"
else
	not_ok "config reload: no JSON alert within 2 s: $(tail -3 "$tmp/agent.err")"
fi
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m3"
if prom_check "$tmp/m3" >/dev/null && [ "$(metric "$tmp/m3" saker_rules_last_load_success)" = 1 ] &&
	grep -q '^saker_output_sent_total{output="file"} ' "$tmp/m3" && ! grep -q 'web server restarted' "$tmp/agent.err"; then
	ok "config reload: /metrics shows the file output; the web server (keys unchanged) kept running"
else
	not_ok "config reload: /metrics: $(grep -E 'rules_last|output_sent' "$tmp/m3" | grep -v '^#' | paste -sd' ')"
fi
# a configuration whose outputs cannot open: refused, the old outputs keep delivering
config "$tmp/c.yaml" false "$port" "$tmp/no/such/dir/x.txt"
n1=$(wc -l <"$tmp/json.txt")
kill -HUP $agent
t=$(now)
if wait_for 2 failures_are 1; then ok "broken config: refused within $(since "$t")s"; else not_ok "broken config: no failure in /metrics after 2 s"; fi
curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m4"
if grep -q "reload failed, the previous configuration and rules keep running: file output: cannot open '$tmp/no/such/dir/x.txt'" "$tmp/agent.err" &&
	grep -q '^saker_rules_last_load_error_info{error="file output: cannot open ' "$tmp/m4"; then
	ok "broken config: logged and exported in /metrics"
else
	not_ok "broken config: log: $(tail -2 "$tmp/agent.err") metrics: $(grep error_info "$tmp/m4")"
fi
if wait_for 2 file_grows "$n1"; then ok "broken config: the old outputs keep alerting ($n1 -> $(wc -l <"$tmp/json.txt") in the file)"; else not_ok "broken config: the file stopped at $n1 alerts"; fi
# a new listen_port: the web server moves
port2=$(free_port)
config "$tmp/c.yaml" true "$port2" "$tmp/json.txt"
kill -HUP $agent
t=$(now)
if wait_for 2 healthz_on "$port2" && ! healthz_on "$port" && grep -q 'web server restarted' "$tmp/agent.err"; then
	ok "config reload: new listen_port served within $(since "$t")s, the old one closed"
else
	not_ok "config reload: web server on $port2: $(tail -3 "$tmp/agent.err")"
fi
wait $agent
rc=$?
# stdout: text alerts, then JSON ones; together every matching event exactly once
{ sed -n 's/^[0-9:.]* Notice v1 //p' "$tmp/agent.out"; grep '^{' "$tmp/agent.out" | jq -r .output | sed -n 's/^[0-9:.]* Notice v1 //p'; } | sort -n >"$tmp/got"
if [ $rc -eq 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
	ok "config reload: every matching event alerted once on stdout across the swaps ($(grep -c '^[0-9]' "$tmp/agent.out") text + $(grep -c '^{' "$tmp/agent.out") JSON)"
else
	not_ok "config reload: rc=$rc, $(wc -l <"$tmp/got") alerts for $total events: $(diff "$tmp/want" "$tmp/got" | head -5 | paste -sd' ')"
fi
first_json=$(grep -n '^{' "$tmp/agent.out" | head -1 | cut -d: -f1)
last_text=$(grep -n '^[0-9:.]* Notice v1 ' "$tmp/agent.out" | tail -1 | cut -d: -f1)
[ -n "$first_json" ] && [ "$last_text" -lt "$first_json" ] && ok "config reload: one clean switch on stdout (text up to line $last_text, JSON from $first_json)" ||
	not_ok "config reload: text up to line $last_text, JSON from line $first_json"
# the file: JSON only, the same alerts as stdout's JSON ones, each once
jq -r .output "$tmp/json.txt" | sort >"$tmp/file_alerts"
grep '^{' "$tmp/agent.out" | jq -r .output | sort >"$tmp/stdout_json"
if [ -s "$tmp/file_alerts" ] && cmp -s "$tmp/file_alerts" "$tmp/stdout_json" && [ -z "$(sort "$tmp/file_alerts" | uniq -d)" ]; then
	ok "config reload: the file output got every JSON alert once ($(wc -l <"$tmp/file_alerts"))"
else
	not_ok "config reload: file $(wc -l <"$tmp/file_alerts") vs stdout $(wc -l <"$tmp/stdout_json") JSON alerts"
fi
finish
