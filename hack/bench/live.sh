#!/usr/bin/env bash
# `make bench`, live part (performance.md 5a, 5b): what the live agent costs
# the syscalls it watches, beside the physical floor and auditd, and the
# highest event rate it takes without drops. Load on CPU 0, agent on CPU 1,
# medians; figures, never pass/fail. Needs root (skipped otherwise).
#
#  (a) ns per getpid and per openat+close pair: untraced; with the reference
#      probe (empty sys_enter+sys_exit programs, bench_floor); with saker live
#      running falco_rules-0.31.0.yaml; with auditd auditing the same
#      syscalls. Targets: getpid's added cost <= 1.2x the floor's;
#      openat+close <= 1.45x untraced; cheaper than auditd.
#  (c) the auditd rows of (a): Debian's auditd, installed here if missing.
#  (b) openat+close paced at rising rates against saker live: the highest
#      rate with zero drops, and the agent's CPU. Target: >= 320k events/s.
#
# Usage: hack/bench/live.sh BUILD_DIR
set -euo pipefail
O=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${SAKER_CORPUS:-$top/../shared/corpus}
bin=$top/$O/bin
rules=$corpus/falco-rules/falco_rules-0.31.0.yaml
RUNS=${BENCH_RUNS:-7}
GETPID_N=${BENCH_GETPID_N:-2000000}
OPEN_N=${BENCH_OPEN_N:-200000}
work=$(mktemp -d)
agent=
floor=
cleanup() {
	[ -n "$agent" ] && kill -9 "$agent" 2>/dev/null
	[ -n "$floor" ] && kill "$floor" 2>/dev/null
	command -v auditctl >/dev/null && auditctl -D -k saker-bench >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT

echo
echo "== live agent (load on CPU 0, agent on CPU 1, median of $RUNS)"
if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root"
	exit 0
fi
echo "kernel $(uname -r); $(grep -H . /sys/devices/system/cpu/vulnerabilities/spectre_v2 2>/dev/null | sed 's|.*/||')"
sysctl -qw kernel.bpf_stats_enabled=0 2>/dev/null || true

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
loop() { # getpid|open N -> ns
	taskset -c 0 "$bin/bench_loop" "$1" "$2" | sed 's/^ns_per_op=//'
}
# measure NAME: the medians into g[NAME] (getpid ns) and o[NAME] (openat+close ns)
declare -A g o
measure() {
	g[$1]=$(for _ in $(seq "$RUNS"); do loop getpid "$GETPID_N"; done | median)
	o[$1]=$(for _ in $(seq "$RUNS"); do loop open "$OPEN_N"; done | median)
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start_saker OUT: saker live with the upstream rules on CPU 1, back when it watches.
start_saker() {
	taskset -c 1 "$bin/saker" -r "$rules" -v -U >"$1" 2>"$1.err" &
	agent=$!
	for _ in $(seq 600); do
		grep -q 'probe attached, /proc scanned' "$1.err" && return 0
		kill -0 "$agent" 2>/dev/null || break
		sleep 0.1
	done
	echo "saker did not start: $(cat "$1.err")"
	return 1
}
stop_saker() {
	kill -INT "$agent"
	wait "$agent" || true
	agent=
}

# (a) untraced, floor, saker, untraced again (the baseline is their mean).
measure untraced1
"$bin/bench_floor" >"$work/floor" &
floor=$!
for _ in $(seq 100); do grep -q ready "$work/floor" && break; sleep 0.05; done
measure floor
kill -INT "$floor"
wait "$floor" || true
floor=
start_saker "$work/saker.out"
t0=$(cpu_ticks "$agent")
s0=$(date +%s.%N)
measure saker
t1=$(cpu_ticks "$agent")
s1=$(date +%s.%N)
stop_saker
saker_cpu=$(awk -v a="$t0" -v b="$t1" -v x="$s0" -v y="$s1" -v hz="$(getconf CLK_TCK)" \
	'BEGIN { printf "%.0f", 100 * (b - a) / hz / (y - x) }')
drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$work/saker.out")
measure untraced2
g[untraced]=$(awk -v a="${g[untraced1]}" -v b="${g[untraced2]}" 'BEGIN { print (a + b) / 2 }')
o[untraced]=$(awk -v a="${o[untraced1]}" -v b="${o[untraced2]}" 'BEGIN { print (a + b) / 2 }')

# (c) auditd auditing the same syscalls.
audit=no
if ! command -v auditctl >/dev/null || ! command -v auditd >/dev/null; then
	echo "installing auditd (Debian) for the comparison..."
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq auditd >/dev/null 2>&1 || true
fi
if command -v auditctl >/dev/null; then
	started_auditd=no
	if ! pidof auditd >/dev/null; then
		auditd >/dev/null 2>&1 && started_auditd=yes || true
		sleep 1
	fi
	# Debian's default audit.rules backlog (-b 8192); the kernel's 64 stalls every audited syscall.
	backlog=$(auditctl -s 2>/dev/null | sed -n 's/^backlog_limit //p')
	if pidof auditd >/dev/null && auditctl -e 1 >/dev/null 2>&1 && auditctl -b 8192 >/dev/null 2>&1 &&
		auditctl -a always,exit -F arch=b64 -S getpid -S openat -S close -k saker-bench >/dev/null 2>&1; then
		# Audited syscalls are slow: fewer iterations and runs give the same ns per call.
		RUNS=3 GETPID_N=$((GETPID_N / 100)) OPEN_N=$((OPEN_N / 100)) measure auditd
		audit=yes
	else
		echo "auditd: could not start it or add rules here"
	fi
	auditctl -D -k saker-bench >/dev/null 2>&1 || true
	[ -n "$backlog" ] && auditctl -b "$backlog" >/dev/null 2>&1 || true
	[ "$started_auditd" = yes ] && kill "$(pidof auditd)" 2>/dev/null || true
fi

row() { # name
	awk -v n="$1" -v g="${g[$1]}" -v o="${o[$1]}" -v bg="${g[untraced]}" -v bo="${o[untraced]}" 'BEGIN {
		printf "%-28s getpid %7.1f ns (%.2fx untraced, +%.1f ns)   openat+close %7.1f ns (%.2fx untraced, +%.1f ns)\n",
			n, g, g / bg, g - bg, o, o / bo, o - bo }'
}
echo "(a) syscall cost"
row untraced
row floor
row saker
[ "$audit" = yes ] && row auditd
awk -v g0="${g[untraced]}" -v gf="${g[floor]}" -v gs="${g[saker]}" -v o0="${o[untraced]}" \
	-v os="${o[saker]}" -v cpu="$saker_cpu" -v d="${drops:-?}" 'BEGIN {
	printf "saker live (falco_rules-0.31.0): getpid added cost %.2fx the floor'\''s (target <= 1.2x); ", (gs - g0) / (gf - g0)
	printf "openat+close %.2fx untraced (target <= 1.45x); agent CPU %s%% of one core, %s drops\n", os / o0, cpu, d
}'
if [ "$audit" = yes ]; then
	awk -v g0="${g[untraced]}" -v gs="${g[saker]}" -v ga="${g[auditd]}" -v o0="${o[untraced]}" \
		-v os="${o[saker]}" -v oa="${o[auditd]}" 'BEGIN {
		printf "(c) auditd: getpid %.2fx untraced, openat+close %.2fx untraced; added cost saker/auditd: getpid %.2f, openat+close %.2f\n",
			ga / g0, oa / o0, (gs - g0) / (ga - g0), (os - o0) / (oa - o0)
	}'
