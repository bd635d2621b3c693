#!/usr/bin/env bash
# The live agent: root check, default rules, -M, SIGINT/SIGTERM, -w captures
# that Debian sysdig reads, its own syscalls left out, the kernel filter, and
# drops with a tiny ring buffer under load (counted, alerted, agent keeps
# running; action exit stops it). Needs root and the probe (live_lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
need_sysdig

# Not root: one clear message (runs before need_live, which skips when not root).
if [ "$(id -u)" = 0 ]; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$SAKER" -M 1 >/dev/null 2>"$tmp/nonroot.err"; then
		not_ok "saker live as uid 65534 succeeded"
	elif grep -q 'needs root' "$tmp/nonroot.err"; then
		ok "not root: '$(cat "$tmp/nonroot.err")'"
	else
		not_ok "not root: unclear message: $(cat "$tmp/nonroot.err")"
	fi
fi
need_live

cat >"$tmp/rules.yaml" <<'EOF'
- rule: marker opened
  desc: the test's marker file was opened
  condition: evt.type in (open, openat, openat2) and fd.name contains saker-live-marker
  output: "marker opened (proc.name=%proc.name proc.pname=%proc.pname fd.name=%fd.name user.name=%user.name)"
  priority: NOTICE
EOF

# Default rules, -M: runs for about the time asked and prints the summary.
start=$SECONDS
if "$SAKER" -M 2 >"$tmp/m.out" 2>"$tmp/m.err"; then
	ok "saker -M 2 with the default rules exits 0"
else
	not_ok "saker -M 2 failed: $(cat "$tmp/m.err")"
fi
took=$((SECONDS - start))
[ "$took" -ge 2 ] && [ "$took" -le 15 ] && ok "-M 2 stopped after ${took}s" || not_ok "-M 2 took ${took}s"
grep -q '^Events detected:' "$tmp/m.out" && ok "summary printed" || not_ok "no summary: $(cat "$tmp/m.out")"
grep -q 'not found' "$tmp/m.err" && not_ok "default rules not found: $(cat "$tmp/m.err")" || ok "default rules found beside the binary"

# SIGTERM and SIGINT both stop it cleanly; alerts carry the state's fields.
marker=$tmp/saker-live-marker
echo x >"$marker"
for sig in TERM INT; do
	start_agent "$tmp/$sig.out" "$tmp/$sig.err" -r "$tmp/rules.yaml" || exit 1
	cat "$marker" >/dev/null
	sleep 0.3
	stop_agent "$sig"
	[ "$agent_rc" = 0 ] && ok "SIG$sig: exit 0" || not_ok "SIG$sig: exit $agent_rc: $(cat "$tmp/$sig.err")"
	grep -q "marker opened (proc.name=cat proc.pname=bash fd.name=$marker user.name=root)" "$tmp/$sig.out" &&
		ok "SIG$sig: alert with proc, parent, file and user" || not_ok "SIG$sig: alert missing: $(cat "$tmp/$sig.out")"
	grep -q '^Events detected: ' "$tmp/$sig.out" && ok "SIG$sig: summary" || not_ok "SIG$sig: no summary"
done

# Directions: the probe reports exits; a rule only an enter event can match
# (evt.dir = >) gets one rebuilt from the exit; a rule matching either
# direction fires once per syscall, on the exit (as Falco without enter events).
cat >"$tmp/dir.yaml" <<'EOF2'
- rule: marker enter
  desc: d
  condition: evt.type = openat and evt.dir = > and evt.arg.name contains saker-dir-marker
  output: "dir enter %evt.dir %evt.arg.name"
  priority: NOTICE
- rule: marker either
  desc: d
  condition: evt.type = openat and evt.arg.name contains saker-dir-marker
  output: "dir either %evt.dir %evt.arg.name"
  priority: NOTICE
- rule: marker exit
  desc: d
  condition: evt.type = openat and evt.dir = < and fd.name contains saker-dir-marker
  output: "dir exit %evt.dir %fd.name"
  priority: NOTICE
EOF2
dmarker=$tmp/saker-dir-marker
echo x >"$dmarker"
start_agent "$tmp/dir.out" "$tmp/dir.err" -r "$tmp/dir.yaml" -o rule_matching=all || exit 1
cat "$dmarker" >/dev/null
sleep 0.3
stop_agent INT
for want in "dir enter > $dmarker" "dir either < $dmarker" "dir exit < $dmarker"; do
	n=$(grep -c -- "$want\$" "$tmp/dir.out")
	[ "$n" = 1 ] && ok "directions: one '$want'" || not_ok "directions: $n '$want': $(cat "$tmp/dir.out")"
