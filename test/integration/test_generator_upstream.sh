#!/usr/bin/env bash
# The event generator against the live agent running Falco's upstream 0.31.0
# rules: each action raises the upstream rule(s) that describe it (the
# upstream rules that are enabled by default and need no network or
# Kubernetes metadata). Needs root and the probe (see live_lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
need_live
rules=$SAKER_CORPUS/falco-rules/falco_rules-0.31.0.yaml

# action <TAB> upstream rule
expected() {
	cat <<'EOF'
shell-spawned-by-server	Run shell untrusted
terminal-shell-in-container	Terminal shell in container
read-sensitive-file	Read sensitive file untrusted
symlink-sensitive-file	Create Symlink Over Sensitive Files
hardlink-sensitive-file	Create Hardlink Over Sensitive Files
search-private-keys	Search Private Keys or Passwords
write-below-etc	Write below etc
write-below-binary-dir	Write below binary dir
write-below-binary-dir	Modify binary dirs
write-below-root	Write below root
write-below-dev	Create files below dev
remote-copy-in-container	Launch Remote File Copy Tools in Container
network-tool-in-container	Launch Suspicious Network Tool in Container
package-manager-in-container	Launch Package Management Process in Container
sudo-privilege-escalation	Sudo Potential Privilege Escalation
unprivileged-userfaultfd	Unprivileged Delegation of Page Faults Handling to a Userspace Process
clear-log-file	Clear Log Activities
clear-shell-history	Delete or rename shell history
stratum-protocol	Detect crypto miners using the Stratum protocol
EOF
}

start_agent "$tmp/alerts.json" "$tmp/agent.err" -r "$rules" -o json_output=true || exit 1
"$EVENT_GENERATOR" all >"$tmp/gen.out" 2>"$tmp/gen.err" || not_ok "event-generator all failed: $(cat "$tmp/gen.err")"
stop_agent INT
[ "$agent_rc" = 0 ] && ok "agent with the upstream rules stops cleanly" || not_ok "agent exit status $agent_rc"

markers='event-generator|saker-event-generator|nginx|runc|sudoedit|stratum'
for cid in $(grep -o 'in container [0-9a-f]\{12\}' "$tmp/gen.out" | cut -d' ' -f3); do
	markers="$markers|$cid"
done
grep '^{' "$tmp/alerts.json" |
	jq -r --arg m "$markers" 'select((.output_fields | tostring) | test($m)) | .rule' |
	sort | uniq -c >"$tmp/fired"
while IFS=$'\t' read -r action rule; do
	if grep -q "^ *[0-9]* $rule\$" "$tmp/fired"; then
		ok "$action raises upstream '$rule'"
	else
		not_ok "$action did not raise upstream '$rule'; fired: $(tr '\n' ';' <"$tmp/fired")"
	fi
done < <(expected)
finish
