#!/usr/bin/env bash
# The k8saudit webhook, live: a client posts single Events, EventLists, a JSON
# array, a 10 MB batch, malformed JSON, a wrong content type, a wrong method,
# a wrong path, a body over webhookMaxBatchSize, a chunked body and a request
# cut short. Valid events alert; bad requests get a 4xx and are counted in the
# plugin's metrics; saker keeps serving and exits cleanly on SIGTERM. Then
# a followed file (file://), and HTTPS with a self-signed certificate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_outputs.sh"
data=$top/test/data/plugins

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # port
	for _ in $(seq 100); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
start_saker() { # url, init_config, out, [more saker arguments]
	"$SAKER" -U -v --disable-source syscall -o rule_matching=all \
		-o 'plugins[0].name=k8saudit' -o "plugins[0].open_params=$1" -o "plugins[0].init_config=$2" \
		-o 'load_plugins[]=k8saudit' -o 'load_plugins[]=json' "${@:4}" \
		-r "$top/rules/k8s_audit_rules.yaml" >"$3" 2>&1 &
	pid=$!
}
stop_saker() {
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
}
count() { grep -c "$1" "$2"; }

# ---- HTTP ---------------------------------------------------------------------
port=$(free_port)
webport=$(free_port)
start_saker "http://127.0.0.1:$port/k8s-audit" '{"webhookMaxBatchSize": 11000000}' "$tmp/out" \
	-o webserver.enabled=true -o webserver.listen_address=127.0.0.1 -o "webserver.listen_port=$webport" \
	-o webserver.prometheus_metrics_enabled=true -o metrics.enabled=true
wait_port "$port" || { not_ok "the webhook does not listen on $port: $(head -c 300 "$tmp/out")"; finish; exit 1; }
ok "the webhook listens on 127.0.0.1:$port"

