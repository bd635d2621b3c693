#!/usr/bin/env bash
# Plugins end to end: the bundled cloudtrail, k8saudit and json plugins load
# and describe themselves; the corpus k8s-audit and CloudTrail rule files of
# both eras validate with them; the corpus samples and Saker's own samples
# replayed through the rules raise the alerts the rules imply (rule by rule,
# with rule_matching: all); plugin events round-trip through a .scap file;
# plugins that misbehave are refused or contained with an error naming them.
. "$(dirname "$0")/lib.sh"
rules=$SAKER_CORPUS/falco-rules
samples=$SAKER_CORPUS/samples
data=$top/test/data/plugins
K8S=(-o 'load_plugins[]=k8saudit' -o 'load_plugins[]=json')
CT=(-o 'load_plugins[]=cloudtrail' -o 'load_plugins[]=json')

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}

# The "Triggered rules by rule name" part of the summary, as "rule: n;..." sorted.
triggered() { sed -n '/^Triggered rules by rule name:/,$p' | tail -n +2 | sed 's/^ *//' | sort | tr '\n' ';'; }

# ---- the bundled plugins describe themselves ----------------------------------
for p in json k8saudit cloudtrail; do
	if [ -f "$SAKER_BUILD/plugins/lib$p.so" ]; then ok "lib$p.so built"; else not_ok "lib$p.so missing"; fi
done
got=$("$SAKER" "${K8S[@]}" -o 'load_plugins[]=cloudtrail' --list-plugins 2>&1 | grep -E '^(Name|Version):|Event Sourcing' | tr '\n' ';')
expect "--list-plugins" "Name: k8saudit;Version: 0.18.0;  - Event Sourcing (ID=1, source='k8s_audit');Name: json;Version: 0.7.4;Name: cloudtrail;Version: 0.17.1;  - Event Sourcing (ID=2, source='aws_cloudtrail');" "$got"
"$SAKER" "${K8S[@]}" --plugin-info k8saudit >"$tmp/info" 2>&1
n=$(grep -cE '^  ka\.' "$tmp/info")
if [ "$n" = 100 ] && grep -q '"maxEventSize"' "$tmp/info" && grep -q 'http://:9765/k8s-audit' "$tmp/info"; then
	ok "--plugin-info k8saudit: 100 ka.* fields, schema, open params"
else
	not_ok "--plugin-info k8saudit: $n fields: $(head -c 300 "$tmp/info")"
fi
n=$("$SAKER" "${CT[@]}" --list aws_cloudtrail -N 2>/dev/null | grep -cE '^(ct|s3|ec2|ecr|iam)\.')
# 73 fields, 6 of them hidden from listings (ct.time, s3.bytes.in/out, s3.cnt.*)
expect "--list aws_cloudtrail: cloudtrail's visible fields" "67" "$n"
n=$("$SAKER" "${K8S[@]}" --list k8s_audit -N 2>/dev/null | grep -cE '^(json|jevt)\.')
expect "--list k8s_audit: the json plugin's fields" "6" "$n"

# ---- the corpus rule files validate with the bundled plugins --------------------
for f in k8s_audit_rules.yaml k8s_audit_rules-0.31.0.yaml; do
	got=$("$SAKER" "${K8S[@]}" -V "$rules/$f" 2>&1 | tail -n1)
	expect "-V $f" "$rules/$f: Ok" "$got"
done
for f in aws_cloudtrail_rules.yaml aws_cloudtrail_rules-0.31.0.yaml; do
	got=$("$SAKER" "${CT[@]}" -V "$rules/$f" 2>&1 | tail -n1)
	expect "-V $f" "$rules/$f: Ok" "$got"
done
"$SAKER" -V "$rules/k8s_audit_rules.yaml" >"$tmp/v" 2>&1
if grep -q "plugin 'k8saudit' version 0.18.0 (or a compatible alternative) is required but not loaded" "$tmp/v"; then
	ok "-V without plugins: the requirement is reported"
