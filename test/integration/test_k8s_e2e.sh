#!/usr/bin/env bash
# End to end: saker live with -k/-K/--k8s-node against the API server
# stand-in. A process started in a cgroup named like a containerd container
# of a pod the stand-in lists (one pod listed before the agent started, one
# created after) raises an alert carrying that pod's k8s.pod.name,
# k8s.ns.name and container.image.*; a container whose pod is unknown still
# alerts, with <NA>. Without Kubernetes: one log line, fields <NA>.
# Needs root (cgroup v2 directories, the live probe).
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root: cgroups and the live probe" >&2; exit 1; }
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cgroot" ] || { echo "no cgroup v2 hierarchy mounted" >&2; exit 1; }

pki=$tmp/pki
"$top/hack/k8s-apiserver/mkcerts.sh" "$pki"
python3 "$top/hack/k8s-apiserver/apiserver.py" --pki "$pki" --ports-file "$tmp/ports" \
	>"$tmp/apiserver.log" 2>&1 &
api_pid=$!
saker_pid=
cgdirs=()
cleanup() {
	[ -n "$saker_pid" ] && kill "$saker_pid" 2>/dev/null && wait "$saker_pid" 2>/dev/null
	kill "$api_pid" 2>/dev/null
	for d in "${cgdirs[@]}"; do rmdir "$d" 2>/dev/null; done
	rmdir "$cgroot/saker-e2e.slice" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; sleep 0.1; done
read -r api_port ctl_port <"$tmp/ports"
url=https://127.0.0.1:$api_port
ctl() { curl -sf -XPOST "http://127.0.0.1:$ctl_port/control/$1" -d "$2" >/dev/null; }

cid() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# pod NAME NS CID IMAGE [SPEC_FIELDS]: a running pod on node n1 whose container has id CID
pod() {
	ctl apply "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"name\":\"$1\",\"namespace\":\"$2\",
	\"labels\":{\"app\":\"$1\"}},\"spec\":{\"nodeName\":\"n1\",${5:-}\"containers\":[{\"name\":\"main\",
	\"image\":\"$4\"}]},\"status\":{\"podIP\":\"10.9.0.2\",\"containerStatuses\":[{\"name\":\"main\",
	\"image\":\"$4\",\"imageID\":\"${4%%:*}@sha256:$(printf 'ab%.0s' $(seq 32))\",
	\"containerID\":\"containerd://$3\"}]}}}"
}
# run_in CID: exec the probe binary inside a containerd-style cgroup of that id
run_in() {
	local d=$cgroot/saker-e2e.slice/cri-containerd-$1.scope
	mkdir -p "$d"
	cgdirs+=("$d")
	sh -c "echo \$\$ >'$d/cgroup.procs' && exec '$tmp/sk8sprobe' 0.2"
}
cp /bin/sleep "$tmp/sk8sprobe"
cat >"$tmp/rules.yaml" <<'RULES'
- rule: k8s e2e probe
  desc: the probe binary ran
  condition: evt.type in (execve, execveat) and evt.dir=< and proc.name=sk8sprobe
  output: "probe cid=%container.id pod=%k8s.pod.name ns=%k8s.ns.name repo=%container.image.repository tag=%container.image.tag digest=%container.image.digest ns_labels=%k8s.ns.labels hostns=%container.host_pid/%container.host_network/%container.host_ipc ip=%k8s.pod.ip uid=%k8s.pod.uid"
  priority: WARNING
RULES

ctl apply '{"object":{"kind":"Namespace","metadata":{"name":"shop","labels":{"team":"fe"}}}}'
cid_a=$(cid)
pod web-a shop "$cid_a" docker.io/library/nginx:1.25.3 '"hostPID":true,"hostIPC":true,'
ctl apply '{"object":{"kind":"Pod","metadata":{"name":"far","namespace":"shop"},"spec":{"nodeName":"n2"}}}'

start_saker() { # log, extra args...
	local log=$1; shift
	"$SAKER" -r "$tmp/rules.yaml" -U -v "$@" >"$log.out" 2>"$log.err" &
	saker_pid=$!
	for _ in $(seq 300); do
		grep -q "probe attached" "$log.err" && return 0
		kill -0 "$saker_pid" 2>/dev/null || break
		sleep 0.1
	done
	cat "$log.err" >&2
	return 1
}
wait_alert() { # log, pattern
	for _ in $(seq 100); do grep -q "$2" "$1.out" && return 0; sleep 0.1; done
	return 1
}

if start_saker "$tmp/k8s" -k "$url" -K "$pki/token" --k8s-node n1 -w "$tmp/live.scap"; then
	ok "saker started with -k/-K/--k8s-node"
else
	not_ok "saker did not start"; finish; exit 1
fi
run_in "$cid_a"
if wait_alert "$tmp/k8s" "cid=${cid_a:0:12} "; then
	line=$(grep "cid=${cid_a:0:12} " "$tmp/k8s.out" | head -1)
	exp="pod=web-a ns=shop repo=docker.io/library/nginx tag=1.25.3 digest=sha256:$(printf 'ab%.0s' $(seq 32)) ns_labels=team:fe hostns=true/false/true ip=10.9.0.2 uid="
	case $line in *"$exp"*) ok "pod listed at start: $exp" ;;
	*) not_ok "pod listed at start: got '$line', want '$exp'" ;; esac
	uid=$(curl -sfk -H "Authorization: Bearer $(cat "$pki/token")" \
		"$url/api/v1/namespaces/shop/pods/web-a" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["uid"])')
	case $line in *" uid=$uid") [ -n "$uid" ] && ok "k8s.pod.uid is the pod's uid $uid" || not_ok "no uid from the stand-in" ;;
	*) not_ok "k8s.pod.uid: got '$line', want uid=$uid" ;; esac
