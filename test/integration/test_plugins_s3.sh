#!/usr/bin/env bash
# cloudtrail over S3: a local HTTPS stand-in (hack/s3-standin) that verifies
# every request's AWS Signature V4 serves a bucket of CloudTrail logs (.json
# and .json.gz, listed two keys a page). Saker reads s3://bucket/prefix and
# alerts; s3Interval selects files by their name time; wrong credentials and
# an untrusted certificate end the source with an error naming the plugin.
. "$(dirname "$0")/lib.sh"
data=$top/test/data/plugins/cloudtrail

expect() { # name, want, got
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: want [$2] got [$3]"; fi
}
triggered() { sed -n '/^Triggered rules by rule name:/,$p' | tail -n +2 | sed 's/^ *//' | sort | tr '\n' ';'; }

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" -days 1 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 || {
	not_ok "openssl could not make a test certificate"
	finish
	exit 1
}
d=$tmp/bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/03/01
mkdir -p "$d"
gzip -c "$data/stop_logging.json" >"$d/111122223333_CloudTrail_eu-west-1_20260301T1200Z_aaa.json.gz"
cp "$data/iam_create_user.json" "$d/111122223333_CloudTrail_eu-west-1_20260301T1205Z_bbb.json"
cp "$data/benign.json" "$d/111122223333_CloudTrail_eu-west-1_20260301T1210Z_ccc.json"
cp "$data/sg_open_world.json" "$d/111122223333_CloudTrail_eu-west-1_20260301T1215Z_ddd.json"
echo "digest" >"$d/111122223333_CloudTrail-Digest_eu-west-1_20260301T1200Z.txt"

python3 "$top/hack/s3-standin/s3_standin.py" --root "$tmp/bucket" --bucket trail \
	--cert "$tmp/cert.pem" --key "$tmp/key.pem" --access-key AKIATEST --secret s3cr3t \
	--region eu-west-1 --port-file "$tmp/port" --log "$tmp/s3.log" &
srv=$!
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
port=$(cat "$tmp/port")
export AWS_ENDPOINT_URL="https://127.0.0.1:$port" AWS_CA_BUNDLE="$tmp/cert.pem"
export AWS_ACCESS_KEY_ID=AKIATEST AWS_SECRET_ACCESS_KEY=s3cr3t AWS_REGION=eu-west-1
unset AWS_PROFILE AWS_ENDPOINT_URL_S3 AWS_SESSION_TOKEN

run() { # open params, init config
	"$SAKER" -v --disable-source syscall -o rule_matching=all -r "$top/rules/aws_cloudtrail_rules.yaml" \
		-o 'plugins[0].name=cloudtrail' -o "plugins[0].open_params=$1" -o "plugins[0].init_config=$2" \
		-o 'load_plugins[]=cloudtrail' -o 'load_plugins[]=json'
}

got=$(run s3://trail/AWSLogs/ '' 2>"$tmp/err" | tee "$tmp/out" | triggered)
expect "s3://trail/AWSLogs/: the alerts of every log file" "CloudTrail Logging Stopped: 1;IAM User Created: 1;Security Group Opened To The World: 1;" "$got"
expect "records read (Insight skipped)" "Captured Events: 8" "$(grep -o 'Captured Events: [0-9]*' "$tmp/out")"
n=$(grep -c 'signature ok' "$tmp/s3.log")
# 3 list pages (5 keys, 2 a page) + 4 log files; the digest .txt is never fetched
expect "requests signed (SigV4 verified by the stand-in)" "7" "$n"
if grep -q 'CloudTrail-Digest' "$tmp/s3.log"; then not_ok "a non-log key was fetched"; else ok "only .json/.json.gz keys are fetched"; fi

: >"$tmp/s3.log"
got=$(run s3://trail/AWSLogs/111122223333/CloudTrail/eu-west-1/ '{"s3Interval": "2026-03-01T12:04:00Z-2026-03-01T12:16:00Z"}' 2>/dev/null | triggered)
expect "s3Interval selects files by name time" "IAM User Created: 1;Security Group Opened To The World: 1;" "$got"

for conc in 1 3; do
	got=$(run s3://trail/AWSLogs/ "{\"s3DownloadConcurrency\": $conc}" 2>/dev/null | triggered)
	expect "s3DownloadConcurrency $conc: same alerts, files in order" "CloudTrail Logging Stopped: 1;IAM User Created: 1;Security Group Opened To The World: 1;" "$got"
done
run s3://trail/ '{"s3DownloadConcurrency": 0}' >"$tmp/out" 2>&1
if grep -q "s3DownloadConcurrency must be at least 1" "$tmp/out"; then ok "s3DownloadConcurrency 0 refused"; else not_ok "s3DownloadConcurrency 0: $(head -c 300 "$tmp/out")"; fi

AWS_SECRET_ACCESS_KEY=wrong run s3://trail/ '' >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "plugin 'cloudtrail'.*cannot open 's3://trail/'.*HTTP 403" "$tmp/out"; then
	ok "wrong secret: $(grep "plugin 'cloudtrail'" "$tmp/out" | head -n1 | cut -c1-150)"
else
	not_ok "wrong secret: rc=$rc $(head -c 300 "$tmp/out")"
fi
AWS_CA_BUNDLE= run s3://trail/ '' >"$tmp/out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -qi "plugin 'cloudtrail'.*certificate" "$tmp/out"; then
	ok "untrusted certificate refused"
else
	not_ok "untrusted certificate: rc=$rc $(head -c 300 "$tmp/out")"
fi
run s3://trail/nothing-here/ '' >"$tmp/out" 2>&1
if grep -q "no .json or .json.gz object under s3://trail/nothing-here/" "$tmp/out"; then ok "empty prefix refused"; else not_ok "empty prefix: $(head -c 300 "$tmp/out")"; fi
run s3://trail/ '{"s3Interval": "yesterday"}' >"$tmp/out" 2>&1
if grep -q "invalid s3Interval 'yesterday'" "$tmp/out"; then ok "bad s3Interval refused"; else not_ok "bad s3Interval: $(head -c 300 "$tmp/out")"; fi
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
HOME=$tmp run s3://trail/ '' >"$tmp/out" 2>&1
if grep -q "no AWS credentials" "$tmp/out"; then ok "no credentials refused"; else not_ok "no credentials: $(head -c 300 "$tmp/out")"; fi
# credentials from a shared credentials file and a named profile
mkdir -p "$tmp/aws"
printf '[ci]\naws_access_key_id = AKIATEST\naws_secret_access_key = s3cr3t\n' >"$tmp/aws/creds"
got=$(run s3://trail/AWSLogs/ "{\"aws\": {\"profile\": \"ci\", \"credentials\": \"$tmp/aws/creds\"}}" 2>/dev/null | triggered)
expect "credentials from aws.profile + aws.credentials" "CloudTrail Logging Stopped: 1;IAM User Created: 1;Security Group Opened To The World: 1;" "$got"

finish