else
	not_ok "-V without plugins: $(head -c 300 "$tmp/v")"
fi
for f in k8s_audit_rules.yaml aws_cloudtrail_rules.yaml; do
	got=$("$SAKER" "${K8S[@]}" -o 'load_plugins[]=cloudtrail' -V "$top/rules/$f" 2>&1 | tail -n1)
	expect "-V rules/$f" "$top/rules/$f: Ok" "$got"
done

# ---- the corpus samples through the corpus rules -----------------------------------
# Expectations from reading the rules and the samples (rule_matching: all):
#  anonymous_creates_namespace_foo: user system:anonymous, decision allow -> Anonymous
#    Request Allowed; a namespace create ("foo" is not in allowed_namespaces) -> Create
#    Disallowed Namespace; and the catch-all K8s Namespace Created.
#  attach_pod / exec_pod: subresource attach / exec on pods -> Attach/Exec Pod.
#  create_clusterrolebinding: roleRef system:basic-user (not cluster-admin) -> only the
#    informational binding-created rule (named per era).
#  create_configmap: data holds no password/aws key -> only K8s ConfigMap Created.
#  create_nginx_pod_privileged: securityContext.privileged true, image nginx (not in
#    the privileged allow-list) -> Create Privileged Pod; no hostPath/hostNetwork.
declare -A want_k8s=(
	[anonymous_creates_namespace_foo]="Anonymous Request Allowed: 1;Create Disallowed Namespace: 1;K8s Namespace Created: 1;"
	[attach_pod]="Attach/Exec Pod: 1;"
	[exec_pod]="Attach/Exec Pod: 1;"
	[create_configmap]="K8s ConfigMap Created: 1;"
	[create_nginx_pod_privileged]="Create Privileged Pod: 1;"
)
for era in k8s_audit_rules.yaml k8s_audit_rules-0.31.0.yaml; do
	for s in "${!want_k8s[@]}"; do
		got=$("$SAKER" -o rule_matching=all -r "$rules/$era" -e "$samples/k8s_audit/$s.json" 2>/dev/null | triggered)
		expect "$era: $s" "${want_k8s[$s]}" "$got"
	done
done
got=$("$SAKER" -o rule_matching=all -r "$rules/k8s_audit_rules.yaml" -e "$samples/k8s_audit/create_clusterrolebinding.json" 2>/dev/null | triggered)
expect "k8s_audit_rules.yaml: create_clusterrolebinding" "K8s ClusterRoleBinding Created: 1;" "$got"
got=$("$SAKER" -o rule_matching=all -r "$rules/k8s_audit_rules-0.31.0.yaml" -e "$samples/k8s_audit/create_clusterrolebinding.json" 2>/dev/null | triggered)
expect "k8s_audit_rules-0.31.0.yaml: create_clusterrolebinding" "K8s Role/Clusterrolebinding Created: 1;" "$got"
# The alert text carries the plugin's fields (ka.*) through the outputs.
got=$("$SAKER" -r "$rules/k8s_audit_rules.yaml" -e "$samples/k8s_audit/exec_pod.json" 2>/dev/null | head -n1 | sed -E 's/^[^ ]+ //')
expect "exec_pod alert text" "Notice Attach/Exec to pod (user=minikube-user pod=nginx-deployment-7998647bdf-phvq7 resource=pods ns=default action=exec command=bash)" "$got"

