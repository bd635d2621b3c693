#!/usr/bin/env bash
# Hot reload on replay: a capture streamed into a FIFO for several seconds
# while the rules file changes. A broken file is refused (logged, exported
# in /metrics) and the old rules keep alerting; a fixed file takes effect
# within 2 s, by SIGHUP and by watch_config_files (inotify); across the
# swaps no event is lost or evaluated twice.
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
if grep -q "reload failed, the previous rules keep running: .*rules.yaml:8:" "$tmp/agent.err"; then
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
finish
