#!/usr/bin/env bash
# The event generator against the live agent with its default rules: every
# action raises exactly its rule, once, with the right fields (process,
# parent, file, user, container id), and nothing else fires for the
# generator's processes. Needs root and the probe (see live_lib.sh).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/live_lib.sh"
need_live

# action <TAB> rule <TAB> field=value;... ("$CID" = the action's container id, "~" = regex)
expected() {
	cat <<'EOF'
shell-spawned-by-server	Shell Spawned by Server Process	proc.name=sh;proc.pname=nginx;user.name=root;container.id=host
terminal-shell-in-container	Terminal Shell in Container	proc.name=sh;proc.pname=runc;user.name=root;container.id=$CID
fileless-execution	Fileless Execution from Memory File	proc.pname=event-generator;user.name=root;container.id=host
read-sensitive-file	Read Sensitive File by Unexpected Program	proc.name=event-generator;fd.name=/etc/shadow;user.name=root;container.id=host
symlink-sensitive-file	Create Symlink to Sensitive File	proc.name=event-generator;evt.arg.target=/etc/shadow;user.name=root;container.id=host
hardlink-sensitive-file	Create Hardlink to Sensitive File	proc.name=event-generator;evt.arg.oldpath=/etc/shadow;user.name=root;container.id=host
search-private-keys	Search for Private Keys or Cloud Credentials	proc.name=find;proc.pname=event-generator;user.name=root;container.id=host
write-below-etc	Write below etc	proc.name=event-generator;fd.name=/etc/saker-event-generator.tmp;user.name=root;container.id=host
write-below-binary-dir	Write below binary dir	proc.name=event-generator;fd.name=/usr/bin/saker-event-generator.tmp;user.name=root
write-below-root	Write below root	proc.name=event-generator;fd.name=/root/saker-event-generator.tmp;user.name=root
write-below-dev	Write below dev	proc.name=event-generator;fd.name=/dev/saker-event-generator.tmp;user.name=root
remote-copy-in-container	Remote File Copy Tool in Container	proc.name=scp;proc.pname=event-generator;user.name=root;container.id=$CID
network-tool-in-container	Network Tool in Container	proc.name=nc;proc.pname=event-generator;user.name=root;container.id=$CID
package-manager-in-container	Package Manager in Container	proc.name=apt-get;proc.pname=event-generator;user.name=root;container.id=$CID
sudo-privilege-escalation	Sudo Privilege Escalation Attempt	proc.name=sudoedit;proc.pname=event-generator;user.name=nobody;user.uid=65534
ptrace-attach	Ptrace Attach to Process	proc.name=event-generator;evt.arg.request=PTRACE_ATTACH;user.name=root
unprivileged-userfaultfd	Unprivileged Userfaultfd	proc.name=event-generator;user.name=nobody
kernel-module-load	Kernel Module Load	proc.name=event-generator;user.name=root
bpf-program-load	BPF Program Load	proc.name=event-generator;user.name=root
mount-in-container	Mount Host Path from Container	proc.name=event-generator;evt.arg.dev=/etc;container.id=$CID
namespace-change-in-container	Namespace Change in Container	proc.name=event-generator;evt.type=setns;container.id=$CID
packet-socket	Packet Socket Created	proc.name=event-generator;user.name=root
clear-log-file	Clear Log Files	proc.name=event-generator;fd.name=/var/log/saker-event-generator.log
clear-shell-history	Delete or Truncate Shell History	proc.name=event-generator;fs.path.name=~/saker-event-generator-[^/]*/\.bash_history$
miner-pool-port	Connection to Mining Pool Port	proc.name=event-generator;fd.sport=~^(3333|14444|45700|5555)$
stratum-protocol	Crypto Miner Stratum Protocol	proc.name=true;proc.pname=event-generator
EOF
}

# The alerts of rule $1 whose output fields match the JSON object $2.
matching() {
	jq -c --arg rule "$1" --argjson exp "$2" '
		select(.rule == $rule) | . as $a
		| select([$exp | to_entries[] | . as $e
			| ($a.output_fields[$e.key] | tostring) as $v
			| if ($e.value | startswith("~")) then ($v | test($e.value[1:]))
			  else $v == $e.value end] | all)' "$tmp/alerts.json"
}

start_agent "$tmp/alerts.json" "$tmp/agent.err" -o json_output=true || exit 1
if "$EVENT_GENERATOR" all >"$tmp/gen.out" 2>"$tmp/gen.err"; then
	ok "event-generator all exits 0"
else
	not_ok "event-generator all failed: $(cat "$tmp/gen.err")"
fi
stop_agent INT
[ "$agent_rc" = 0 ] && ok "agent stops cleanly on SIGINT" || not_ok "agent exit status $agent_rc"
grep '^{' "$tmp/alerts.json" >"$tmp/a" && mv "$tmp/a" "$tmp/alerts.json"

# Every action the generator has is in the table, and the other way round.
diff <("$EVENT_GENERATOR" list | cut -f1 | sort) <(expected | cut -f1 | sort) >"$tmp/d" &&
	ok "the table covers every generator action" || not_ok "actions differ: $(cat "$tmp/d")"

while IFS=$'\t' read -r action rule fields; do
	cid=$(sed -n "s/^$action *in container \([0-9a-f]\{12\}\) .*/\1/p" "$tmp/gen.out" | head -n1)
	exp=$(echo "${fields//\$CID/$cid}" | tr ';' '\n' |
		jq -Rn '[inputs | capture("^(?<k>[^=]+)=(?<v>.*)$") | {(.k): .v}] | add')
	n=$(matching "$rule" "$exp" | wc -l)
	if [ "$n" = 1 ]; then
		ok "$action: one '$rule' alert with $fields"
	else
		not_ok "$action: $n '$rule' alerts with ${fields//\$CID/$cid}; got: $(jq -c --arg r "$rule" 'select(.rule == $r) | .output_fields' "$tmp/alerts.json")"
	fi
done < <(expected)

# Nothing else fired for the generator's processes.
markers='event-generator|saker-event-generator|nginx|runc|sudoedit|stratum|memfd:saker'
for cid in $(grep -o 'in container [0-9a-f]\{12\}' "$tmp/gen.out" | cut -d' ' -f3); do
	markers="$markers|$cid"
done
total=$(jq -c --arg m "$markers" 'select((.output_fields | tostring) | test($m))' "$tmp/alerts.json" | wc -l)
want=$(expected | wc -l)
[ "$total" = "$want" ] && ok "exactly $want alerts for the generator's processes" ||
	not_ok "$total alerts for the generator's processes, want $want: $(jq -r --arg m "$markers" 'select((.output_fields | tostring) | test($m)) | .rule' "$tmp/alerts.json" | sort | uniq -c)"

# The generator cleaned up after itself.
left=$(ls -d /tmp/saker-event-generator-* /etc/saker-event-generator.tmp /usr/bin/saker-event-generator.tmp \
	/root/saker-event-generator.tmp /dev/saker-event-generator.tmp /var/log/saker-event-generator.log \
	/etc/.saker-event-generator-link 2>/dev/null)
cg=$(find /sys/fs/cgroup -maxdepth 3 -name 'saker-event-generator*' 2>/dev/null)
[ -z "$left$cg" ] && ok "no files or cgroups left behind" || not_ok "left behind: $left $cg"
finish