# CloudTrail: StartInstances by IAM user Alice matches no default rule (no RunInstances,
# no console login, no S3/IAM/CloudTrail change); the disabled catch-all rule, once
# enabled, sees exactly the one record of each file (the big event too).
for era in aws_cloudtrail_rules.yaml aws_cloudtrail_rules-0.31.0.yaml; do
	for s in alice_start_instances alice_start_instances_bigevent; do
		got=$("$SAKER" -o rule_matching=all -r "$rules/$era" -e "$samples/cloudtrail/$s.json" 2>/dev/null | triggered)
		expect "$era: $s (default rules)" "" "$got"
		got=$("$SAKER" -o rule_matching=all -o 'rules[]={enable: {rule: All Cloudtrail Events}}' \
			-r "$rules/$era" -e "$samples/cloudtrail/$s.json" 2>/dev/null | triggered)
		expect "$era: $s (All Cloudtrail Events enabled)" "All Cloudtrail Events: 1;" "$got"
	done
done
got=$("$SAKER" -o 'rules[]={enable: {rule: All Cloudtrail Events}}' -r "$rules/aws_cloudtrail_rules.yaml" \
	-e "$samples/cloudtrail/alice_start_instances.json" 2>/dev/null | head -n1 | grep -o 'ts=[^ ]*')
expect "cloudtrail event time is eventTime" "ts=2014-03-06T21:22:54.000000000+0000" "$got"
got=$("$SAKER" -o 'rules[]={enable: {rule: All Cloudtrail Events}}' -r "$rules/aws_cloudtrail_rules.yaml" \
	-e "$samples/cloudtrail/alice_start_instances.json" 2>/dev/null | head -n1 | sed -E 's/.* info=(.*) ts=.*/\1/')
case $got in
*StartInstances*) ok "evt.plugininfo is cloudtrail's event_to_string: $got" ;;
*) not_ok "evt.plugininfo: got '$got'" ;;
esac

# ---- Saker's own rules on samples written for them ------------------------------------
# Each file is named for what it does; benign.json holds look-alikes that must not
# alert (RequestReceived stage, forbidden requests, known readers, safe paths/CIDRs,
# failed calls, logins with MFA, an Insight record).
declare -A want_own_k8s=(
	[privileged_pod]="Privileged Pod Created: 1;"
	[hostpath_pod]="HostPath Volume Pod Created: 1;"
	[hostnetwork_pod]="HostNetwork Pod Created: 1;"
	[hostpid_pod]="HostPID Pod Created: 1;"
	[exec_pod]="Exec or Attach Into Pod: 1;"
	[wildcard_clusterrole]="Wildcard ClusterRole Created: 1;"
	[cluster_admin_binding]="Binding To Cluster-Admin: 1;"
	[secret_read]="Secret Read By Unexpected User: 1;"
	[configmap_credentials]="ConfigMap With Credentials: 1;"
	[anonymous_request]="Anonymous Request: 1;"
	[benign]=""
)
for s in "${!want_own_k8s[@]}"; do
	got=$("$SAKER" -o rule_matching=all -r "$top/rules/k8s_audit_rules.yaml" -e "$data/k8s_audit/$s.json" 2>/dev/null | triggered)
	expect "rules/k8s_audit_rules.yaml: $s" "${want_own_k8s[$s]}" "$got"
done
got=$("$SAKER" -v -r "$top/rules/k8s_audit_rules.yaml" -e "$data/k8s_audit/benign.json" 2>/dev/null | grep -o 'Captured Events: [0-9]*')
expect "benign.json: EventList items and Event lines all read" "Captured Events: 7" "$got"
declare -A want_own_ct=(
	[root_console_login]="Root Console Login: 1;"
	[console_login_no_mfa]="Console Login Without MFA: 1;"
	[s3_bucket_policy]="S3 Bucket Access Changed: 2;"
	[stop_logging]="CloudTrail Logging Stopped: 1;"
	[iam_create_user]="IAM User Created: 1;"
	[iam_create_access_key]="IAM Access Key Created: 1;"
	[sg_open_world]="Security Group Opened To The World: 1;"
	[benign]=""
)
for s in "${!want_own_ct[@]}"; do
	got=$("$SAKER" -o rule_matching=all -r "$top/rules/aws_cloudtrail_rules.yaml" -e "$data/cloudtrail/$s.json" 2>/dev/null | triggered)
	expect "rules/aws_cloudtrail_rules.yaml: $s" "${want_own_ct[$s]}" "$got"
