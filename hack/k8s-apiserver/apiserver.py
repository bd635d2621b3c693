#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Kubernetes API server stand-in for tests (not shipped).

Speaks the real protocol over HTTPS: bearer-token and client-certificate
auth (401 without), list with resourceVersion/limit/continue, chunked watch
streams with bookmarks, 410 for resource versions it no longer has (HTTP 410
or an in-stream ERROR event), field selectors (spec.nodeName...), label
selectors, the status subresource; Pods, Namespaces, ConfigMaps, Leases and
TokenReviews.

A plain-HTTP control interface on 127.0.0.1 lets tests change objects and
inject faults: POST /control/<action> with a JSON body.
  apply      {"object": {...}}             create or replace (kind decides the resource)
  delete     {"kind": "Pod", "namespace": "ns", "name": "n"}
  pods       {"count": N, "node": "n1", "namespace": "bench", "prefix": "p"}  bulk create
  fault      {"cut": N}        the next watch stream is cut mid-line after N events
             {"stall": S}      open watch streams go silent for S seconds, then drop
             {"fail": N, "code": 500}  the next N API requests fail with code
                   (429/500/503 carry "Retry-After: 1"; "retry_after": "V" sends V)
             {"http410": true}  expired watches answer HTTP 410 (default: in-stream ERROR)
             {"expire": true}   forget the event history and every continue token
             {"drop": true}     close every open watch stream cleanly now
             {"gone": true}     every open watch stream ends with a 410 ERROR event
  pods also takes "expire": true (history expired under the same lock: a relist)
  tokens     {"tokens": ["t1", ...]}       the bearer tokens accepted from now on
  stats      {}                 counters (requests by verb, open watches, rv, the SNI
                                names clients sent, CONNECT tunnels and their targets)
GET /control/state?kind=Pod returns every object of a kind with the current rv.

--server-cert NAME serves DIR/NAME.crt (default server; mkcerts.sh also
makes "named", valid for kubernetes.internal only). --connect-proxy also runs
an HTTP CONNECT proxy on 127.0.0.1 (its port is the third number of the
ports file) that counts the tunnels it opens.

Usage: apiserver.py --pki DIR [--port N] [--control-port N] [--ports-file F]
                    [--history N] [--bookmark-seconds S] [--server-cert NAME]
                    [--connect-proxy]