done
n=$(grep -c 'dir either' "$tmp/dir.out")
[ "$n" = 1 ] && ok "directions: a rule for either direction fires once" || not_ok "directions: 'either' fired $n times"

# -w: a capture sysdig reads, with enter+exit pairs, process and fd names.
start_agent "$tmp/w.out" "$tmp/w.err" -r "$tmp/rules.yaml" -w "$tmp/live.scap" || exit 1
cat "$marker" >/dev/null
/bin/true saker-live-arg
"$BENCH_LOOP" getpid 1000 >/dev/null
sleep 0.3
self=$agent_pid
stop_agent INT
[ "$agent_rc" = 0 ] && ok "-w: exit 0" || not_ok "-w: exit $agent_rc: $(cat "$tmp/w.err")"
if sysdig -r "$tmp/live.scap" -p '%evt.dir %evt.type %proc.name %fd.name' "fd.name=$marker" >"$tmp/sd" 2>"$tmp/sd.err"; then
	ok "sysdig reads the live capture"
else
	not_ok "sysdig cannot read the live capture: $(cat "$tmp/sd.err")"
fi
grep -q "^< openat cat $marker\$" "$tmp/sd" && ok "-w: openat exit with process and file" || not_ok "-w: no openat of the marker: $(cat "$tmp/sd")"
grep -q "^> close cat $marker\$" "$tmp/sd" && ok "-w: close enter carries the fd (pairs)" || not_ok "-w: no close enter of the marker: $(cat "$tmp/sd")"
args=$(sysdig -r "$tmp/live.scap" -p '%proc.args' 'evt.type=execve and evt.dir=< and proc.name=true' 2>/dev/null)
[ "$args" = "saker-live-arg" ] && ok "-w: execve with its arguments" || not_ok "-w: execve of true: '$args'"
n=$(sysdig -r "$tmp/live.scap" "proc.pid=$self" 2>/dev/null | wc -l)
[ "$n" = 0 ] && ok "-w: none of the agent's own syscalls" || not_ok "-w: $n events of the agent itself"
n=$(sysdig -r "$tmp/live.scap" 'evt.type=getpid' 2>/dev/null | wc -l)
[ "$n" = 0 ] && ok "kernel filter: getpid not reported (no rule needs it)" || not_ok "kernel filter: $n getpid events"

# -A: every syscall, the ones without an event of their own as generic events,
# and sysdig still reads the whole capture (IDs it does not know are "unknown").
start_agent "$tmp/A.out" "$tmp/A.err" -r "$tmp/rules.yaml" -A -w "$tmp/all.scap" || exit 1
"$EVENT_GENERATOR" -q all >/dev/null 2>&1
"$BENCH_LOOP" getpid 100 >/dev/null
python3 -c 'import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)'
stop_agent INT
if sysdig -r "$tmp/all.scap" >"$tmp/all.txt" 2>"$tmp/all.err"; then
	ok "-A: sysdig reads the whole capture ($(wc -l <"$tmp/all.txt") events)"
else
	not_ok "-A: sysdig failed after $(wc -l <"$tmp/all.txt") events: $(head -c 300 "$tmp/all.err")"
fi
grep -q '< getpid' "$tmp/all.txt" && ok "-A: generic events (getpid) reported" || not_ok "-A: no getpid"
grep -q '< setsockopt res=0 fd=[0-9]*(<4>) level=1(SOL_SOCKET) optname=2(SO_REUSEADDR) val=1 optlen=4' "$tmp/all.txt" &&
	grep -q '< getsockopt res=0 fd=[0-9]*(<4>) level=1(SOL_SOCKET) optname=3(SO_TYPE) val=1 optlen=4' "$tmp/all.txt" &&
	ok "-A: setsockopt/getsockopt as sysdig prints them" ||
	not_ok "-A: sockopt events: $(grep sockopt "$tmp/all.txt" | head -4)"

# base_syscalls.custom_set widens the kernel filter.
start_agent "$tmp/c.out" "$tmp/c.err" -r "$tmp/rules.yaml" -w "$tmp/custom.scap" \
	-o 'base_syscalls.custom_set[]=getpid' || exit 1