done
got=$("$SAKER" -r "$top/rules/aws_cloudtrail_rules.yaml" -e "$data/cloudtrail/iam_create_access_key.json" 2>/dev/null | head -n1 | sed -E 's/^[^ ]+ //')
expect "json.value in a CloudTrail alert" "Warning IAM access key created (by=alice for=bob srcip=198.51.100.23 key=AKIANEWKEY)" "$got"
# A directory tree of .json and .json.gz files is one source (the Insight record is skipped).
mkdir -p "$tmp/trail/a/b"
cp "$data/cloudtrail/stop_logging.json" "$tmp/trail/a/"
gzip -c "$data/cloudtrail/iam_create_user.json" >"$tmp/trail/a/b/x_CloudTrail_eu-west-1_20260301T1200Z_y.json.gz"
cp "$data/cloudtrail/benign.json" "$tmp/trail/"
echo "not a log" >"$tmp/trail/a/readme.txt"
got=$("$SAKER" -v "${CT[@]}" -o 'plugins[0].name=cloudtrail' -o "plugins[0].open_params=$tmp/trail" \
	-r "$top/rules/aws_cloudtrail_rules.yaml" --disable-source syscall 2>/dev/null | tee "$tmp/trail.out" | triggered)
expect "cloudtrail: a directory of .json/.json.gz" "CloudTrail Logging Stopped: 1;IAM User Created: 1;" "$got"
expect "cloudtrail: records read (Insight skipped)" "Captured Events: 7" "$(grep -o 'Captured Events: [0-9]*' "$tmp/trail.out")"

