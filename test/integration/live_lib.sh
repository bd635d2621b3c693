# Helpers of the live-probe tests (sourced after lib.sh; not a test itself).
EVENT_GENERATOR=$SAKER_BUILD/bin/event-generator
BENCH_LOOP=$SAKER_BUILD/bin/bench_loop
agent_pid=
agent_rc=

# The live tests need root and a loadable probe: skip otherwise, or fail
# when SAKER_REQUIRE_BPF=1 (CI) says the probe must load here.
need_live() {
	local why=
	if [ "$(id -u)" != 0 ]; then
		why="not root"
	elif ! "$SAKER" -r "$top/rules/saker_rules.yaml" -M 1 >/dev/null 2>"$tmp/probe-check.err"; then
		why=$(grep -m1 -i 'probe\|root' "$tmp/probe-check.err" || head -n1 "$tmp/probe-check.err")
	fi
	[ -z "$why" ] && return 0
	if [ "${SAKER_REQUIRE_BPF:-0}" = 1 ]; then
		echo "FAIL the live probe must load (SAKER_REQUIRE_BPF=1): $why"
		exit 1
	fi
	echo "skip: the live probe cannot load here: $why"
	exit 0
}

# start_agent OUT ERR ARGS...: saker live in the background (-v -U), back
# once the probe is attached and /proc scanned.
start_agent() {
	local out=$1 err=$2 i
	shift 2
	"$SAKER" -v -U "$@" >"$out" 2>"$err" &
	agent_pid=$!
	trap 'kill -9 $agent_pid 2>/dev/null; rm -rf "$tmp"' EXIT
	for i in $(seq 1 600); do
		grep -q 'probe attached, /proc scanned' "$err" && return 0
		kill -0 "$agent_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "saker did not start:"
	cat "$err"
	return 1
}

# stop_agent [SIGNAL]: stop it (default SIGINT); its exit status in agent_rc.
stop_agent() {
	kill "-${1:-INT}" "$agent_pid" 2>/dev/null
	wait "$agent_pid"
	agent_rc=$?
}