"$BENCH_LOOP" getpid 1000 >/dev/null
sleep 0.3
stop_agent INT
n=$(sysdig -r "$tmp/custom.scap" 'evt.type=getpid and proc.name=bench_loop' 2>/dev/null | wc -l)
[ "$n" -ge 2000 ] && ok "base_syscalls.custom_set: $n getpid events" || not_ok "base_syscalls.custom_set: $n getpid events (want >= 2000 with enter+exit)"

# A rule naming a syscall without an event of its own widens the kernel
# filter by that syscall (generic events), as Falco's adaptive set does.
cat >"$tmp/generic.yaml" <<'EOF2'
- rule: getpid by bench_loop
  desc: d
  condition: evt.type = getpid and proc.name = bench_loop
  output: "generic %evt.type %proc.name"
  priority: NOTICE
EOF2
start_agent "$tmp/g.out" "$tmp/g.err" -r "$tmp/generic.yaml" || exit 1
"$BENCH_LOOP" getpid 100 >/dev/null
sleep 0.3
stop_agent INT
n=$(grep -c 'generic getpid bench_loop$' "$tmp/g.out")
[ "$n" = 100 ] && ok "a rule on a generic syscall: 100 getpid alerts" || not_ok "a rule on a generic syscall: $n getpid alerts (want 100)"

# Tiny ring buffer under load: drops are counted and alerted, the agent keeps running.
start_agent "$tmp/d.out" "$tmp/d.err" -r "$tmp/rules.yaml" -o engine.modern_ebpf.ringbuf_bytes=4096 \
	-o syscall_event_drops.rate=100 -o syscall_event_drops.max_burst=100 || exit 1
"$BENCH_LOOP" open 300000 >/dev/null
sleep 1.5
if kill -0 "$agent_pid" 2>/dev/null; then ok "drops: agent still running after the load"; else not_ok "drops: agent died"; fi
stop_agent INT
[ "$agent_rc" = 0 ] && ok "drops: exit 0" || not_ok "drops: exit $agent_rc"
drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$tmp/d.out")
[ "${drops:-0}" -gt 0 ] && ok "drops: $drops counted" || not_ok "drops: none counted: $(cat "$tmp/d.out")"
grep -q 'Critical Falco internal: syscall event drop. [0-9]* system calls dropped in last second.' "$tmp/d.out" &&
	ok "drops: syscall_event_drops alert" || not_ok "drops: no alert: $(head -c 2000 "$tmp/d.out")"
grep -q '^Falco internal: syscall event drop' "$tmp/d.err" && ok "drops: logged" || not_ok "drops: not logged"
grep -q 'event drop detected: [1-9]' "$tmp/d.err" && ok "drops: exit statistics" || not_ok "drops: $(cat "$tmp/d.err")"
events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$tmp/d.out")
[ "${events:-0}" -gt 0 ] && grep -q '^Events detected: ' "$tmp/d.out" &&
	ok "drops: $events events still delivered, summary printed" || not_ok "drops: no events or summary"

# The drop alert takes the output format of a reload (json_output turned on).
printf 'json_output: false\n' >"$tmp/drop.yaml"
start_agent "$tmp/dr.out" "$tmp/dr.err" -c "$tmp/drop.yaml" -r "$tmp/rules.yaml" \
	-o engine.modern_ebpf.ringbuf_bytes=4096 -o syscall_event_drops.rate=100 \
	-o syscall_event_drops.max_burst=100 || exit 1
printf 'json_output: true\n' >"$tmp/drop.yaml"
kill -HUP "$agent_pid"
for _ in $(seq 50); do grep -q -i 'reload' "$tmp/dr.err" && break; sleep 0.1; done
sleep 0.5
"$BENCH_LOOP" open 300000 >/dev/null
sleep 1.5
stop_agent INT
grep '"rule":"Falco internal: syscall event drop"' "$tmp/dr.out" | grep -q '"priority":"Critical"' &&
	ok "drops: the alert after a reload is JSON" ||
	not_ok "drops: no JSON drop alert after the reload: $(grep -i drop "$tmp/dr.out" | head -3) $(tail -3 "$tmp/dr.err")"

