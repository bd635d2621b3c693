#!/usr/bin/env bash
# Alert outputs against real endpoints on 127.0.0.1 made here: an HTTP
# receiver (JSON body, User-Agent, Content-Type), a syslog unix socket, a
# program recording its input, a file and stdout, all at once; rate limiting
# counted exactly; a sink blocked for 10 s delays neither the other outputs
# nor event processing, and is still flushed at exit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outputs.sh"
rules=$top/test/data/rules/selection.yaml
cap=$CAPTURES/syscall.scap
version=$("$SAKER" --version | sed -n 's/^Saker version: //p')
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$tmp"' EXIT

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}

port=$(free_port)
http_receiver "$port" "$tmp/http.log"
pids+=($!)
syslog_receiver "$tmp/log.sock" "$tmp/syslog.log"
pids+=($!)
for _ in $(seq 50); do [ -S "$tmp/log.sock" ] && curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

cat >"$tmp/all.yaml" <<EOF
json_output: true
stdout_output:
  enabled: true
file_output:
  enabled: true
  filename: $tmp/file.out
syslog_output:
  enabled: true
  address: $tmp/log.sock
program_output:
  enabled: true
  program: cat >> $tmp/prog.out
http_output:
  enabled: true
  url: http://127.0.0.1:$port/alerts
EOF
"$SAKER" -c "$tmp/all.yaml" -r "$rules" -e "$cap" >"$tmp/stdout" 2>"$tmp/stderr"
expect "all outputs: exit 0" "0" "$?"
sleep 0.3
expect "stdout: 4 JSON alerts" "4" "$(grep -c '^{"hostname"' "$tmp/stdout")"
expect "file: 4 alerts" "4" "$(wc -l <"$tmp/file.out")"
expect "program: 4 alerts" "4" "$(wc -l <"$tmp/prog.out")"
expect "syslog: 4 datagrams" "4" "$(grep -c 'saker\[' "$tmp/syslog.log")"
expect "http: 4 POSTs" "4" "$(wc -l <"$tmp/http.log")"
expect "file = program = stdout alerts" "" "$(diff <(grep '^{' "$tmp/stdout") "$tmp/file.out"; diff "$tmp/file.out" "$tmp/prog.out")"
if python3 - "$tmp/http.log" "$tmp/file.out" "saker/$version" <<'PY'
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
file = [json.loads(l) for l in open(sys.argv[2])]
assert [json.loads(p["body"]) for p in posts] == file, "http bodies differ from the file"
for p in posts:
    assert p["ua"] == sys.argv[3], p["ua"]
    assert p["ctype"] == "application/json", p["ctype"]
    a = json.loads(p["body"])
    # the fields falcosidekick reads
    for k in ("output", "priority", "rule", "time", "output_fields", "hostname", "source", "tags"):
        assert k in a, k
    assert a["source"] == "syscall"
assert {json.loads(p["body"])["rule"] for p in posts} == {"Any open", "Open of a null device"}
PY
then ok "http: JSON alerts, User-Agent saker/$version, application/json"; else not_ok "http payloads"; fi
# syslog severity is the rule's priority: Warning (4) and Notice (5), facility user
expect "syslog priorities" "<12> <12> <13> <13>" "$(cut -c1-4 "$tmp/syslog.log" | sort | paste -sd' ')"
if grep -q '"rule":"Open of a null device"' "$tmp/syslog.log"; then ok "syslog carries the alert"; else not_ok "syslog body"; fi

# user_agent and text alerts (text/plain)
: >"$tmp/http.log"
"$SAKER" -r "$rules" -e "$cap" -o stdout_output.enabled=false -o http_output.enabled=true \
	-o "http_output.url=http://127.0.0.1:$port/" -o http_output.user_agent=custom/1.0 >/dev/null 2>&1
sleep 0.3
expect "http: configured user_agent, text/plain" "4 custom/1.0 text/plain" \
	"$(python3 -c 'import json,sys; p=[json.loads(l) for l in open(sys.argv[1])]; print(len(p), p[0]["ua"], p[0]["ctype"])' "$tmp/http.log")"
if grep -q 'Notice null open 188' "$tmp/http.log"; then ok "http: text alert body"; else not_ok "http text body"; fi

# A server answering 503 twice: the first alert is retried with backoff and delivered.
flaky=$(free_port)
http_receiver "$flaky" "$tmp/flaky.log" 0 2
pids+=($!)
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$flaky/" && break; sleep 0.1; done
"$SAKER" -r "$rules" -e "$cap" -o stdout_output.enabled=false -o http_output.enabled=true \
	-o "http_output.url=http://127.0.0.1:$flaky/" >/dev/null 2>"$tmp/flaky.err"
expect "http retries 503 with backoff: every alert delivered" "4 1" \
	"$(wc -l <"$tmp/flaky.log") $(grep -c 'HTTP status 503' "$tmp/flaky.err")"

# HTTPS: the server's certificate checked against ca_cert, or not with insecure;
# a client certificate (mtls) when the server requires one.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/srv.key" -out "$tmp/srv.crt" \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost -days 1 >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/cli.key" -out "$tmp/cli.crt" \
	-subj /CN=saker-client -days 1 >/dev/null 2>&1