# ---- plugin events in .scap files --------------------------------------------------
cat "$data"/k8s_audit/*.json >"$tmp/all.jsonl"
"$SAKER" -e "$tmp/all.jsonl" -w "$tmp/k8s.scap" >/dev/null 2>&1
direct=$("$SAKER" -o rule_matching=all -r "$top/rules/k8s_audit_rules.yaml" -e "$tmp/all.jsonl" 2>/dev/null | triggered)
replayed=$("$SAKER" "${K8S[@]}" -o rule_matching=all -r "$top/rules/k8s_audit_rules.yaml" -e "$tmp/k8s.scap" 2>/dev/null | triggered)
if [ -n "$direct" ] && [ "$direct" = "$replayed" ]; then
	ok ".scap round trip: the same alerts ($(echo "$direct" | tr ';' '\n' | grep -c .) rules)"
else
	not_ok ".scap round trip: direct [$direct] replayed [$replayed]"
fi
n=$("$SAKER" -e "$tmp/k8s.scap" --dump 2>/dev/null | grep -c 'pluginevent plugin_id=1 ')
expect ".scap holds the plugin events (code 322, plugin id 1)" "17" "$n"
if command -v sysdig >/dev/null 2>&1; then
	n=$(sysdig -r "$tmp/k8s.scap" 2>/dev/null | wc -l)
	expect "sysdig reads the .scap Saker wrote" "17" "$n"
fi
"$SAKER" -r "$top/test/data/rules/selection.yaml" -e "$tmp/k8s.scap" >"$tmp/noplug" 2>&1
if grep -q '17 plugin events skipped: their plugin is not loaded' "$tmp/noplug"; then
	ok ".scap replay without the plugin: events skipped with a message"
else
	not_ok ".scap replay without the plugin: $(head -c 300 "$tmp/noplug")"
fi
# Several sources at once: a syscall capture and a plugin source in one run.
got=$("$SAKER" -o rule_matching=all "${K8S[@]}" -o 'plugins[0].name=k8saudit' \
	-o "plugins[0].open_params=$data/k8s_audit/exec_pod.json" -r "$top/rules/k8s_audit_rules.yaml" \
	-r "$top/test/data/rules/selection.yaml" -e "$CAPTURES/syscall.scap" 2>/dev/null | triggered)
case $got in
*"Exec or Attach Into Pod: 1;"*open*) ok "syscall capture and k8saudit source together: $got" ;;
*) not_ok "syscall capture and k8saudit source together: [$got]" ;;
esac

# ---- plugins that misbehave ------------------------------------------------------
run_faulty() { # variant, extra args...
	local v=$1
	shift
	"$SAKER" -o 'plugins[0].name=faulty' -o "plugins[0].library_path=$tmp/faulty_$v.so" \
		-o 'plugins[0].open_params=x' -r "$data/faulty_rules.yaml" --disable-source syscall "$@"
}
build_faulty() {
	cc -std=gnu11 -Wall -Werror -fPIC -shared -fvisibility=hidden -I"$top/plugins/include" \
		${1:+-D$1} -o "$tmp/faulty_${1:-NONE}.so" "$data/src/faulty.c"
}
declare -A want_load=(
	[API_MAJOR]="requires plugin API 4.0.0: major versions disagree (Saker implements 3.12.0)"
	[API_NEWER]="requires plugin API 3.99.0, newer than Saker's 3.12.0"
	[NO_CONTACT]="does not export the mandatory symbol plugin_get_contact"
	[HALF_SOURCE]="exports only part of the event-sourcing symbols"
	[BAD_FIELDS]="get_fields did not return a JSON array"
	[INIT_FAILS]="init failed: the config says no"
	[SYSCALL_SOURCE]="invalid or reserved event source name 'syscall'"
	[FOREIGN_SOURCE]="plugin 'faulty': its field extractor fits no loaded event source"
)
for v in "${!want_load[@]}"; do
	build_faulty "$v" || { not_ok "build faulty $v"; continue; }
	run_faulty "$v" >"$tmp/f.out" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -qF "${want_load[$v]}" "$tmp/f.out" && grep -qF "plugin 'faulty'" "$tmp/f.out"; then
		ok "refused ($v): $(head -n1 "$tmp/f.out" | cut -c1-160)"
	else
		not_ok "refused ($v): rc=$rc $(head -c 300 "$tmp/f.out")"
	fi
done
build_faulty SAME_ID
run_faulty SAME_ID -o 'load_plugins[]=faulty' -o 'load_plugins[]=k8saudit' >"$tmp/f.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -qF "plugin id 1 is already used by plugin 'faulty'" "$tmp/f.out"; then
	ok "refused (duplicate id): $(head -n1 "$tmp/f.out" | cut -c1-160)"
else
	not_ok "refused (duplicate id): rc=$rc $(head -c 300 "$tmp/f.out")"
fi
"$SAKER" -o 'plugins[0].name=json' -o 'plugins[0].library_path=/nonexistent/libjson.so' \
	-r "$data/faulty_rules.yaml" -e "$data/k8s_audit/exec_pod.json" >"$tmp/f.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -qF "plugin 'json' (/nonexistent/libjson.so): cannot load the library" "$tmp/f.out"; then
	ok "refused (missing library): $(head -n1 "$tmp/f.out" | cut -c1-160)"
else
	not_ok "refused (missing library): rc=$rc $(head -c 300 "$tmp/f.out")"
fi
"$SAKER" -o 'plugins[0].name=k8saudit' -o 'plugins[0].library_path=libjson.so' -V "$rules/k8s_audit_rules.yaml" >"$tmp/f.out" 2>&1
if grep -qF "the library's plugin is named 'json'" "$tmp/f.out"; then ok "refused (name mismatch)"; else not_ok "refused (name mismatch): $(head -c 300 "$tmp/f.out")"; fi
"$SAKER" -o 'plugins[0].name=k8saudit' -o 'plugins[0].init_config=not json' "${K8S[@]}" -V "$rules/k8s_audit_rules.yaml" >"$tmp/f.out" 2>&1
if grep -qF "plugin 'k8saudit'" "$tmp/f.out" && grep -qF "init config is not a JSON object" "$tmp/f.out"; then ok "refused (bad init_config)"; else not_ok "refused (bad init_config): $(head -c 300 "$tmp/f.out")"; fi
"$SAKER" -o 'plugins[0].name=k8saudit' -o 'plugins[0].init_config={maxEventSize: 1000, aws: {region: 3}, useAsync: "no"}' "${K8S[@]}" -V "$rules/k8s_audit_rules.yaml" >"$tmp/f.out" 2>&1
if grep -qF "plugin 'k8saudit'" "$tmp/f.out" && grep -qF "init config does not fit the plugin's schema: key 'useAsync': expected boolean, got string" "$tmp/f.out"; then ok "refused (init_config against the plugin's schema)"; else not_ok "refused (schema): $(head -c 300 "$tmp/f.out")"; fi
"$SAKER" -o 'plugins[0].name=k8saudit' -o 'plugins[0].init_config={maxEventSize: 1000, sslCertificate: /x.pem}' "${K8S[@]}" -V "$rules/k8s_audit_rules.yaml" >"$tmp/f.out" 2>&1
expect "init_config as a YAML map" "$rules/k8s_audit_rules.yaml: Ok" "$(tail -n1 "$tmp/f.out")"

# Contained at run time: the source ends with an error naming the plugin; extraction
# failures and inconsistent results only lose the field, counted and logged.
build_faulty NONE
got=$(run_faulty NONE 2>/dev/null | triggered)
expect "well-behaved test plugin: events that came with EOF are processed" "Test Events: 3;" "$got"
declare -A want_run=(
	[BAD_EVENT]="plugin 'faulty': malformed plugin event: an event whose parameter lengths disagree with its length"
	[SUCCESS_EMPTY]="plugin 'faulty': next_batch returned success with no events"
	[EXTRACT_FAILS]="plugin 'faulty': extracting test.n failed: cannot extract today"
	[TOO_MANY_VALUES]="plugin 'faulty': extracting test.n returned an inconsistent number of values"
)
for v in "${!want_run[@]}"; do
	build_faulty "$v"
	run_faulty "$v" >"$tmp/f.out" 2>&1
	rc=$?
	if [ $rc -le 1 ] && grep -qF "${want_run[$v]}" "$tmp/f.out" && grep -q '^Events detected: 0' "$tmp/f.out"; then
		ok "contained ($v): rc=$rc $(grep -F "plugin 'faulty'" "$tmp/f.out" | head -n1 | cut -c1-140)"
	else
		not_ok "contained ($v): rc=$rc $(head -c 300 "$tmp/f.out")"
	fi
done

# ---- the README's example plugin builds and runs ------------------------------------
awk '/^```c$/{f=1;next} /^```$/{f=0} f' "$top/plugins/README.md" >"$tmp/counter.c"
if cc -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Werror -shared -fPIC -fvisibility=hidden \
	-I"$top/plugins/include" -o "$tmp/libcounter.so" "$tmp/counter.c" "$top/plugins/lib/helper.c" -lcjson 2>"$tmp/cc"; then
	printf -- '- rule: big\n  desc: d\n  condition: counter.n > 2\n  output: n=%%counter.n\n  priority: INFO\n  source: counter\n' >"$tmp/counter.yaml"
	got=$("$SAKER" --disable-source syscall -r "$tmp/counter.yaml" -o 'plugins[0].name=counter' \
		-o "plugins[0].library_path=$tmp/libcounter.so" -o 'plugins[0].open_params=5' 2>&1 |
		grep -oE 'n=[0-9]+' | tr '\n' ' ')
	expect "README example plugin" "n=3 n=4 n=5 " "$got"
else
	not_ok "README example does not build: $(head -c 300 "$tmp/cc")"
fi

finish