"""

import argparse
import base64
import copy
import datetime
import json
import os
import select
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 16 * 1024 * 1024  # one request body

# kind -> (plural, group-version path prefix, namespaced)
KINDS = {
    "Pod": ("pods", "/api/v1", True),
    "Namespace": ("namespaces", "/api/v1", False),
    "ConfigMap": ("configmaps", "/api/v1", True),
    "Lease": ("leases", "/apis/coordination.k8s.io/v1", True),
}
PLURAL = {v[0]: k for k, v in KINDS.items()}
API_VERSION = {"Pod": "v1", "Namespace": "v1", "ConfigMap": "v1",
               "Lease": "coordination.k8s.io/v1"}
POD_FIELDS = {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
              "spec.schedulerName", "spec.serviceAccountName", "status.phase",
              "status.podIP", "status.nominatedNodeName"}
COMMON_FIELDS = {"metadata.name", "metadata.namespace"}


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_body(code, reason, message, cause=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
         "message": message, "reason": reason, "code": code}
    if cause:
        s["details"] = {"causes": [{"reason": cause, "message": message}]}
    return s


class ApiError(Exception):
    def __init__(self, code, reason, message, retry_after=None):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message
        self.retry_after = retry_after


def field_value(obj, path):
    cur = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    return "" if cur is None else str(cur)


def parse_field_selector(kind, text):
    reqs = []
    if not text:
        return reqs
    allowed = POD_FIELDS if kind == "Pod" else COMMON_FIELDS
    for term in text.split(","):
        term = term.strip()
        if not term:
            continue
        if "!=" in term:
            k, v = term.split("!=", 1)
            op = "!="
        elif "==" in term:
            k, v = term.split("==", 1)
            op = "="
        elif "=" in term:
            k, v = term.split("=", 1)
            op = "="
        else:
            raise ApiError(400, "BadRequest", "invalid field selector term %r" % term)
        if k not in allowed:
            raise ApiError(400, "BadRequest",
                           'field label not supported: %s' % k)
        reqs.append((k, op, v))
    return reqs


def split_terms(text):
    terms, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            terms.append(cur)
            cur = ""
        else:
            cur += ch
    terms.append(cur)
    return [t.strip() for t in terms if t.strip()]


def parse_label_selector(text):
    reqs = []
    if not text:
        return reqs
    for term in split_terms(text):
        low = term.replace("\t", " ")
        if " notin " in low or " in " in low:
            neg = " notin " in low
            k, rest = low.split(" notin " if neg else " in ", 1)
            rest = rest.strip()
            if not (rest.startswith("(") and rest.endswith(")")):
                raise ApiError(400, "BadRequest", "invalid label selector %r" % term)
            vals = {v.strip() for v in rest[1:-1].split(",")}
            reqs.append((k.strip(), "notin" if neg else "in", vals))
        elif "!=" in term:
            k, v = term.split("!=", 1)
            reqs.append((k.strip(), "!=", v.strip()))
        elif "==" in term or "=" in term:
            k, v = term.split("==", 1) if "==" in term else term.split("=", 1)
            reqs.append((k.strip(), "=", v.strip()))
        elif term.startswith("!"):
            reqs.append((term[1:].strip(), "!exists", None))
        else:
            reqs.append((term, "exists", None))
    return reqs


def matches(obj, fsel, lsel):
    if obj is None:
        return False
    for k, op, v in fsel:
        got = field_value(obj, k)
        if (got == v) != (op == "="):
            return False
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for k, op, v in lsel:
        has = k in labels
        val = labels.get(k)
        ok = {"=": has and val == v, "!=": not has or val != v,
              "in": has and val in (v or ()), "notin": not has or val not in (v or ()),
              "exists": has, "!exists": not has}[op]
        if not ok:
            return False
    return True


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


class Store:
    """Objects, the event history and the fault switches, under one lock."""

    def __init__(self, history, bookmark_s):
        self.cond = threading.Condition()
        self.rv = 1
        self.objects = {k: {} for k in KINDS}
        self.history = []  # (rv, kind, type, old, new)
        self.max_history = history
        self.compacted = 0  # events up to this rv are gone: watches from below expire
        self.bookmark_s = bookmark_s
        self.tokens = set()
        self.fail = []  # codes of the next failing requests
        self.fail_retry_after = None  # their Retry-After value (None: the default)
        self.cut_after = None
        self.stall_until = 0.0
        self.http410 = False
        self.drop_gen = 0
        self.gone_gen = 0
        self.stats = {"requests": 0, "list": 0, "watch": 0, "get": 0, "create": 0,
                      "update": 0, "patch": 0, "delete": 0, "unauthorized": 0,
                      "watches_open": 0, "expired": 0, "selectors": [], "sni": [],
                      "tunnels": 0, "tunnel_targets": []}

    # -- mutations (lock held) --
    def _record(self, kind, typ, old, new):
        self.rv += 1
        obj = new if new is not None else old
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = str(self.rv)
        if new is not None:
            new["metadata"]["resourceVersion"] = str(self.rv)
        self.history.append((self.rv, kind, typ, old, obj))
        if len(self.history) > self.max_history:
            drop = len(self.history) - self.max_history
            self.compacted = self.history[drop - 1][0]
            del self.history[:drop]
        self.cond.notify_all()
        return obj

    def put(self, obj, create_only=False, expect_rv=None):
        kind = obj.get("kind")
        if kind not in KINDS:
            raise ApiError(400, "BadRequest", "unsupported kind %r" % kind)
        meta = obj.setdefault("metadata", {})
        name = meta.get("name")
        if not name:
            raise ApiError(422, "Invalid", "metadata.name: Required value")
        ns = meta.get("namespace", "") if KINDS[kind][2] else ""
        if KINDS[kind][2] and not ns:
            ns = meta["namespace"] = "default"
        obj["apiVersion"] = API_VERSION[kind]
        key = (ns, name)
        old = self.objects[kind].get(key)
        if old is not None and create_only:
            raise ApiError(409, "AlreadyExists", '%s "%s" already exists' % (
                KINDS[kind][0], name))
        if old is not None and expect_rv and expect_rv != old["metadata"]["resourceVersion"]:
            raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on %s "%s": the '
                           'object has been modified; please apply your changes to the '
                           'latest version and try again' % (KINDS[kind][0], name))
        if old is None:
            meta.setdefault("uid", str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", now_rfc3339())
        else:
            meta["uid"] = old["metadata"]["uid"]
            meta["creationTimestamp"] = old["metadata"].get("creationTimestamp")
        self.objects[kind][key] = obj
        return self._record(kind, "ADDED" if old is None else "MODIFIED", old, obj)

    def delete(self, kind, ns, name):
        old = self.objects[kind].pop((ns, name), None)
        if old is None:
            raise ApiError(404, "NotFound", '%s "%s" not found' % (KINDS[kind][0], name))
        return self._record(kind, "DELETED", old, None)

    def expire(self):
        # Events up to the current rv are gone: older watches and continue tokens expire.
        self.compacted = self.rv
        self.history = []

    # -- reads (lock held) --
    def items(self, kind, ns, fsel, lsel):
        out = []
        for (ons, name), obj in sorted(self.objects[kind].items()):
            if ns and ons != ns:
                continue
            if matches(obj, fsel, lsel):
                out.append((ons + "/" + name, obj))
        return out


def encode_continue(rv, start):
    raw = json.dumps({"rv": rv, "start": start}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def decode_continue(tok):
    try:
        d = json.loads(base64.urlsafe_b64decode(tok.encode()))
        return int(d["rv"]), str(d["start"])
    except Exception:
        raise ApiError(400, "BadRequest", "continue key is not valid: illegal base64 data")


class Api(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "saker-k8s-standin/1"

    def log_message(self, fmt, *args):
        if os.environ.get("K8S_STANDIN_LOG"):
            sys.stderr.write("apiserver: " + (fmt % args) + "\n")

    def setup(self):
        try:
            self.request.do_handshake()
        except (ssl.SSLError, OSError):
            self.request.close()
            raise
        super().setup()

    # -- plumbing --
    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_error_status(self, e):
        extra = {"Retry-After": "1"} if e.code in (429, 500, 503) else None
        if e.retry_after is not None:
            extra = {"Retry-After": e.retry_after}
        self.send_json(e.code, status_body(e.code, e.reason, e.message), extra)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            raise ApiError(413, "RequestEntityTooLarge", "request body too large")
        raw = self.rfile.read(n) if n else b""
        try:
            return json.loads(raw or b"null")
        except ValueError as ex:
            raise ApiError(400, "BadRequest", "invalid JSON body: %s" % ex)

    def authenticated(self, store):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:].strip() in store.tokens:
            return True
        try:
            if self.request.getpeercert():
                return True
        except (AttributeError, ValueError):
            pass
        return False

    # -- routing --
    def route(self, path):
        """(kind, namespace, name, subresource) of an API path."""
        parts = [p for p in path.split("/") if p]
        if parts[:2] == ["api", "v1"]:
            rest = parts[2:]
        elif parts[:3] in (["apis", "coordination.k8s.io", "v1"],
                           ["apis", "authentication.k8s.io", "v1"]):
            rest = parts[3:]
        else:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        elif len(rest) in (1, 2, 3) and rest[0] == "namespaces":
            return "Namespace", "", rest[1] if len(rest) > 1 else "", \
                rest[2] if len(rest) > 2 else ""
        if not rest:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        if rest[0] == "tokenreviews":
            return "TokenReview", "", "", ""
        kind = PLURAL.get(rest[0])
        if not kind:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        return kind, ns, rest[1] if len(rest) > 1 else "", rest[2] if len(rest) > 2 else ""

    def handle_api(self, method):
        store = self.server.store
        url = urllib.parse.urlsplit(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        try:
            with store.cond:
                store.stats["requests"] += 1
                if store.fail:
                    code = store.fail.pop(0)
                    raise ApiError(code, "InternalError" if code >= 500 else "TooManyRequests",
                                   "injected failure", store.fail_retry_after)
                if not self.authenticated(store):
                    store.stats["unauthorized"] += 1
                    raise ApiError(401, "Unauthorized", "Unauthorized")
            kind, ns, name, sub = self.route(url.path)
            if kind == "TokenReview":
                return self.token_review(store, method)
            if method == "GET" and not name:
                if q.get("watch") in ("1", "true"):
                    return self.watch(store, kind, ns, q)
                return self.list(store, kind, ns, q)
            return self.object_call(store, method, kind, ns, name, sub, q)
        except ApiError as e:
            self.send_error_status(e)

    def token_review(self, store, method):
        if method != "POST":
            raise ApiError(405, "MethodNotAllowed", "only create is supported")
        body = self.read_body() or {}
        tok = ((body.get("spec") or {}).get("token")) or ""
        with store.cond:
            ok = tok in store.tokens
        body["status"] = {"authenticated": ok}
        if ok:
            body["status"]["user"] = {"username": "system:serviceaccount:default:saker",
                                      "groups": ["system:serviceaccounts"]}
        self.send_json(201, body)

    def object_call(self, store, method, kind, ns, name, sub, q):
        if sub and sub != "status":
            raise ApiError(404, "NotFound", "unknown subresource %s" % sub)
        with store.cond:
            key = (ns if KINDS[kind][2] else "", name)
            cur = store.objects[kind].get(key)
            if method == "GET":
                store.stats["get"] += 1
                if cur is None:
                    raise ApiError(404, "NotFound", '%s "%s" not found' % (KINDS[kind][0], name))
                return self.send_json(200, cur)
            if method == "POST" and not name:
                store.stats["create"] += 1
                body = self.read_body()
                if not isinstance(body, dict):
                    raise ApiError(400, "BadRequest", "body must be an object")
                body["kind"] = kind
                if KINDS[kind][2]:
                    body.setdefault("metadata", {})["namespace"] = ns or "default"
                return self.send_json(201, store.put(body, create_only=True))
            if method == "DELETE":
                store.stats["delete"] += 1
                obj = store.delete(kind, key[0], name)
                return self.send_json(200, obj)
            if method in ("PUT", "PATCH"):
                store.stats["update" if method == "PUT" else "patch"] += 1
                body = self.read_body()
                ctype = (self.headers.get("Content-Type") or "").split(";")[0]
                if method == "PUT":
                    new = body
                    expect = ((body or {}).get("metadata") or {}).get("resourceVersion")
                elif cur is None and ctype != "application/apply-patch+yaml":
                    raise ApiError(404, "NotFound", '%s "%s" not found' % (KINDS[kind][0], name))
                else:
                    new = merge_patch(copy.deepcopy(cur) if cur else {}, body)
                    expect = None
                if not isinstance(new, dict):
                    raise ApiError(400, "BadRequest", "body must be an object")
                if cur is None and method == "PUT":
                    raise ApiError(404, "NotFound", '%s "%s" not found' % (KINDS[kind][0], name))
                if sub == "status":
                    # The status subresource changes status only.
                    keep = copy.deepcopy(cur)
                    keep["status"] = new.get("status")
                    new = keep
                elif cur is not None and "status" in cur:
                    new["status"] = cur["status"]
                new["kind"] = kind
                new.setdefault("metadata", {})["name"] = name
                if KINDS[kind][2]:
                    new["metadata"]["namespace"] = key[0]
                return self.send_json(200, store.put(new, expect_rv=expect))
        raise ApiError(405, "MethodNotAllowed", "method not allowed")

    def list(self, store, kind, ns, q):
        fsel = parse_field_selector(kind, q.get("fieldSelector"))
        lsel = parse_label_selector(q.get("labelSelector"))
        limit = int(q.get("limit") or 0)
        with store.cond:
            store.stats["list"] += 1
            store.stats["selectors"].append(kind + "?" + (q.get("fieldSelector") or ""))
            start = ""
            list_rv = store.rv
            if q.get("continue"):
                list_rv, start = decode_continue(q["continue"])
                if list_rv < store.compacted:
                    store.stats["expired"] += 1
                    raise ApiError(410, "Expired", "The provided continue parameter is too "
                                   "old to display a consistent list result. You can start a "
                                   "new list without the continue parameter.")
            items = [(k, o) for k, o in store.items(kind, ns, fsel, lsel) if k > start]
            meta = {"resourceVersion": str(list_rv)}
            if limit and len(items) > limit:
                items = items[:limit]
                meta["continue"] = encode_continue(list_rv, items[-1][0])
                meta["remainingItemCount"] = len(store.items(kind, ns, fsel, lsel)) - limit
            body = {"kind": kind + "List", "apiVersion": API_VERSION[kind], "metadata": meta,
                    "items": [o for _, o in items]}
            data = json.dumps(body, separators=(",", ":")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # -- watch --
    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def event_line(self, typ, obj):
        return json.dumps({"type": typ, "object": obj}, separators=(",", ":")).encode() + b"\n"

    def watch(self, store, kind, ns, q):
        fsel = parse_field_selector(kind, q.get("fieldSelector"))
        lsel = parse_label_selector(q.get("labelSelector"))
        timeout = int(q.get("timeoutSeconds") or 1800)
        bookmarks = q.get("allowWatchBookmarks") == "true"
        rv_text = q.get("resourceVersion") or ""
        initial = []
        with store.cond:
            store.stats["watch"] += 1
            store.stats["selectors"].append(kind + "?" + (q.get("fieldSelector") or ""))
            if rv_text in ("", "0"):
                start = store.rv
                initial = [o for _, o in store.items(kind, ns, fsel, lsel)]
            else:
                try:
                    start = int(rv_text)
                except ValueError:
                    raise ApiError(400, "BadRequest", "invalid resourceVersion %r" % rv_text)
                if start > store.rv:
                    raise ApiError(504, "Timeout", "Too large resource version: %d, current: %d"
                                   % (start, store.rv))
            expired = start < store.compacted
            if expired:
                store.stats["expired"] += 1
                if store.http410:
                    raise ApiError(410, "Expired", "too old resource version: %d (%d)" % (
                        start, store.compacted))
            cut_after, store.cut_after = store.cut_after, None
            drop_gen = store.drop_gen
            gone_gen = store.gone_gen
            store.stats["watches_open"] += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            if expired:
                st = status_body(410, "Expired", "too old resource version: %d (%d)" % (
                    start, store.compacted))
                self.chunk(self.event_line("ERROR", st))
                self.wfile.write(b"0\r\n\r\n")
                return
            self.stream(store, kind, ns, fsel, lsel, start, initial, timeout, bookmarks,
                        cut_after, drop_gen, gone_gen)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True
        finally:
            with store.cond:
                store.stats["watches_open"] -= 1

    def stream(self, store, kind, ns, fsel, lsel, start, initial, timeout, bookmarks,
               cut_after, drop_gen, gone_gen):
        sent = 0
        deadline = time.monotonic() + timeout
        next_bookmark = time.monotonic() + store.bookmark_s
        last = start

        def emit(line):
            nonlocal sent
            if cut_after is not None and sent >= cut_after:
                # Cut mid-line: half an event, then the connection drops.
                self.chunk(line[: len(line) // 2])
                self.connection.shutdown(socket.SHUT_RDWR)
                raise ConnectionResetError("cut")
            self.chunk(line)
            sent += 1

        for obj in initial:
            emit(self.event_line("ADDED", obj))
        while True:
            out = []
            with store.cond:
                while True:
                    now = time.monotonic()
                    if store.drop_gen != drop_gen or now >= deadline:
                        # A bookmark promises every event up to its version was
                        # sent: that is `last`, not the store's newest version
                        # (changes made since this stream last looked are unsent).
                        bm = last if bookmarks else None
                        out = None
                        break
                    if store.stall_until > now:
                        store.cond.wait(store.stall_until - now)
                        # A stall ends with the stream dropped without a word.
                        self.connection.shutdown(socket.SHUT_RDWR)
                        raise ConnectionResetError("stalled")
                    if last < store.compacted or store.gone_gen != gone_gen:
                        out = [("ERROR", status_body(410, "Expired",
                                                     "too old resource version: %d (%d)" %
                                                     (last, store.compacted)))]
                        break
                    evs = [e for e in store.history if e[0] > last and e[1] == kind]
                    if store.history and store.history[-1][0] > last:
                        newest = store.history[-1][0]
                    else:
                        newest = last
                    for rv, _, typ, old, obj in evs:
                        if ns and obj["metadata"].get("namespace") != ns:
                            continue
                        was = matches(old, fsel, lsel)
                        now_m = matches(obj, fsel, lsel) if typ != "DELETED" else False
                        if typ == "DELETED":
                            if was:
                                out.append(("DELETED", obj))
                        elif was and now_m:
                            out.append(("MODIFIED", obj))
                        elif now_m:
                            out.append(("ADDED", obj))
                        elif was:
                            out.append(("DELETED", obj))
                    last = newest
                    if out:
                        break
                    if bookmarks and now >= next_bookmark:
                        out = [("BOOKMARK", {"kind": kind, "apiVersion": API_VERSION[kind],
                                             "metadata": {"resourceVersion": str(last)}})]
                        next_bookmark = now + store.bookmark_s
                        break
                    wait = min(deadline, next_bookmark if bookmarks else deadline) - now
                    store.cond.wait(max(0.01, min(wait, 0.5)))
            if out is None:
                if bm is not None:
                    emit(self.event_line("BOOKMARK", {
                        "kind": kind, "apiVersion": API_VERSION[kind],
                        "metadata": {"resourceVersion": str(bm)}}))
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
            for typ, obj in out:
                emit(self.event_line(typ, obj))
                if typ == "ERROR":
                    self.wfile.write(b"0\r\n\r\n")
                    return

    def do_GET(self):
        self.handle_api("GET")

    def do_POST(self):
        self.handle_api("POST")

    def do_PUT(self):
        self.handle_api("PUT")

    def do_PATCH(self):
        self.handle_api("PATCH")

    def do_DELETE(self):
        self.handle_api("DELETE")


class Control(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        store = self.server.store
        url = urllib.parse.urlsplit(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query).items()}
        if url.path != "/control/state":
            return self.reply(404, {"error": "unknown"})
        kind = q.get("kind", "Pod")
        with store.cond:
            objs = [o for _, o in sorted(store.objects.get(kind, {}).items())]
            self.reply(200, {"rv": store.rv, "items": objs})

    def do_POST(self):
        store = self.server.store
        n = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(n) or b"{}")
        except ValueError as ex:
            return self.reply(400, {"error": str(ex)})
        action = self.path.rsplit("/", 1)[-1]
        try:
            with store.cond:
                res = self.act(store, action, body)
        except ApiError as e:
            return self.reply(e.code, {"error": e.message})
        self.reply(200, res)

    def act(self, store, action, b):
        if action == "apply":
            return store.put(copy.deepcopy(b["object"]))
        if action == "delete":
            return store.delete(b["kind"], b.get("namespace", ""), b["name"])
        if action == "pods":
            for i in range(int(b["count"])):
                store.put(make_pod(b.get("namespace", "bench"), "%s%d" % (
                    b.get("prefix", "p"), i), b.get("node", "node-1"), i))
            if b.get("expire"):
                # The history is gone before any watcher saw it: they get 410s.
                store.expire()
                store.gone_gen += 1
            return {"rv": store.rv}
        if action == "fault":
            if "cut" in b:
                store.cut_after = int(b["cut"])
            if "stall" in b:
                store.stall_until = time.monotonic() + float(b["stall"])
                store.cond.notify_all()
            if "fail" in b:
                store.fail = [int(b.get("code", 500))] * int(b["fail"])
                store.fail_retry_after = b.get("retry_after")
            if "http410" in b:
                store.http410 = bool(b["http410"])
            if b.get("expire"):
                store.expire()
            if b.get("gone"):
                store.gone_gen += 1
                store.cond.notify_all()
            if b.get("drop"):
                store.drop_gen += 1
                store.cond.notify_all()
            return {"rv": store.rv}
        if action == "tokens":
            store.tokens = set(b["tokens"])
            return {"tokens": len(store.tokens)}
        if action == "stats":
            return dict(store.stats, rv=store.rv, compacted=store.compacted)
        raise ApiError(404, "NotFound", "unknown action %s" % action)


def make_pod(ns, name, node, i):
    """A pod shaped like a kubelet-reported one (for bulk loads)."""
    cid = "%012x" % (0xC0FFEE000000 + i) + uuid.uuid4().hex + "0" * 20
    return {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns,
                     "labels": {"app": "bench", "pod-template-hash": "5d8f7c9b6"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": "bench-5d8f7c9b6", "uid": str(uuid.uuid4()),
                                          "controller": True}]},
        "spec": {"nodeName": node, "serviceAccountName": "default",
                 "containers": [{"name": "app", "image": "docker.io/library/nginx:1.25.3",
                                 "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                 "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
                                 "volumeMounts": [{"name": "kube-api-access",
                                                   "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                                                   "readOnly": True}]}]},
        "status": {"phase": "Running", "podIP": "10.1.%d.%d" % (i // 250 % 250, i % 250 + 1),
                   "hostIP": "192.168.0.10",
                   "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0,
                                          "image": "docker.io/library/nginx:1.25.3",
                                          "imageID": "docker.io/library/nginx@sha256:" + "ab" * 32,
                                          "containerID": "containerd://" + cid,
                                          "state": {"running": {"startedAt": now_rfc3339()}}}]},
    }


class TLSServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # Failed handshakes and dropped peers are expected in fault tests.
        if os.environ.get("K8S_STANDIN_LOG"):
            super().handle_error(request, client_address)


class ConnectProxy(BaseHTTPRequestHandler):
    """An HTTP proxy that only tunnels (CONNECT), counting the tunnels it opens."""
    protocol_version = "HTTP/1.1"
    IDLE_S = 60

    def log_message(self, fmt, *args):
        pass

    def do_CONNECT(self):
        store = self.server.store
        host, _, port = self.path.rpartition(":")
        try:
            up = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except (OSError, ValueError) as ex:
            self.send_error(502, "cannot reach %s: %s" % (self.path, ex))
            return
        with store.cond:
            store.stats["tunnels"] += 1
            store.stats["tunnel_targets"].append(self.path)
            del store.stats["tunnel_targets"][:-100]
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        self.relay(self.connection, up)

    def relay(self, down, up):
        socks = [down, up]
        try:
            while True:
                ready, _, _ = select.select(socks, [], [], self.IDLE_S)
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    (up if s is down else down).sendall(data)
        except OSError:
            pass
        finally:
            up.close()

    def do_GET(self):
        self.send_error(405, "this proxy only tunnels (CONNECT)")


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if os.environ.get("K8S_STANDIN_LOG"):
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pki", required=True, help="directory made by mkcerts.sh")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--control-port", type=int, default=0)
    ap.add_argument("--ports-file", help="write 'API_PORT CONTROL_PORT' here once listening")
    ap.add_argument("--history", type=int, default=100000)
    ap.add_argument("--bookmark-seconds", type=float, default=60.0)
    ap.add_argument("--server-cert", default="server",
                    help="serve DIR/NAME.crt and DIR/NAME.key (default: server)")
    ap.add_argument("--connect-proxy", action="store_true",
                    help="also run a CONNECT proxy; its port is the ports file's third")
    a = ap.parse_args()

    store = Store(a.history, a.bookmark_seconds)
    tokfile = os.path.join(a.pki, "tokens")
    if os.path.exists(tokfile):
        with open(tokfile) as f:
            store.tokens = {ln.split(",")[0].strip() for ln in f if ln.strip()}

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(a.pki, a.server_cert + ".crt"),
                        os.path.join(a.pki, a.server_cert + ".key"))

    def note_sni(sock, name, _ctx):
        with store.cond:
            sni = store.stats["sni"]
            sni.append(name or "")
            del sni[:-100]
        return None

    ctx.sni_callback = note_sni
    ctx.load_verify_locations(os.path.join(a.pki, "ca.crt"))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    api = TLSServer(("127.0.0.1", a.port), Api)
    api.socket = ctx.wrap_socket(api.socket, server_side=True, do_handshake_on_connect=False)
    api.store = store
    ctl = ThreadingHTTPServer(("127.0.0.1", a.control_port), Control)
    ctl.daemon_threads = True
    ctl.store = store
    ports = "%d %d" % (api.server_address[1], ctl.server_address[1])
    if a.connect_proxy:
        proxy = ProxyServer(("127.0.0.1", 0), ConnectProxy)
        proxy.store = store
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        ports += " %d" % proxy.server_address[1]
    ports += "\n"
    if a.ports_file:
        tmp = a.ports_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(ports)
        os.rename(tmp, a.ports_file)
    sys.stdout.write("listening " + ports)
    sys.stdout.flush()
    threading.Thread(target=ctl.serve_forever, daemon=True).start()
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