else
	not_ok "no alert for the listed pod's container"
fi

# A pod created after the agent started, with another image.
cid_b=$(cid)
pod job-b shop "$cid_b" registry.local:5000/tools/cron:7.1
sleep 1
run_in "$cid_b"
if wait_alert "$tmp/k8s" "cid=${cid_b:0:12} "; then
	line=$(grep "cid=${cid_b:0:12} " "$tmp/k8s.out" | head -1)
	exp="pod=job-b ns=shop repo=registry.local:5000/tools/cron tag=7.1"
	case $line in *"$exp"*) ok "pod created after start: $exp" ;;
	*) not_ok "pod created after start: got '$line', want '$exp'" ;; esac
else
	not_ok "no alert for the new pod's container"
fi

# A container no pod names (yet): the event is not held back, fields are <NA>.
cid_c=$(cid)
run_in "$cid_c"
if wait_alert "$tmp/k8s" "cid=${cid_c:0:12} "; then
	line=$(grep "cid=${cid_c:0:12} " "$tmp/k8s.out" | head -1)
	case $line in *"pod=<NA> ns=<NA>"*) ok "unknown container alerts with <NA>" ;;
	*) not_ok "unknown container: got '$line'" ;; esac
else
	not_ok "no alert for a container without a pod"
fi
kill "$saker_pid"; wait "$saker_pid" 2>/dev/null; saker_pid=

# The capture replayed with -k: the same pods resolve from the stand-in.
"$SAKER" -r "$tmp/rules.yaml" -e "$tmp/live.scap" -k "$url" -K "$pki/token" --k8s-node n1 \
	>"$tmp/replay.out" 2>"$tmp/replay.err"
for c in "$cid_a:web-a" "$cid_b:job-b"; do
	id=${c%%:*}
	if grep "cid=${id:0:12} " "$tmp/replay.out" | grep -q "pod=${c#*:} ns=shop"; then
		ok "replay with -k: ${c#*:}"
	else
		not_ok "replay with -k: no alert for ${c#*:}: $(head -c 600 "$tmp/replay.out" "$tmp/replay.err")"
	fi
done

# The same replay configured through Falco's k8s.* keys and a kubeconfig.
cat >"$tmp/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: standin
  cluster:
    server: $url
    certificate-authority: $pki/ca.crt
users:
- name: agent
  user:
    tokenFile: $pki/token
contexts:
- name: standin
  context: {cluster: standin, user: agent}
current-context: standin
KCFG
"$SAKER" -r "$tmp/rules.yaml" -e "$tmp/live.scap" -o k8s.enabled=true \
	-o "k8s.kubeconfig=$tmp/kubeconfig" -o k8s.node_name=n1 >"$tmp/cfg.out" 2>"$tmp/cfg.err"
if grep "cid=${cid_a:0:12} " "$tmp/cfg.out" | grep -q "pod=web-a ns=shop"; then
	ok "replay with k8s.kubeconfig and k8s.node_name from the configuration"
else
	not_ok "config keys: $(head -c 600 "$tmp/cfg.out" "$tmp/cfg.err")"
fi
"$SAKER" -r "$tmp/rules.yaml" -e "$tmp/live.scap" -o k8s.enabled=false \
	-o "k8s.kubeconfig=$tmp/kubeconfig" -o k8s.node_name=n1 >"$tmp/off.out" 2>"$tmp/off.err"
if grep "cid=${cid_a:0:12} " "$tmp/off.out" | grep -q "pod=<NA>"; then
	ok "k8s.enabled=false keeps the fields <NA>"
else
	not_ok "k8s.enabled=false: $(head -c 600 "$tmp/off.out" "$tmp/off.err")"
fi

# The agent asked only for its node's pods.
stats=$(curl -sf -XPOST "http://127.0.0.1:$ctl_port/control/stats" -d '{}')
if echo "$stats" | grep -q 'Pod?spec.nodeName=n1' && ! echo "$stats" | grep -q '"Pod?"'; then
	ok "pods listed and watched with fieldSelector spec.nodeName=n1 only"
else
	not_ok "pod requests without the node selector: $stats"
fi

# Without Kubernetes: one log line, no retry storm, fields <NA>.
if KUBERNETES_SERVICE_HOST= start_saker "$tmp/nok8s"; then
	run_in "$cid_a"
	wait_alert "$tmp/nok8s" "cid=${cid_a:0:12} " || true
	sleep 1
	n=$(grep -c "saker: k8s:" "$tmp/nok8s.err")
	line=$(grep "cid=${cid_a:0:12} " "$tmp/nok8s.out" | head -1)
	if [ "$n" -eq 1 ] && [[ $line == *"pod=<NA> ns=<NA>"* ]]; then
		ok "without Kubernetes: one log line, <NA> fields"
	else
		not_ok "without Kubernetes: $n log lines, alert '$line'"
	fi
	kill "$saker_pid"; wait "$saker_pid" 2>/dev/null; saker_pid=
else
	not_ok "saker without Kubernetes did not start"
fi
finish