tls_port=$(free_port)
HTTP_RECEIVER_TLS="$tmp/srv.crt $tmp/srv.key" http_receiver "$tls_port" "$tmp/tls.log"
pids+=($!)
mtls_port=$(free_port)
HTTP_RECEIVER_TLS="$tmp/srv.crt $tmp/srv.key $tmp/cli.crt" http_receiver "$mtls_port" "$tmp/mtls.log"
pids+=($!)
for _ in $(seq 50); do curl -sk -o /dev/null "https://localhost:$tls_port/" && break; sleep 0.1; done
https_run() { # log port options...: alerts delivered, errors logged
	local log=$1 p=$2
	shift 2
	: >"$log"
	"$SAKER" -r "$rules" -e "$cap" -o stdout_output.enabled=false -o http_output.enabled=true \
		-o "http_output.url=https://localhost:$p/" "$@" >/dev/null 2>"$tmp/https.err"
	sleep 0.2
	echo "$(wc -l <"$log") $(grep -c 'http output: POST' "$tmp/https.err")"
}
expect "https with ca_cert" "4 0" "$(https_run "$tmp/tls.log" "$tls_port" -o "http_output.ca_cert=$tmp/srv.crt")"
expect "https with an unknown CA: refused, logged" "0 1" "$(https_run "$tmp/tls.log" "$tls_port" -o http_output.ca_path=/nonexistent)"
expect "https insecure" "4 0" "$(https_run "$tmp/tls.log" "$tls_port" -o http_output.insecure=true)"
expect "mtls with a client certificate" "4 0" "$(https_run "$tmp/mtls.log" "$mtls_port" -o "http_output.ca_cert=$tmp/srv.crt" \
	-o http_output.mtls=true -o "http_output.client_cert=$tmp/cli.crt" -o "http_output.client_key=$tmp/cli.key")"
expect "mtls without one: refused" "0 1" "$(https_run "$tmp/mtls.log" "$mtls_port" -o "http_output.ca_cert=$tmp/srv.crt")"

# A dead HTTP endpoint: every alert counted as an error, logged once, exit 0.
dead=$(free_port)
"$SAKER" -r "$rules" -e "$cap" -o stdout_output.enabled=false -o http_output.enabled=true \
	-o "http_output.url=http://127.0.0.1:$dead/" >/dev/null 2>"$tmp/dead.err"
expect "dead http endpoint: exit 0, one log line" "0 1" "$? $(grep -c 'http output: POST' "$tmp/dead.err")"

# Rate limiting: a bucket of 100 and no refill lets exactly 100 through, to every output.
big=$tmp/big.scap
big_capture "$big" 50000 || not_ok "cannot build the big capture"
total=$("$SAKER" -r "$rules" -e "$big" -o stdout_output.enabled=false 2>/dev/null | sed -n 's/^Events detected: //p')
: >"$tmp/http.log"
rm -f "$tmp/file.out"
"$SAKER" -r "$rules" -e "$big" -o outputs.rate=0.000001 -o outputs.max_burst=100 \
	-o stdout_output.enabled=false -o file_output.enabled=true -o "file_output.filename=$tmp/file.out" \
	-o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/" >"$tmp/rl.out" 2>&1
sleep 0.3
expect "rate limit: exactly max_burst alerts per output, of $total" "100 100 $total" \
	"$(wc -l <"$tmp/file.out") $(wc -l <"$tmp/http.log") $(sed -n 's/^Events detected: //p' "$tmp/rl.out")"

# A program that blocks for 10 s: the file and HTTP outputs and the event
# loop finish long before it, and it still gets every alert at exit.
: >"$tmp/http.log"
rm -f "$tmp/file.out" "$tmp/blocked.out"
start=$(date +%s.%N)
"$SAKER" -v -r "$rules" -e "$big" -o json_output=true -o stdout_output.enabled=false \
	-o file_output.enabled=true -o "file_output.filename=$tmp/file.out" \
	-o http_output.enabled=true -o "http_output.url=http://127.0.0.1:$port/" -o http_output.keep_alive=true \
	-o program_output.enabled=true -o program_output.keep_alive=true \
	-o "program_output.program=sleep 10; cat > $tmp/blocked.out" >"$tmp/block.out" 2>&1 &
agent=$!
pids+=($agent)
# while the program sleeps, the other outputs have everything
for _ in $(seq 80); do
	[ "$(wc -l <"$tmp/http.log")" -ge "$total" ] && [ "$(wc -l <"$tmp/file.out" 2>/dev/null || echo 0)" -ge "$total" ] && break
	sleep 0.1
done
t_others=$(python3 -c "import time; print(round(time.time() - $start, 1))")
got="$(wc -l <"$tmp/http.log") $(wc -l <"$tmp/file.out")"
if kill -0 $agent 2>/dev/null && [ "$got" = "$total $total" ] && python3 -c "import sys; sys.exit(not $t_others < 8)"; then
	ok "blocked program: file and http complete after ${t_others}s, agent still draining it"
else
	not_ok "blocked program: file/http [$got] of $total after ${t_others}s"
fi
wait $agent
end=$(python3 -c "import time; print(round(time.time() - $start, 1))")
elapsed=$(sed -n 's/^Elapsed time: \([0-9.]*\),.*/\1/p' "$tmp/block.out")
if python3 -c "import sys; sys.exit(not ($elapsed < 3 and $end >= 9.5))"; then
	ok "event processing took ${elapsed}s; exit after ${end}s (the program was flushed)"
else
	not_ok "event processing ${elapsed}s, exit after ${end}s"
fi
expect "blocked program: every alert at exit" "$total" "$(wc -l <"$tmp/blocked.out" 2>/dev/null)"
finish