python3 - "$port" "$data/k8s_audit" >"$tmp/client" 2>&1 <<'EOF'
import http.client, json, socket, sys
port, d = int(sys.argv[1]), sys.argv[2]
def load(name): return [json.loads(l) for l in open(f"{d}/{name}.json") if l.strip()]
def post(body, ctype="application/json", method="POST", path="/k8s-audit", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": ctype}
    h.update(headers or {})
    c.request(method, path, body=body, headers=h)
    r = c.getresponse(); r.read(); c.close()
    return r.status
def show(name, status): print(f"{name} {status}")
# single Events (one request each), keep-alive on one connection too
show("event", post(json.dumps(load("privileged_pod")[0])))
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
for name in ("hostnetwork_pod", "hostpid_pod"):
    c.request("POST", "/k8s-audit", body=json.dumps(load(name)[0]), headers={"Content-Type": "application/json; charset=utf-8"})
    r = c.getresponse(); r.read(); show("keepalive-" + name, r.status)
c.close()
# an EventList
items = load("anonymous_request") + load("secret_read") + load("exec_pod")
show("eventlist", post(json.dumps({"kind": "EventList", "apiVersion": "audit.k8s.io/v1", "items": items})))
# a JSON array of Events
show("array", post(json.dumps(load("configmap_credentials") + load("wildcard_clusterrole"))))
# a 10 MB EventList of benign events (each ~5 KB, under webhookMaxBatchSize): all must be read
base = load("benign")[0]["items"][0]
big = []
for i in range(2000):
    e = json.loads(json.dumps(base)); e["auditID"] = "big-%d" % i
    e["requestObject"]["metadata"]["annotations"] = {"pad": "x" * 4120}
    big.append(e)
body = json.dumps({"kind": "EventList", "items": big})
print("bigsize", round(len(body) / 1e6))
show("big", post(body))
# bad requests
show("malformed", post("{not json"))
show("wrong-kind", post(json.dumps({"kind": "Pod"})))
show("content-type", post(json.dumps(load("privileged_pod")[0]), ctype="text/plain"))
show("method", post(None, method="GET"))
show("put", post("{}", method="PUT"))
show("path", post("{}", path="/other"))
show("too-large", post("[" + " " * 11500000 + "]"))
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
c.putrequest("POST", "/k8s-audit"); c.putheader("Content-Type", "application/json"); c.putheader("Transfer-Encoding", "chunked"); c.endheaders()
c.send(b"2\r\n{}\r\n0\r\n\r\n"); r = c.getresponse(); r.read(); show("chunked", r.status); c.close()
s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GARBAGE\r\n\r\n"); show("garbage", s.recv(64).split(b" ")[1].decode()); s.close()
s = socket.create_connection(("127.0.0.1", port))  # a body cut short
s.sendall(b"POST /k8s-audit HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"kind\":"); s.close()
# still serving after all that
show("after", post(json.dumps(load("hostpath_pod")[0])))
EOF
want_client="event 200
keepalive-hostnetwork_pod 200
keepalive-hostpid_pod 200
eventlist 200
array 200
bigsize 10
big 200
malformed 200
wrong-kind 200
content-type 400
method 405
put 405
path 404
too-large 400
chunked 411
garbage 400
after 200"
expect "responses" "$want_client" "$(cat "$tmp/client")"
# Give next_batch (30 ms turns) a moment to drain the queue, then stop.
for _ in $(seq 50); do
	[ "$(count 'Pod created with a sensitive hostPath volume' "$tmp/out")" = 1 ] && break
	sleep 0.1
done
# A client that keeps its connection open must not hold saker up at exit.
python3 - "$port" <<'EOF' &
import http.client, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
c.request("POST", "/k8s-audit", body="[]", headers={"Content-Type": "application/json"})
c.getresponse().read()
time.sleep(30)
EOF
idle=$!
sleep 0.3
# /metrics: the host's counters and k8saudit's own metrics, labelled by plugin
curl -s "http://127.0.0.1:$webport/metrics" >"$tmp/metrics"
if res=$(prom_check "$tmp/metrics"); then ok "/metrics with plugins parses ($res)"; else not_ok "/metrics with plugins: $res"; fi
pm() { awk -v k="$1 " 'index($0, k) == 1 { print $NF }' "$tmp/metrics"; }
expect "/metrics: host counters by plugin" "2009 0 0 0" \
	"$(pm 'saker_plugin_events_total{plugin="k8saudit"}') $(pm 'saker_plugin_events_total{plugin="json"}') $(pm 'saker_plugin_bad_events_total{plugin="k8saudit"}') $(pm 'saker_plugin_extract_failures_total{plugin="k8saudit"}')"
expect "/metrics: k8saudit's metrics (events, bad requests, parse errors)" "2009 8 2" \
	"$(pm 'saker_plugins_events_total{plugin="k8saudit"}') $(pm 'saker_plugins_webhook_requests_bad_total{plugin="k8saudit"}') $(pm 'saker_plugins_parse_errors_total{plugin="k8saudit"}')"
expect "/metrics: one TYPE line for each plugin family" "1 counter" \
	"$(grep -c '^# TYPE saker_plugins_events_total ' "$tmp/metrics") $(awk '/^# TYPE saker_plugins_webhook_bytes_total /{print $4}' "$tmp/metrics")"
t0=$SECONDS
stop_saker
kill "$idle" 2>/dev/null
expect "saker exits 0 on SIGTERM" "0" "$rc"
if [ $((SECONDS - t0)) -le 3 ]; then ok "an idle keep-alive client does not delay exit"; else not_ok "exit took $((SECONDS - t0)) s with an idle client"; fi
got=$(sed -n '/^Triggered rules by rule name:/,/^Plugin metrics:/p' "$tmp/out" | grep '^ ' | sed 's/^ *//' | sort | tr '\n' ';')
expect "valid events alerted, once each" "Anonymous Request: 1;ConfigMap With Credentials: 1;Exec or Attach Into Pod: 1;HostNetwork Pod Created: 1;HostPID Pod Created: 1;HostPath Volume Pod Created: 1;Privileged Pod Created: 1;Secret Read By Unexpected User: 1;Wildcard ClusterRole Created: 1;" "$got"
# 9 alerting events + 2000 from the 10 MB batch
expect "every event read (10 MB batch included)" "Captured Events: 2009" "$(grep -o 'Captured Events: [0-9]*' "$tmp/out")"
metric() { grep -E "^ +k8saudit\.$1: " "$tmp/out" | awk '{print $2}'; }
expect "metric: bad requests (content type, 2 methods, path, size, chunked, garbage, cut body)" "8" "$(metric webhook_requests_bad)"
expect "metric: bodies that were not audit events" "2" "$(metric parse_errors)"
expect "metric: events" "2009" "$(metric events)"
if grep -qiE 'sanitizer|segmentation|core dumped' "$tmp/out"; then not_ok "no crash report: $(grep -iE 'sanitizer|segmentation' "$tmp/out" | head -n1)"; else ok "no crash report"; fi

# ---- listener errors name the plugin and end the source --------------------------
python3 -c "import socket,sys,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(10)" >"$tmp/holder" &
holder=$!
for _ in $(seq 50); do [ -s "$tmp/holder" ] && break; sleep 0.1; done
port2=$(cat "$tmp/holder")
start_saker "http://127.0.0.1:$port2/k8s-audit" '' "$tmp/busy"
( sleep 8; kill "$pid" 2>/dev/null ) &
wait "$pid"
rc=$?
kill "$holder" 2>/dev/null
if [ $rc -eq 1 ] && grep -q "plugin 'k8saudit': next_batch failed: webhook: cannot listen on '127.0.0.1:$port2'" "$tmp/busy"; then
	ok "port in use: $(grep "plugin 'k8saudit'" "$tmp/busy" | head -n1)"
else
	not_ok "port in use: rc=$rc $(head -c 300 "$tmp/busy")"
fi

# ---- file:// follows a file: appended lines, truncation, rotation --------------------
f=$tmp/audit.log
: >"$f"
start_saker "file://$f" '' "$tmp/tail"
sleep 0.5
wait_alert() { # text, count
	for _ in $(seq 50); do
		[ "$(count "$1" "$tmp/tail")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}
cat "$data/k8s_audit/privileged_pod.json" >>"$f"
wait_alert 'Privileged pod created' 1 && ok "file://: an appended line is read" || not_ok "file://: appended: $(head -c 300 "$tmp/tail")"
: >"$f" # truncated: start again at 0 (the follower polls every 100 ms)
sleep 0.3
cat "$data/k8s_audit/hostpid_pod.json" >>"$f"
wait_alert 'Pod created with hostPID' 1 && ok "file://: read again after truncation" || not_ok "file://: truncation: $(head -c 300 "$tmp/tail")"
mv "$f" "$f.1" # rotated: the new file is read from its start
cat "$data/k8s_audit/hostnetwork_pod.json" "$data/k8s_audit/exec_pod.json" >"$f"
wait_alert 'into pod' 1 && ok "file://: a rotated file is read from its start" || not_ok "file://: rotation: $(head -c 300 "$tmp/tail")"
stop_saker
expect "file://: each event once" "Exec or Attach Into Pod: 1;HostNetwork Pod Created: 1;HostPID Pod Created: 1;Privileged Pod Created: 1;" \
	"$(sed -n '/^Triggered rules by rule name:/,/^Plugin metrics:/p' "$tmp/tail" | grep '^ ' | sed 's/^ *//' | sort | tr '\n' ';')"

# ---- reload: a changed init_config goes to the running plugin by set_config -------
post_file() { # port, file: status of one POST of the file's first event
	python3 - "$1" "$2" <<'EOF'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.request("POST", "/k8s-audit", body=json.dumps(json.loads(open(sys.argv[2]).readline())),
          headers={"Content-Type": "application/json"})
print(c.getresponse().status)
EOF
}
plugin_config() { # init_config
	printf 'plugins:\n  - name: k8saudit\n    open_params: "http://127.0.0.1:%s/k8s-audit"\n    init_config: %s\n  - name: json\nload_plugins: [k8saudit, json]\nlog_level: info\n' "$port" "$1" >"$tmp/reload.yaml"
}
reload_and_wait() { # n: wait for the n-th successful reload of the rules to be logged
	kill -HUP "$pid"
	for _ in $(seq 50); do
		[ "$(grep -c 'reload: [0-9]* rules loaded' "$tmp/reload.out")" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
port=$(free_port)
plugin_config '{maxEventSize: 100000}'
"$SAKER" -U -v --disable-source syscall -c "$tmp/reload.yaml" -r "$top/rules/k8s_audit_rules.yaml" >"$tmp/reload.out" 2>&1 &
pid=$!
wait_port "$port" || not_ok "reload: no webhook: $(head -c 300 "$tmp/reload.out")"
expect "reload: before, an event alerts" "200 1" "$(post_file "$port" "$data/k8s_audit/privileged_pod.json") $(sleep 0.5; count 'Privileged pod created' "$tmp/reload.out")"
# too small for any event: the running k8saudit drops them once set_config applied it
plugin_config '{maxEventSize: 10}'
reload_and_wait 1 || not_ok "reload: no reload logged: $(grep reload "$tmp/reload.out" | head -n3)"
sleep 0.2
expect "reload: the new maxEventSize is in force in the running source" "200 1" "$(post_file "$port" "$data/k8s_audit/privileged_pod.json") $(sleep 0.5; count 'Privileged pod created' "$tmp/reload.out")"
# refused by the plugin: logged, the plugin keeps maxEventSize 10, the rules reload anyway
plugin_config '{maxEventSize: 0}'
reload_and_wait 2 || not_ok "reload: the rules did not reload with the plugin's config refused"
if grep -q "plugin 'k8saudit': .*reload.yaml:2:.*set_config failed: .*the plugin keeps its previous config" "$tmp/reload.out"; then
	ok "reload: a config the plugin refuses is logged naming it"
else
	not_ok "reload: refused config: $(grep -i 'k8saudit\|reload' "$tmp/reload.out" | head -n3)"
fi
expect "reload: the old config stays" "200 1" "$(post_file "$port" "$data/k8s_audit/privileged_pod.json") $(sleep 0.5; count 'Privileged pod created' "$tmp/reload.out")"
plugin_config '{maxEventSize: 100000}'
reload_and_wait 3 || not_ok "reload: no third reload logged"
sleep 0.2
expect "reload: back to a large maxEventSize, events alert again (fields of the reused plugins)" "200 2" "$(post_file "$port" "$data/k8s_audit/privileged_pod.json") $(sleep 0.5; count 'Privileged pod created' "$tmp/reload.out")"
stop_saker
expect "reload: saker exits 0" "0" "$rc"
expect "reload: one plugin instance, its drops counted" "2" "$(grep -E '^ +k8saudit\.events_dropped: ' "$tmp/reload.out" | awk '{print $2}')"

# ---- HTTPS --------------------------------------------------------------------
if openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 >/dev/null 2>&1; then
	cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/falco.pem"
	port=$(free_port)
	start_saker "https://127.0.0.1:$port/k8s-audit" "{\"sslCertificate\": \"$tmp/falco.pem\"}" "$tmp/tls"
	if wait_port "$port"; then
		status=$(python3 - "$port" "$data/k8s_audit/privileged_pod.json" "$tmp/cert.pem" <<'EOF'
import http.client, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[3]); ctx.check_hostname = False
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ctx, timeout=30)
c.request("POST", "/k8s-audit", body=open(sys.argv[2]).read(), headers={"Content-Type": "application/json"})
r = c.getresponse(); r.read(); print(r.status)
EOF
)
		expect "HTTPS POST" "200" "$status"
		for _ in $(seq 50); do
			grep -q 'Privileged pod created' "$tmp/tls" && break
			sleep 0.1
		done
		stop_saker
		expect "HTTPS event alerted" "1" "$(count 'Privileged pod created' "$tmp/tls")"
	else
		not_ok "HTTPS webhook does not listen: $(head -c 300 "$tmp/tls")"
		kill "$pid" 2>/dev/null
	fi
else
	not_ok "openssl could not make a test certificate"
fi

finish
