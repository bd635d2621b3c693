#!/usr/bin/env bash
# Plugin benchmarks (part of `make bench`): Kubernetes audit events/s from
# the k8saudit webhook to alerts with the corpus k8s audit rules loaded (saker
# pinned to one core, the client on another), the same events replayed from
# a file, and CloudTrail records/s from a directory of log files with the
# corpus CloudTrail rules. Figures only; nothing here passes or fails.
# Usage: hack/bench/plugins.sh BUILD_DIR WORK_DIR
set -euo pipefail
O=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $O in /*) build=$O ;; *) build=$top/$O ;; esac
work=${2:-$build/bench}/plugins
corpus=${SAKER_CORPUS:-$top/../shared/corpus}
saker=$build/bin/saker
mkdir -p "$work"
core=${BENCH_CORE:-1}
n=${BENCH_AUDIT_EVENTS:-100000}

# Audit events: the corpus samples, each repeated with its own auditID; one
# final event that only the sentinel rule matches marks the end.
python3 - "$corpus/samples/k8s_audit" "$work" "$n" <<'PY'
import glob, json, sys
src, work, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = [json.loads(l) for f in sorted(glob.glob(src + "/*.json")) for l in open(f) if l.strip()]
evs = []
for i in range(n):
    e = dict(base[i % len(base)]); e["auditID"] = "bench-%d" % i
    evs.append(e)
end = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "bench-end", "stage": "ResponseComplete",
       "verb": "get", "user": {"username": "system:kube-scheduler"}, "objectRef": {"resource": "bench", "name": "bench-sentinel"},
       "annotations": {"authorization.k8s.io/decision": "allow"}, "stageTimestamp": base[0]["stageTimestamp"]}
with open(work + "/audit.jsonl", "w") as f:
    for e in evs + [end]: f.write(json.dumps(e, separators=(",", ":")) + "\n")
bodies = [json.dumps({"kind": "EventList", "items": evs[i:i + 500]}, separators=(",", ":")) for i in range(0, n, 500)]
bodies.append(json.dumps({"kind": "EventList", "items": [end]}))
with open(work + "/bodies.json", "w") as f: json.dump(bodies, f)
PY
cat >"$work/sentinel.yaml" <<'Y'
- rule: Bench Sentinel
  desc: the last event of a benchmark run
  condition: ka.target.name = bench-sentinel
  output: bench sentinel seen
  priority: EMERGENCY
  source: k8s_audit
Y
rules=(-r "$work/sentinel.yaml" -r "$corpus/falco-rules/k8s_audit_rules.yaml")
K8S=(-o 'load_plugins[]=k8saudit' -o 'load_plugins[]=json')

# 1. webhook → alerts
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
taskset -c "$core" "$saker" -U -v --disable-source syscall "${K8S[@]}" "${rules[@]}" \
	-o 'plugins[0].name=k8saudit' -o "plugins[0].open_params=http://127.0.0.1:$port/k8s-audit" \
	>"$work/webhook.out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
	sleep 0.1
done
client_core=$(( core == 0 ? 1 : 0 ))
taskset -c "$client_core" python3 - "$port" "$work" <<'PY'
import http.client, json, os, sys, time
port, work = int(sys.argv[1]), sys.argv[2]
bodies = json.load(open(work + "/bodies.json"))
c = http.client.HTTPConnection("127.0.0.1", port)
t0 = time.time()
for b in bodies:
    c.request("POST", "/k8s-audit", body=b, headers={"Content-Type": "application/json"})
    r = c.getresponse(); r.read()
posted = time.time()
out = work + "/webhook.out"
while b"bench sentinel seen" not in open(out, "rb").read():
    time.sleep(0.005)
    if time.time() - t0 > 300: break
t1 = time.time()
n = sum(b.count('"auditID"') for b in bodies)
print("k8saudit webhook -> alerts (corpus k8s_audit_rules.yaml, saker on one core): "
      "events=%d seconds=%.3f events_per_s=%.0f (posting took %.3f s)" % (n, t1 - t0, n / (t1 - t0), posted - t0))
PY
kill -TERM "$pid" 2>/dev/null
wait "$pid" || true
alerts=$(grep -o 'Events detected: [0-9]*' "$work/webhook.out" || true)
echo "  ($alerts; target: at least 20000 events/s)"

# 2. the same events from a file (no HTTP)
taskset -c "$core" "$saker" -v "${rules[@]}" -e "$work/audit.jsonl" >"$work/file.out" 2>&1
line=$(grep 'Elapsed time' "$work/file.out")
echo "k8saudit file replay -> alerts (same rules, one core): $line"

# 3. CloudTrail: 200 log files of 500 records (both corpus samples' shapes and Saker's own samples)
ct=$work/cloudtrail
if [ ! -d "$ct" ]; then
	python3 - "$corpus/samples/cloudtrail/alice_start_instances.json" "$top/test/data/plugins/cloudtrail" "$ct" <<'PY'
import glob, gzip, json, os, sys
sample, own, out = sys.argv[1], sys.argv[2], sys.argv[3]
recs = json.load(open(sample))["Records"]
for f in sorted(glob.glob(own + "/*.json")):
    recs += json.load(open(f))["Records"]
os.makedirs(out)
for i in range(200):
    rs = []
    for k in range(500):
        r = dict(recs[(i * 500 + k) % len(recs)]); r["eventID"] = "bench-%d-%d" % (i, k)
        rs.append(r)
    name = "%s/111122223333_CloudTrail_eu-west-1_20260301T12%02dZ_%03d.json" % (out, i % 60, i)
    data = json.dumps({"Records": rs}, indent=1)
    if i % 2:
        with gzip.open(name + ".gz", "wt") as f: f.write(data)
    else:
        open(name, "w").write(data)
PY
fi
taskset -c "$core" "$saker" -v --disable-source syscall -o 'load_plugins[]=cloudtrail' -o 'load_plugins[]=json' \
	-o 'plugins[0].name=cloudtrail' -o "plugins[0].open_params=$ct" \
	-r "$corpus/falco-rules/aws_cloudtrail_rules.yaml" >"$work/ct.out" 2>&1
line=$(grep 'Elapsed time' "$work/ct.out")
echo "cloudtrail files -> alerts (corpus aws_cloudtrail_rules.yaml, 200 files, half gzip, one core): $line"
