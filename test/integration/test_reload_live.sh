#!/usr/bin/env bash
# Hot reload in live mode (root, eBPF probe): while a generator opens a
# sequence of marker files, a broken rules file is refused (old rules keep
# alerting, /metrics says why), a fixed one takes effect within 2 s, and
# every marker open alerts exactly once across the swaps: the probe stays
# attached and no event is lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outputs.sh"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
if [ "$(id -u)" != 0 ]; then
	echo "skip: live mode needs root"
	exit 0
fi

rule() { # name, output tag
	cat <<EOF
- rule: $1
  desc: opens of the test's marker files
  condition: evt.type in (open, openat, openat2) and evt.dir=< and fd.name startswith $tmp/marker-
  output: "$2 %fd.name"
  priority: NOTICE
EOF
}
rule "Marker open" v1 >"$tmp/v1.yaml"
rule "Marker open again" v2 >"$tmp/v2.yaml"
{ cat "$tmp/v1.yaml"; printf -- '- rule: broken\n  desc: x\n  condition: evt.type=open and (\n  output: x\n  priority: NOTICE\n'; } >"$tmp/broken.yaml"
cp "$tmp/v1.yaml" "$tmp/rules.yaml"
n=3000
for i in $(seq 0 $n); do : >"$tmp/marker-$i"; done

port=$(free_port)
"$SAKER" -r "$tmp/rules.yaml" -o stdout_output.enabled=false -o file_output.enabled=true \
	-o "file_output.filename=$tmp/alerts.txt" -o file_output.keep_alive=true \
	-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$port" \
	-o webserver.prometheus_metrics_enabled=true -o metrics.enabled=true \
	-o watch_config_files=false >"$tmp/agent.out" 2>"$tmp/agent.err" &
agent=$!
pids+=($agent)
# attached when an open of marker-0 alerts
attached=
for _ in $(seq 150); do
	cat "$tmp/marker-0"
	grep -q "marker-0" "$tmp/alerts.txt" 2>/dev/null && { attached=1; break; }
	kill -0 $agent 2>/dev/null || break
	sleep 0.1
done
if [ -z "$attached" ]; then
	if grep -qiE "probe|bpf|permission|not supported" "$tmp/agent.err"; then
		echo "skip: the live probe is not available here: $(tail -n 3 "$tmp/agent.err")"
		exit 0
	fi
	not_ok "live agent never alerted: $(tail -n 5 "$tmp/agent.err")"
	finish
	exit 1
fi
ok "live agent attached and alerting"

# the generator: marker-1..N opened in order, ~400 per second
python3 - "$tmp" "$n" <<'PY' &
import sys, time
d, n = sys.argv[1], int(sys.argv[2])
for i in range(1, n + 1):
    open("%s/marker-%d" % (d, i)).close()
    time.sleep(0.0025)
PY
gen=$!
pids+=($gen)

count() { grep -c "Notice $1 " "$tmp/alerts.txt" 2>/dev/null || true; }
failures_are() { curl -sf "http://127.0.0.1:$port/metrics" >"$tmp/m" && [ "$(metric "$tmp/m" saker_rules_load_failures_total)" = "$1" ]; }
has_v2() { [ "$(count v2)" -gt 0 ]; }
wait_for() { # seconds, command...
	local until=$(($(date +%s%N) + $1 * 1000000000)); shift
	until "$@"; do
		[ "$(date +%s%N)" -gt "$until" ] && return 1
		sleep 0.05
	done
}

sleep 1.5
cp "$tmp/broken.yaml" "$tmp/rules.yaml"
kill -HUP $agent
if wait_for 2 failures_are 1; then ok "live: broken rules refused (in /metrics)"; else not_ok "live: no failure in /metrics after 2 s"; fi
if prom_check "$tmp/m" >/dev/null && grep -q '^saker_rules_last_load_error_info{' "$tmp/m"; then
	ok "live: /metrics parses and says why"
else
	not_ok "live: /metrics after the failure: $(prom_check "$tmp/m")"
fi
n1=$(count v1)
sleep 1
n2=$(count v1)
[ "$n2" -gt "$n1" ] && ok "live: old rules keep alerting ($n1 -> $n2)" || not_ok "live: no alerts after the failed reload ($n1 -> $n2)"
cp "$tmp/v2.yaml" "$tmp/rules.yaml"
kill -HUP $agent
t0=$(date +%s%N)
if wait_for 2 has_v2; then
	ok "live: fixed rules alerting within $(( ($(date +%s%N) - t0) / 1000000 )) ms"
else
	not_ok "live: no v2 alert within 2 s"
fi
wait $gen
sleep 1
kill -INT $agent
wait $agent
expect "live agent exit" "0" "$?"

# every marker-1..N exactly once, all v1 ones before all v2 ones
if python3 - "$tmp/alerts.txt" "$tmp" "$n" <<'PY'
import re, sys
seen = {}
order = []
for line in open(sys.argv[1]):
    m = re.search(r" Notice (v[12]) %s/marker-(\d+)$" % re.escape(sys.argv[2]), line.rstrip("\n"))
    if m and m.group(2) != "0":
        i = int(m.group(2))
        seen[i] = seen.get(i, 0) + 1
        order.append((i, m.group(1)))
n = int(sys.argv[3])
missing = [i for i in range(1, n + 1) if i not in seen]
twice = [i for i, c in seen.items() if c > 1]
last_v1 = max([i for i, v in order if v == "v1"] or [0])
first_v2 = min([i for i, v in order if v == "v2"] or [n + 1])
print("missing=%d twice=%d last_v1=%d first_v2=%d" % (len(missing), len(twice), last_v1, first_v2))
sys.exit(0 if not missing and not twice and last_v1 < first_v2 else 1)
PY
then
	ok "live: every marker open alerted exactly once across the swaps, one swap point"
else
	not_ok "live: alerts across the swaps"
fi
finish
