#!/usr/bin/env bash
# `make bench`: print benchmark figures for the hot paths, each beside a
# baseline measured in the same run. Timings are figures, never pass/fail.
# Usage: hack/bench/run.sh BUILD_DIR
set -euo pipefail
O=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${SAKER_CORPUS:-$top/../shared/corpus}
work=${BENCH_DIR:-$top/$O/bench}
mkdir -p "$work"
bin=$top/$O/bin

echo "== .scap reader"
big=$work/big.scap
if [ ! -s "$big" ]; then
	n=$("$bin/bench_scap_reader" build "$corpus/captures/run_as_user_0_container.scap" "$big" 1000000)
	echo "built $(basename "$big"): $n events, $(($(stat -c %s "$big") / 1000000)) MB (container capture repeated)"
fi
saker_line=$("$bin/bench_scap_reader" read "$big" 3)
echo "saker reader:  $saker_line"
t0=$(date +%s.%N)
sysdig -r "$big" "proc.name=saker-bench-matches-nothing" >/dev/null
t1=$(date +%s.%N)
events=$(echo "$saker_line" | sed -n 's/.*events=\([0-9]*\).*/\1/p')
saker_eps=$(echo "$saker_line" | sed -n 's/.*events_per_s=\([0-9]*\).*/\1/p')
size=$(stat -c %s "$big")
awk -v e="$events" -v a="$t0" -v b="$t1" -v s="$size" -v k="$saker_eps" 'BEGIN {
	t = b - a; eps = e / t;
	printf "sysdig -r (filter matching nothing): seconds=%.3f events_per_s=%.0f mb_per_s=%.1f\n", t, eps, s / 1e6 / t;
	printf "ratio saker/sysdig events/s: %.1fx\n", k / eps;
}'

echo
echo "== rules engine (one core)"
for rules in falco_rules.yaml falco_rules-0.31.0.yaml; do
	taskset -c 1 "$bin/bench_engine" "$corpus/falco-rules/$rules" "$big" 3
done
# The same single filter, whole pipeline from the file: saker (read + state +
# rule, -A so every event is evaluated) against sysdig -r, wall time, one core.
filter="proc.name=saker-bench-matches-nothing or (evt.type=open and fd.name startswith /etc)"
printf -- '- rule: one filter\n  desc: bench\n  condition: %s\n  output: "%%evt.num"\n  priority: WARNING\n' \
	"$filter" >"$work/one_filter.yaml"
t0=$(date +%s.%N)
taskset -c 1 sysdig -r "$big" "$filter" >"$work/one_filter.sysdig"
t1=$(date +%s.%N)
taskset -c 1 "$bin/saker" -r "$work/one_filter.yaml" -e "$big" -A >"$work/one_filter.saker" 2>/dev/null
t2=$(date +%s.%N)
awk -v e="$events" -v a="$t0" -v b="$t1" -v c="$t2" \
	-v ns="$(wc -l <"$work/one_filter.sysdig")" -v nk="$(grep -c ': Warning ' "$work/one_filter.saker")" 'BEGIN {
	ts = b - a; tk = c - b;
	printf "one filter over the big capture, whole pipeline, one core: sysdig -r %.3f s (%.0f events/s, %d matches), saker -A %.3f s (%.0f events/s, %d alerts); wall-time ratio saker/sysdig %.2f\n", ts, e / ts, ns, tk, e / tk, nk, tk / ts }'

echo
echo "== Kubernetes: the node's pod informer (API server stand-in, 10k pods on the node)"
k8s=$work/k8s
rm -rf "$k8s"
"$top/hack/k8s-apiserver/mkcerts.sh" "$k8s"
python3 "$top/hack/k8s-apiserver/apiserver.py" --pki "$k8s" --ports-file "$k8s/ports" \
	--history 200000 >"$k8s/apiserver.log" 2>&1 &
api_pid=$!
trap 'kill $api_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$k8s/ports" ] && break; sleep 0.1; done
read -r api_port ctl_port <"$k8s/ports"
pods=${BENCH_K8S_PODS:-10000}
curl -sf -XPOST "http://127.0.0.1:$ctl_port/control/pods" \
	-d "{\"count\": $pods, \"node\": \"n1\", \"namespace\": \"bench\", \"prefix\": \"p\"}" >/dev/null
curl -sf -XPOST "http://127.0.0.1:$ctl_port/control/pods" \
	-d '{"count": 2000, "node": "n2", "namespace": "bench", "prefix": "other"}' >/dev/null
"$bin/bench_k8s" "https://127.0.0.1:$api_port" "$k8s/token" "$ctl_port" "$pods"
kill "$api_pid" 2>/dev/null || true

echo
echo "== alert outputs (every exit event of the big capture alerts; JSON to a file and HTTP at once)"
"$bin/bench_outputs" "$big" "$work"

echo
echo "== state tables: RSS with 10k threads and 100k fds (target: under 150 MB)"
"$bin/bench_state"

echo
echo "== plugins: k8s audit events/s (webhook and file) and CloudTrail records/s (files), one core"
"$top/hack/bench/plugins.sh" "$O" "$work"

# The live agent: syscall cost beside the floor and auditd, zero-drop rate (root).
"$top/hack/bench/live.sh" "$O"
