#!/usr/bin/env python3
"""A local S3 stand-in for tests: HTTPS, path-style ListObjectsV2 (two keys a
page, to exercise continuation tokens) and GetObject over the files of a
directory, refusing every request whose AWS Signature V4 does not verify
with the given credentials.

usage: s3_standin.py --root DIR --bucket NAME --cert PEM --key PEM
                     --access-key AK --secret SK --region R --port-file FILE [--log FILE]
"""
import argparse, datetime, hashlib, hmac, http.server, os, ssl, sys, urllib.parse
from xml.sax.saxutils import escape

a = argparse.ArgumentParser()
for k in ("root", "bucket", "cert", "key", "access-key", "secret", "region", "port-file"):
    a.add_argument("--" + k, required=True)
a.add_argument("--log")
args = a.parse_args()
PAGE = 2


def log(msg):
    if args.log:
        with open(args.log, "a") as f:
            f.write(msg + "\n")


def enc(s, keep_slash=False):
    return urllib.parse.quote(s, safe="-_.~" + ("/" if keep_slash else ""))


def sign(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def verify(h, method, raw_path, query):
    auth = h.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no SigV4 Authorization"
    parts = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    cred = parts["Credential"].split("/")
    ak, date, region, service = cred[0], cred[1], cred[2], cred[3]
    if ak != args.access_key:
        return "unknown access key"
    if region != args.region or service != "s3":
        return "wrong scope %s/%s" % (region, service)
    amzdate = h.get("x-amz-date", "")
    t = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    if abs((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds()) > 900:
        return "request time too skewed"
    signed = parts["SignedHeaders"].split(";")
    if not {"host", "x-amz-date", "x-amz-content-sha256"} <= set(signed):
        return "headers not signed"
    cq = "&".join("%s=%s" % (enc(k), enc(v)) for k, v in sorted(query))
    ch = "".join("%s:%s\n" % (n, h.get(n, "").strip()) for n in signed)
    creq = "\n".join([method, raw_path, cq, ch, ";".join(signed), h.get("x-amz-content-sha256", "")])
    sts = "\n".join(["AWS4-HMAC-SHA256", amzdate, "/".join(cred[1:]),
                     hashlib.sha256(creq.encode()).hexdigest()])
    k = sign(("AWS4" + args.secret).encode(), date)
    k = sign(sign(sign(k, region), "s3"), "aws4_request")
    want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(want, parts["Signature"]) else "signature mismatch"


def keys():
    out = []
    for d, _, files in os.walk(args.root):
        for f in files:
            out.append(os.path.relpath(os.path.join(d, f), args.root))
    return sorted(out)


class H(http.server.BaseHTTPRequestHandler):
    def send(self, code, body, ctype="application/xml"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
        why = verify(self.headers, "GET", u.path, query)
        log("GET %s %s" % (self.path, why or "signature ok"))
        if why:
            return self.send(403, ("<Error><Code>SignatureDoesNotMatch</Code><Message>%s</Message></Error>" % why).encode())
        path = urllib.parse.unquote(u.path)
        if path == "/" + args.bucket:
            q = dict(query)
            ks = [k for k in keys() if k.startswith(q.get("prefix", ""))]
            start = int(q.get("continuation-token", "0") or 0)
            page = ks[start:start + PAGE]
            more = start + PAGE < len(ks)
            xml = "<ListBucketResult><Name>%s</Name>" % args.bucket
            xml += "".join("<Contents><Key>%s</Key><Size>1</Size></Contents>" % escape(k) for k in page)
            xml += "<IsTruncated>%s</IsTruncated>" % ("true" if more else "false")
            if more:
                xml += "<NextContinuationToken>%d</NextContinuationToken>" % (start + PAGE)
            return self.send(200, (xml + "</ListBucketResult>").encode())
        prefix = "/" + args.bucket + "/"
        f = os.path.join(args.root, path[len(prefix):]) if path.startswith(prefix) else None
        if not f or not os.path.isfile(f):
            return self.send(404, b"<Error><Code>NoSuchKey</Code></Error>")
        self.send(200, open(f, "rb").read(), "application/octet-stream")

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(args.port_file, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
