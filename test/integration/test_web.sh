#!/usr/bin/env bash
# The agent's HTTP server during a replay: /healthz, /versions, /metrics
# checked by a strict Prometheus text-format parser before and after
# traffic, clear 4xx for bad requests, TLS with a certificate made here.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outputs.sh"
rules=$top/test/data/rules/selection.yaml
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
big=$tmp/big.scap
big_capture "$big" 50000 || { not_ok "cannot build the big capture"; finish; exit 1; }

port=$(free_port)
url=http://127.0.0.1:$port
# no events for 2 s, then 3 s of events, then 3 s of quiet before the end
stream_capture "$big" 3 3 2 | "$SAKER" -r "$rules" -e - -o stdout_output.enabled=false \
	-o file_output.enabled=true -o "file_output.filename=$tmp/alerts.txt" \
	-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$port" \
	-o webserver.prometheus_metrics_enabled=true -o metrics.enabled=true >"$tmp/out" 2>"$tmp/err" &
agent=$!
pids+=($agent)
wait_http "$url/healthz" 50 || not_ok "no web server"

# before any event
curl -s -D "$tmp/h0" "$url/metrics" >"$tmp/m0"
if res=$(prom_check "$tmp/m0"); then ok "/metrics before traffic parses ($res)"; else not_ok "/metrics before traffic: $res"; fi
expect "before traffic: no events, no alerts, rules loaded" "0 0 1 3" \
	"$(grep -c '^saker_events_total{' "$tmp/m0") $(grep -c '^saker_alerts_total{' "$tmp/m0") $(metric "$tmp/m0" saker_rules_loaded) $(metric "$tmp/m0" saker_rules_enabled)"
expect "Content-Type of /metrics" "text/plain; version=0.0.4; charset=utf-8" "$(grep -i '^content-type:' "$tmp/h0" | cut -d' ' -f2- | tr -d '\r')"
expect "/healthz" '200 {"status": "ok"}' "$(curl -s -w '%{http_code} ' -o "$tmp/b" "$url/healthz"; cat "$tmp/b")"
if curl -sf "$url/versions" | python3 -c 'import json,sys; v=json.load(sys.stdin); assert v["saker_version"] and v["engine_version"]'; then
	ok "/versions is JSON with the versions"
else
	not_ok "/versions"
fi
expect "unknown path: 404" "404" "$(curl -s -o /dev/null -w '%{http_code}' "$url/nope")"
expect "POST: 405 with Allow" "405 GET, HEAD" "$(curl -s -D "$tmp/h" -o /dev/null -w '%{http_code}' -X POST -d x "$url/metrics") $(grep -i '^allow:' "$tmp/h" | cut -d' ' -f2- | tr -d '\r')"
expect "GET with a body: 400" "400" "$(curl -s -o /dev/null -w '%{http_code}' -X GET -d 'some body' "$url/healthz")"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 8000 /dev/zero | tr '\0' x)" "$url/healthz")
case $code in 4*|000) ok "oversized headers refused ($code)" ;; *) not_ok "oversized headers: $code" ;; esac
expect "still serving after bad requests" "200" "$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")"

# after the events (the capture is written; the agent runs until its end)
sleep 3.5
curl -s "$url/metrics" >"$tmp/m1"
if res=$(prom_check "$tmp/m1"); then ok "/metrics after traffic parses ($res)"; else not_ok "/metrics after traffic: $res"; fi
opens=$(metric "$tmp/m1" 'saker_events_total{source="syscall",type="open_x"}')
null=$(metric "$tmp/m1" 'saker_alerts_total{rule="Open of a null device",priority="Notice"}')
sent=$(metric "$tmp/m1" 'saker_output_sent_total{output="file"}')
rss=$(metric "$tmp/m1" saker_memory_resident_bytes)
if [ "${opens:-0}" -gt 0 ] && [ "${null:-0}" -gt 0 ] && [ "${sent:-0}" -gt 0 ] && [ "${rss:-0}" -gt 1000000 ]; then
	ok "after traffic: open_x events $opens, null-device alerts $null, file output sent $sent, rss $rss"
else
	not_ok "after traffic: open_x=$opens alerts=$null sent=$sent rss=$rss"
fi
threads=$(metric "$tmp/m1" 'saker_state_entries{table="threads"}')
if [ "${threads:-0}" -gt 0 ]; then ok "state: $threads threads in the table"; else not_ok "state: threads=$threads"; fi
expect "state: drop and eviction counters per table" "1 1 1 1 1" \
	"$(for s in 'saker_state_dropped_total{table="threads"}' 'saker_state_dropped_total{table="fds"}' \
		'saker_state_dropped_total{table="containers"}' 'saker_state_evicted_total{table="threads"}' \
		saker_state_strings_truncated_total; do grep -c "^$s [0-9]*\$" "$tmp/m1"; done | xargs)"
expect "queue gauges per output" "1 1" "$(grep -c '^saker_output_queue_depth{output="file"} ' "$tmp/m1") $(grep -c '^saker_output_dropped_total{output="file"} 0$' "$tmp/m1")"
wait $agent
expect "agent exit" "0" "$?"
# The final counts equal the summary's.
expect "alerts in the summary" "$(sed -n 's/^Events detected: //p' "$tmp/out")" "$(wc -l <"$tmp/alerts.txt")"

# /metrics needs metrics.enabled and prometheus_metrics_enabled, as in Falco
port=$(free_port)
stream_capture "$big" 0 2 | "$SAKER" -r "$rules" -e - -o stdout_output.enabled=false \
	-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$port" >/dev/null 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$port/healthz" 50
expect "/metrics off by default" "404" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")"

# TLS: one PEM with certificate and key, as Falco's ssl_certificate
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-subj /CN=localhost -days 1 >/dev/null 2>&1
cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/saker.pem"
port=$(free_port)
stream_capture "$big" 0 3 | "$SAKER" -r "$rules" -e - -o stdout_output.enabled=false \
	-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$port" \
	-o webserver.ssl_enabled=true -o "webserver.ssl_certificate=$tmp/saker.pem" >/dev/null 2>"$tmp/tls.err" &
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null --cacert "$tmp/cert.pem" "https://localhost:$port/healthz" && break; sleep 0.1; done
expect "TLS: /healthz over https, certificate verified" '{"status": "ok"}' "$(curl -s --cacert "$tmp/cert.pem" "https://localhost:$port/healthz")"
expect "TLS: plain http refused" "000" "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://localhost:$port/healthz" || true)"
"$SAKER" -r "$rules" -e "$CAPTURES/syscall.scap" -o webserver.enabled=true -o webserver.listen_address=127.0.0.1 \
	-o "webserver.listen_port=$(free_port)" -o webserver.ssl_enabled=true -o "webserver.ssl_certificate=$tmp/none.pem" >/dev/null 2>"$tmp/e"
rc=$?
if [ $rc -eq 1 ] && grep -q "webserver: cannot listen on 127.0.0.1:[0-9]* with TLS certificate $tmp/none.pem" "$tmp/e"; then
	ok "TLS: a missing certificate is an error naming it"
else
	not_ok "TLS missing certificate: rc=$rc $(cat "$tmp/e")"
fi
finish