# A reload applies the live keys: base_syscalls.custom_set widens the kernel
# filter from then on (getpid before the reload is not reported, after it is).
printf 'base_syscalls:\n  custom_set: []\n' >"$tmp/live.yaml"
start_agent "$tmp/rl.out" "$tmp/rl.err" -c "$tmp/live.yaml" -r "$tmp/rules.yaml" -w "$tmp/rl.scap" || exit 1
"$BENCH_LOOP" getpid 300 >/dev/null
printf 'base_syscalls:\n  custom_set: [getpid]\n' >"$tmp/live.yaml"
kill -HUP "$agent_pid"
for _ in $(seq 50); do grep -q 'reload: [0-9]* rules loaded' "$tmp/rl.err" && break; sleep 0.1; done
sleep 0.3
"$BENCH_LOOP" getpid 1000 >/dev/null
sleep 0.3
stop_agent INT
n=$(sysdig -r "$tmp/rl.scap" 'evt.type=getpid and evt.dir=< and proc.name=bench_loop' 2>/dev/null | wc -l)
[ "$n" = 1000 ] && ok "reload: base_syscalls.custom_set applied live (1000 getpid after it, none before)" ||
	not_ok "reload: $n getpid exits (want the 1000 after the reload): $(tail -3 "$tmp/rl.err")"

# log_level follows a reload: at error the reload's info line is not logged,
# once a reload sets info it is.
printf 'log_level: error\n' >"$tmp/log.yaml"
start_agent "$tmp/log.out" "$tmp/log.err" -c "$tmp/log.yaml" -r "$tmp/rules.yaml" || exit 1
kill -HUP "$agent_pid"
sleep 2
quiet=$(grep -c 'rules loaded' "$tmp/log.err")
printf 'log_level: info\n' >"$tmp/log.yaml"
kill -HUP "$agent_pid"
sleep 2
kill -HUP "$agent_pid"
for _ in $(seq 50); do grep -q 'rules loaded' "$tmp/log.err" && break; sleep 0.1; done
stop_agent INT
[ "$quiet" = 0 ] && grep -q 'reload: [0-9]* rules loaded' "$tmp/log.err" &&
	ok "reload: log_level applied live (error: silent; info: the reload is logged)" ||
	not_ok "reload: log_level: $quiet info lines at error; after info: $(grep -c 'rules loaded' "$tmp/log.err")"

# A reload with another ring-buffer size restarts the probe: from 4 KiB rings
# that drop under load to 8 MiB ones that do not, alerts flowing on.
printf 'engine:\n  kind: modern_ebpf\n  modern_ebpf:\n    ringbuf_bytes: 4096\n' >"$tmp/ring.yaml"
start_agent "$tmp/ring.out" "$tmp/ring.err" -c "$tmp/ring.yaml" -r "$tmp/rules.yaml" -v || exit 1
printf 'engine:\n  kind: modern_ebpf\n  modern_ebpf:\n    ringbuf_bytes: 8388608\n' >"$tmp/ring.yaml"
kill -HUP "$agent_pid"
for _ in $(seq 100); do grep -q 'probe restarted' "$tmp/ring.err" && break; sleep 0.1; done
"$BENCH_LOOP" open 100000 >/dev/null
cat "$marker" >/dev/null
sleep 0.5
stop_agent INT
grep -q 'reload: probe restarted with the new ring buffer size' "$tmp/ring.err" &&
	ok "reload: a new ring buffer size restarts the probe" ||
	not_ok "reload: no probe restart: $(tail -3 "$tmp/ring.err")"
drops=$(sed -n 's/^Driver Drops:\([0-9]*\)$/\1/p' "$tmp/ring.out")
events=$(sed -n 's/^Driver Events:\([0-9]*\)$/\1/p' "$tmp/ring.out")
[ "$drops" = 0 ] && [ "${events:-0}" -ge 200000 ] && ok "reload: the new probe's 8 MiB rings: $events events, 0 drops" ||
	not_ok "reload: after the restart: events=$events drops=$drops"
grep -q "marker opened (proc.name=cat" "$tmp/ring.out" && ok "reload: alerts flow from the new probe" ||
	not_ok "reload: no alert after the probe restart"

# syscall_event_drops.actions=exit stops the agent with an error.
"$SAKER" -r "$tmp/rules.yaml" -o engine.modern_ebpf.ringbuf_bytes=4096 -o syscall_event_drops.actions=exit \
	-M 20 >"$tmp/x.out" 2>"$tmp/x.err" &
xpid=$!
sleep 2
"$BENCH_LOOP" open 300000 >/dev/null
sleep 1.5
if kill -0 "$xpid" 2>/dev/null; then
	kill -9 "$xpid"
	not_ok "actions=exit: agent still running"
else
	wait "$xpid"
	rc=$?
	[ "$rc" != 0 ] && grep -q 'exiting' "$tmp/x.err" && ok "actions=exit: exits $rc on drops" ||
		not_ok "actions=exit: exit $rc: $(cat "$tmp/x.err")"
fi
finish
