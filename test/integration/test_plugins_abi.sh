#!/usr/bin/env bash
# The ABI test: a plugin written in C++ from the ABI spec alone
# (test/abi/abi_plugin.cpp declares every structure itself; it does not use
# Saker's header), built here with g++, loads in saker as an event source and
# as a field extractor (for its own source and for k8saudit's), with index
# and key arguments, every result type, and the host-side pitfalls checked
# from the plugin's side (tables input, "{}" config, arg_index, evtnum).
. "$(dirname "$0")/lib.sh"
abi=$top/test/abi

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}

if ! command -v g++ >/dev/null 2>&1; then
	"$top/hack/install-deps.sh" >&2
fi
if g++ -std=c++17 -Wall -Wextra -Wno-unused-parameter -Werror -fPIC -shared \
	-o "$tmp/libabitest.so" "$abi/abi_plugin.cpp" 2>"$tmp/gxx"; then
	ok "g++ builds the C++ plugin"
else
	not_ok "g++: $(head -c 300 "$tmp/gxx")"
	finish
	exit 1
fi
if grep -q 'saker/plugin_api.h\|plugin_helper.h' "$abi/abi_plugin.cpp"; then
	not_ok "the C++ plugin must not include Saker's header"
else
	ok "the C++ plugin declares the ABI itself"
fi
P=(-o 'plugins[0].name=abitest' -o "plugins[0].library_path=$tmp/libabitest.so" -o 'plugins[0].open_params=x')

# Identity: the plugin answers every get_* from one shared buffer.
got=$("$SAKER" "${P[@]}" --list-plugins 2>&1 | grep -E '^(Name|Description|Contact|Version):|Event Sourcing|Field Extraction' | tr '\n' ';')
expect "identity strings copied at once" "Name: abitest;Description: C++ plugin written from the ABI spec;Contact: saker tests;Version: 1.2.3;  - Event Sourcing (ID=1073741900, source='abitest');  - Field Extraction;" "$got"
got=$("$SAKER" "${P[@]}" --plugin-info abitest 2>&1 | grep -E '^Required API version|^  abi\.' | awk '{print $1, $2, $3, $4}' | tr '\n' ';')
expect "--plugin-info: API version and fields (hidden one listed too)" "Required API version: 3.3.0;abi.word the words of;abi.kv the value of;abi.count how many words;abi.flag true when there;abi.both a word by;abi.argindex the arg_index the;abi.evtnum the evtnum the;abi.config the init config;abi.len payload length (any;abi.ip a fixed address,;" "$got"

# As a source and an extractor, beside k8saudit replaying a file.
"$SAKER" "${P[@]}" -o rule_matching=all -r "$abi/abi_rules.yaml" \
	-e "$top/test/data/plugins/k8s_audit/exec_pod.json" >"$tmp/out" 2>&1
rc=$?
expect "saker exits 0" "0" "$rc"
alerts() { grep -E '^[0-9:.]+: Informational' "$tmp/out" | sed -E 's/^[^ ]+ Informational //' | sed -E 's/evtnum=[0-9]+/evtnum=N/' | sort; }
want='len=819 verb=create evtnum=N
words=(alpha,beta,gamma) w2=(gamma) kv=10 argindex=18446744073709551615 evtnum=N count=3 flag=true ip=192.0.2.7 src=abitest
words=(delta) kv=blue w5=<NA> evtnum=N num=2
words=(epsilon,zeta) kv=<NA> w5=<NA> evtnum=N num=3'
expect "alerts: index, key, index-or-key, uint64, bool, ipaddr, lists, other source" "$want" "$(alerts)"
# evtnum: from 1, unique across both sources, never reused.
nums=$(grep -oE 'evtnum=[0-9]+' "$tmp/out" | cut -d= -f2 | sort -n | tr '\n' ' ')
expect "evtnum unique across sources, from 1" "1 2 3 4 " "$nums"
# The events that came with TIMEOUT and with EOF were all evaluated.
expect "rules by name" "ABI words: 1;ABI other: 2;ABI on k8s: 1;" "$(sed -n '/^Triggered/,$p' "$tmp/out" | tail -n +2 | sed 's/^ *//' | tr '\n' ';')"
# A non-numeric index for an index-only field is a compile error naming the plugin.
printf -- '- rule: r\n  desc: d\n  condition: abi.word[x] exists\n  output: o\n  priority: INFO\n  source: abitest\n' >"$tmp/bad.yaml"
"$SAKER" "${P[@]}" -V "$tmp/bad.yaml" >"$tmp/v" 2>&1
if grep -qF "field 'abi.word' (plugin 'abitest') needs a numeric index, not 'x'" "$tmp/v"; then ok "bad index refused at compile time"; else not_ok "bad index: $(head -c 300 "$tmp/v")"; fi

finish
