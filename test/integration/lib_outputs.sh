# Helpers for the outputs, web, config and reload tests (sourced after lib.sh):
# local endpoints made by the test, a capture streamed slowly into a FIFO,
# and a strict Prometheus text-format (0.0.4) parser.

# A TCP port free on 127.0.0.1 now.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# http_receiver PORT LOG [DELAY_S] [FAIL_FIRST]: record every POST as one
# JSON line {"ua", "ctype", "body", "t"} in LOG; answer 200 after DELAY_S,
# except 503 (not recorded) to the first FAIL_FIRST requests. Runs in the
# background; its pid is in $!. With HTTP_RECEIVER_TLS="CERT KEY [CLIENT_CA]"
# it speaks HTTPS (and requires a client certificate signed by CLIENT_CA).
http_receiver() {
	python3 - "$@" <<'PY' &
import http.server, json, os, ssl, sys, time, socketserver
port, log = int(sys.argv[1]), sys.argv[2]
delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0
fail = [int(sys.argv[4]) if len(sys.argv) > 4 else 0]
out = open(log, "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n).decode()
        if fail[0] > 0:
            fail[0] -= 1
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        time.sleep(delay)
        out.write(json.dumps({"ua": self.headers.get("User-Agent"),
                              "ctype": self.headers.get("Content-Type"),
                              "body": body, "t": time.time()}) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
srv = S(("127.0.0.1", port), H)
tls = os.environ.get("HTTP_RECEIVER_TLS", "").split()
if tls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[0], tls[1])
    if len(tls) > 2:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(tls[2])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
PY
}

# syslog_receiver SOCKET LOG: every datagram on a unix socket as one line of LOG.
syslog_receiver() {
	python3 - "$@" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a", buffering=1)
while True:
    out.write(s.recv(65536).decode(errors="replace") + "\n")
PY
}

# wait_http URL [TRIES]: until URL answers (0) or give up (1).
wait_http() {
	local i
	for ((i = 0; i < ${2:-100}; i++)); do
		curl -ksf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# big_capture OUT MIN_EVENTS: syscall.scap's events repeated (timestamps
# shifted) by the benchmark tool, built on demand.
big_capture() {
	local tool=$SAKER_BUILD/bin/bench_scap_reader
	if [ ! -x "$tool" ]; then
		make -C "$top" --no-print-directory "${SAKER_BUILD#$top/}/bin/bench_scap_reader" >&2 ||
			return 1
	fi
	ASAN_OPTIONS=detect_leaks=0 "$tool" build "$CAPTURES/syscall.scap" "$1" "$2" >/dev/null
}

# stream_capture FILE SECONDS [HOLD] [DELAY]: after DELAY seconds, write FILE
# to stdout evenly over SECONDS (a replay of `-e -` then lasts that long),
# then keep stdout open HOLD more seconds.
stream_capture() {
	python3 - "$@" <<'PY'
import os, sys, time
data = open(sys.argv[1], "rb").read()
secs = float(sys.argv[2])
chunk = 16384
n = max(1, len(data) // chunk)
out = os.fdopen(sys.stdout.fileno(), "wb", buffering=0)
time.sleep(float(sys.argv[4]) if len(sys.argv) > 4 else 0)
t0 = time.time()
try:
    for i in range(0, len(data), chunk):
        out.write(data[i:i + chunk])
        lag = t0 + secs * (i // chunk + 1) / n - time.time()
        if lag > 0:
            time.sleep(lag)
    time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 0)
except BrokenPipeError:
    pass
PY
}

# prom_check FILE: parse FILE strictly as Prometheus text format 0.0.4;
# prints the problems and fails, or prints "families=N samples=N".
# promtool is used as well when installed.
prom_check() {
	python3 - "$1" <<'PY' || return 1
import math, re, sys
NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*\Z')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*\Z')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
text = open(sys.argv[1], encoding="utf-8").read()
errs = []
def err(n, msg): errs.append("line %d: %s" % (n, msg))
if not text.endswith("\n"):
    err(0, "the exposition must end with a newline")
types, helps, done, series = {}, set(), set(), set()
current = None
samples = 0
def family_of(name):
    for suf in ("_bucket", "_count", "_sum"):
        base = name[: -len(suf)] if name.endswith(suf) else None
        if base and types.get(base) in ("histogram", "summary"):
            return base
    return name
def parse_labels(s, n):
    labels, i = {}, 0
    while i < len(s):
        m = re.match(r'([a-zA-Z_][a-zA-Z0-9_]*)="', s[i:])
        if not m:
            err(n, "bad label at %r" % s[i:]); return None
        name = m.group(1); i += m.end(); v = []
        while True:
            if i >= len(s):
                err(n, "unterminated label value"); return None
            c = s[i]
            if c == "\\":
                if i + 1 >= len(s) or s[i + 1] not in '\\"n':
                    err(n, "bad escape in label value"); return None
                v.append({"\\": "\\", '"': '"', "n": "\n"}[s[i + 1]]); i += 2
            elif c == '"':
                i += 1; break
            elif c == "\n":
                err(n, "newline in label value"); return None
            else:
                v.append(c); i += 1
        if name in labels:
            err(n, "duplicate label %s" % name)
        labels[name] = "".join(v)
        if i < len(s):
            if s[i] != ",":
                err(n, "expected ',' between labels"); return None
            i += 1
    return labels
for n, line in enumerate(text.split("\n")[:-1], 1):
    if line == "":
        continue
    if line.startswith("#"):
        parts = line.split(" ", 3)
        if len(parts) >= 3 and parts[1] in ("HELP", "TYPE"):
            name = parts[2]
            if not NAME.match(name):
                err(n, "bad metric name %r" % name)
            if parts[1] == "TYPE":
                if len(parts) != 4 or parts[3] not in TYPES:
                    err(n, "bad TYPE line")
                if name in types:
                    err(n, "second TYPE for %s" % name)
                if name in done or current == name:
                    err(n, "TYPE for %s after its samples" % name)
                types[name] = parts[3] if len(parts) == 4 else None
            else:
                if name in helps:
                    err(n, "second HELP for %s" % name)
                helps.add(name)
        continue
    m = re.match(r'([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([^ ]+)( (-?[0-9]+))?\Z', line)
    if not m:
        err(n, "not a sample line: %r" % line); continue
    name, labels = m.group(1), parse_labels(m.group(3) or "", n)
    try:
        v = float(m.group(4))
        if m.group(4).lower() in ("inf", "+inf", "-inf", "nan") and m.group(4) not in ("+Inf", "-Inf", "NaN"):
            err(n, "bad special value %r" % m.group(4))
    except ValueError:
        err(n, "bad value %r" % m.group(4)); continue
    fam = family_of(name)
    if fam != current:
        if fam in done:
            err(n, "samples of %s are not together" % fam)
        if current:
            done.add(current)
        current = fam
    if fam not in types:
        err(n, "sample of %s before (or without) its TYPE" % fam)
    if types.get(fam) == "counter" and (v < 0 or math.isnan(v)):
        err(n, "negative counter %s" % name)
    key = (name, tuple(sorted((labels or {}).items())))
    if key in series:
        err(n, "duplicate series %s%s" % key)
    series.add(key)
    samples += 1
if errs:
    print("\n".join(errs[:20])); sys.exit(1)
print("families=%d samples=%d" % (len(types), samples))
PY
	if command -v promtool >/dev/null 2>&1; then
		promtool check metrics <"$1" >/dev/null 2>&1 || { echo "promtool refused $1"; return 1; }
	fi
}

# metric FILE 'name{labels}': the value of one series (empty when absent).
metric() {
	awk -v k="$2 " 'index($0, k) == 1 { print $NF }' "$1"
}