fi

# (b) paced openat+close against saker: the highest rate with zero drops.
echo "(b) paced openat+close (3 s per step) against saker live with falco_rules-0.31.0"
best=0
best_cpu=
for rate in 100000 200000 320000 400000 500000 640000 800000 1000000 1300000 1600000 2000000; do
	start_saker "$work/rate.out"
	t0=$(cpu_ticks "$agent")
	s0=$(date +%s.%N)
	line=$(taskset -c 0 "$bin/bench_loop" rate "$rate" 3)
	t1=$(cpu_ticks "$agent")
	s1=$(date +%s.%N)
	stop_saker
	achieved=$(echo "$line" | sed -n 's/.*achieved_per_s=\([0-9]*\).*/\1/p')
	d=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$work/rate.out")
	ev=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$work/rate.out")
	cpu=$(awk -v a="$t0" -v b="$t1" -v x="$s0" -v y="$s1" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.0f", 100 * (b - a) / hz / (y - x) }')
	printf "  offered %8d/s  achieved %8d/s  kernel events %9s  drops %8s  agent CPU %3s%%\n" \
		"$rate" "$achieved" "$ev" "$d" "$cpu"
	[ "${d:-1}" != 0 ] && break
	if [ "$achieved" -gt "$best" ]; then
		best=$achieved
		best_cpu=$cpu
	fi
	if [ "$achieved" -lt $((rate * 9 / 10)) ]; then
		echo "  (the load on CPU 0 is saturated)"
		break
	fi
done
echo "highest rate with zero drops: $best syscall events/s, agent CPU ${best_cpu:-?}% of one core (target >= 320000)"
