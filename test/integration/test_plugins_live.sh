#!/usr/bin/env bash
# Plugin sources beside the live probe, with -w: the k8saudit webhook's events
# alert while syscalls are captured, and the capture holds both, the plugin
# events as code 322 written after the /proc tables: replayed through the
# same rules they raise the same alerts, and Debian sysdig still reads the
# file. Needs root and the probe (live_lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
need_sysdig
need_live
data=$top/test/data/plugins
K8S=(-o 'load_plugins[]=k8saudit' -o 'load_plugins[]=json')

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
post() { # port, file...: the status of one POST per file (its first event)
	python3 - "$@" <<'EOF'
import http.client, json, sys
port = int(sys.argv[1])
for f in sys.argv[2:]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/k8s-audit", body=json.dumps(json.loads(open(f).readline())),
              headers={"Content-Type": "application/json"})
    print(c.getresponse().status, end=" ")
    c.close()
EOF
}
triggered() { sed -n '/^Triggered rules by rule name:/,$p' | grep '^ ' | sed 's/^ *//' | grep -v '^k8saudit\.' | sort | tr '\n' ';'; }

cat >"$tmp/rules.yaml" <<'EOF'
- rule: marker opened
  desc: the test's marker file was opened
  condition: evt.type in (open, openat, openat2) and fd.name contains saker-plugins-live-marker
  output: "marker opened (fd.name=%fd.name)"
  priority: NOTICE
EOF
port=$(free_port)
start_agent "$tmp/out" "$tmp/err" -r "$tmp/rules.yaml" -r "$top/rules/k8s_audit_rules.yaml" \
	"${K8S[@]}" -o 'plugins[0].name=k8saudit' -o "plugins[0].open_params=http://127.0.0.1:$port/k8s-audit" \
	-w "$tmp/live.scap" || { not_ok "saker live with k8saudit did not start"; finish; exit 1; }
ok "saker live with the k8saudit webhook started"
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
	sleep 0.1
done
cat /etc/hostname >/tmp/saker-plugins-live-marker.$$ 2>/dev/null
cat /tmp/saker-plugins-live-marker.$$ >/dev/null
rm -f /tmp/saker-plugins-live-marker.$$
expect "webhook POSTs" "200 200 " "$(post "$port" "$data/k8s_audit/privileged_pod.json" "$data/k8s_audit/hostpid_pod.json")"
for _ in $(seq 50); do
	grep -q 'Pod created with hostPID' "$tmp/out" && break
	sleep 0.1
done
sleep 0.5
stop_agent INT
expect "saker exits 0" "0" "$agent_rc"
live=$(triggered <"$tmp/out")
case $live in
*"HostPID Pod Created: 1;"*"Privileged Pod Created: 1;"*"marker opened: "*) ok "live: plugin and syscall alerts ($live)" ;;
*) not_ok "live alerts: [$live] $(head -c 300 "$tmp/err")" ;;
esac

n=$("$SAKER" -e "$tmp/live.scap" --dump 2>/dev/null | grep -c 'pluginevent plugin_id=1 ')
expect "-w: the capture holds the two plugin events (code 322, plugin id 1)" "2" "$n"
replayed=$("$SAKER" "${K8S[@]}" -r "$top/rules/k8s_audit_rules.yaml" -e "$tmp/live.scap" 2>/dev/null | triggered)
expect "-w: replayed, the plugin events raise the same alerts" "HostPID Pod Created: 1;Privileged Pod Created: 1;" "$replayed"
n=$("$SAKER" -r "$tmp/rules.yaml" -e "$tmp/live.scap" 2>/dev/null | grep -c 'marker opened')
if [ "$n" -ge 1 ]; then ok "-w: the syscall events are there too ($n marker opens)"; else not_ok "-w: no marker open replayed"; fi
if sysdig -r "$tmp/live.scap" -p '%evt.type' 'evt.type=pluginevent or fd.name contains saker-plugins-live-marker' >"$tmp/sysdig" 2>"$tmp/sysdig.err"; then
	ok "sysdig reads the capture ($(wc -l <"$tmp/sysdig") plugin events and marker events)"
else
	not_ok "sysdig refuses the capture: $(head -c 300 "$tmp/sysdig.err")"
fi
finish
