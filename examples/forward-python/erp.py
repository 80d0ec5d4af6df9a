#!/usr/bin/env python3
"""An internal ERP endpoint behind qimen-callback-server's HTTP target, in Python's standard library alone.

The server POSTs every call it forwards (and every inbox entry it delivers) to this endpoint as one JSON envelope,
signed the Standard Webhooks way (https://www.standardwebhooks.com). This endpoint:

* verifies the signature: headers webhook-id, webhook-timestamp, webhook-signature ("v1,<base64 HMAC-SHA256 of
  'id.timestamp.body'>", space-separated during a secret rotation; any one match is enough), compared in constant
  time, the timestamp within 5 minutes of this clock; 401 otherwise;
* reads the envelope (400 when it is not one);
* answers inventory.query from an in-memory stock table, and records deliveryorder.create once per delivery
  (webhook-id) and once per document (deliveryOrderCode), a repeated delivery acknowledged without a second record;
* answers HTTP 200 with {"flag", "code", "message", ...fields}; the server renders that in the caller's format.

Settings, from the environment:
  ERP_SECRET_FILE  a file holding the forwarding secret (the same file as the target's secret_file)
  ERP_SECRET       the secret itself, when there is no file
                   several secrets (a rotation): comma-separated or one a line, as the server reads them
  ERP_PORT         port to listen on (default 8000; 0 = any free port, printed at start)
  ERP_BIND         address to listen on (default 127.0.0.1)
  ERP_PATH         the path the server posts to (default /qimen)
A secret written whsec_<base64> is used as its decoded bytes, any other secret as its UTF-8 bytes, as the server does.

GET /health answers {"status": "up"}; GET /deliveryorders lists what was recorded (document codes and ids only).
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
MAX_ENVELOPE_BYTES = 32 * 1024 * 1024  # a body at the server's limit, base64 and JSON escaping included
MAX_XML_DEPTH = 64
TIMESTAMP = re.compile(r"[0-9]{1,12}")


# --- Standard Webhooks ---------------------------------------------------------------------------------------------

def key_of(secret):
    """The key bytes of a secret: whsec_<base64> decoded, anything else as UTF-8."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret[len("whsec_"):], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("a secret starting with whsec_ must be base64 after the prefix")
    return secret.encode("utf-8")


def load_keys(environ):
    """The keys from ERP_SECRET_FILE or ERP_SECRET; ValueError saying what is missing."""
    path = environ.get("ERP_SECRET_FILE")
    if path:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    elif environ.get("ERP_SECRET"):
        text = environ["ERP_SECRET"]
    else:
        raise ValueError("set ERP_SECRET_FILE (a file holding the target's secret) or ERP_SECRET")
    # several secrets during a rotation, comma-separated or one a line, as the server's target reads them
    secrets = [s.strip() for s in re.split(r"[,\r\n]", text) if s.strip()]
    if not secrets:
        raise ValueError("no secret in " + ("ERP_SECRET_FILE" if path else "ERP_SECRET"))
    return [key_of(s) for s in secrets]


def signature(key, msg_id, timestamp, payload):
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode("utf-8") + payload, hashlib.sha256)
    return base64.b64encode(mac.digest())


def verify(headers, payload, keys, now):
    """None when the message is authentic and fresh, else why not (for the log: holds no secret)."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    header = headers.get("webhook-signature")
    if not msg_id or not timestamp or not header:
        return "missing webhook-id, webhook-timestamp or webhook-signature"
    if not TIMESTAMP.fullmatch(timestamp):
        return "webhook-timestamp is not Unix seconds"
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return "webhook-timestamp is more than 5 minutes away from this clock"
    given = [part[3:].encode("ascii", "replace") for part in header.split(" ") if part.startswith("v1,")]
    ok = False
    for key in keys:
        expected = signature(key, msg_id, timestamp, payload)
        for sig in given:
            ok |= hmac.compare_digest(expected, sig)  # constant time; every pair compared
    return None if ok else "no v1 signature matches"


# --- the envelope ----------------------------------------------------------------------------------------------------

class BadEnvelope(Exception):
    pass


def parse_envelope(raw):
    try:
        env = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadEnvelope("not a JSON document")
    if not isinstance(env, dict):
        raise BadEnvelope("not a JSON object")
    for name in ("callId", "method", "normalizedMethod"):
        if not isinstance(env.get(name), str) or not env[name]:
            raise BadEnvelope(f"{name} is missing")
    for name in ("appKey", "customerId", "contentType", "charset", "format", "body", "bodyBase64", "receivedAt",
                 "businessKey"):
        if env.get(name) is not None and not isinstance(env[name], str):
            raise BadEnvelope(f"{name} is not a string")
    for name in ("entryId", "attempt"):
        if name in env and (not isinstance(env[name], int) or isinstance(env[name], bool)):
            raise BadEnvelope(f"{name} is not a number")
    params = env.get("params")
    if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
        raise BadEnvelope("params is not an object of strings")
    if env.get("body") is None and env.get("bodyBase64") is None:
        raise BadEnvelope("neither body nor bodyBase64")
    return env


# --- the business data -----------------------------------------------------------------------------------------------

class Refusal(Exception):
    """A Qimen failure answer: code and message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def xml_tree(text):
    """The XML body as nested dicts, repeated elements as lists, the root element dropped (as the server does)."""
    # No DTD, hence no entity can be declared: no billion laughs, no external entity. Expat refuses undeclared ones.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise Refusal("invalid-body", "DTDs are not accepted")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        raise Refusal("invalid-body", "the body is not well-formed XML")
    return element(root, 0)


def element(e, depth):
    if depth > MAX_XML_DEPTH:
        raise Refusal("invalid-body", "the XML body is nested too deeply")
    children = list(e)
    if not children:
        return (e.text or "").strip()
    tree = {}
    for child in children:
        value = element(child, depth + 1)
        if child.tag in tree:
            if not isinstance(tree[child.tag], list):
                tree[child.tag] = [tree[child.tag]]
            tree[child.tag].append(value)
        else:
            tree[child.tag] = value
    return tree


def business_data(env):
    """The call's business data as a dict, from an XML, JSON or form body."""
    text = env.get("body")
    if text is None:
        raise Refusal("invalid-body", "the body is not text in its charset " + str(env.get("charset")))
    content_type = (env.get("contentType") or "").lower()
    stripped = text.lstrip()
    if "xml" in content_type or (not content_type and stripped.startswith("<")):
        return as_dict(xml_tree(text))
    if "json" in content_type or (not content_type and stripped.startswith("{")):
        try:
            tree = json.loads(text)
        except (ValueError, RecursionError):
            raise Refusal("invalid-body", "the body is not well-formed JSON")
        if isinstance(tree, dict) and list(tree) == ["request"]:
            tree = tree["request"]
        return as_dict(tree)
    if "x-www-form-urlencoded" in content_type:
        return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
    return dict(env["params"])  # no body: the business parameters travel as signed parameters


def as_dict(tree):
    if not isinstance(tree, dict):
        raise Refusal("invalid-body", "the body is not a document of fields")
    return tree


def as_list(value):
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def text_of(tree, name):
    value = tree.get(name) if isinstance(tree, dict) else None
    return value.strip() if isinstance(value, str) else ""


# --- the ERP ---------------------------------------------------------------------------------------------------------

def now_text():
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


class Erp:
    """The in-memory ERP: a stock table and the delivery orders received."""

    def __init__(self):
        # (warehouseCode, itemCode, inventoryType) -> stock row
        self.stock = {}
        for row in (
                ("WH-HZ-01", "SKU-TEE-WHT-M", "ZP", "ITEM-10001", 128, 6, "B20261101", "2026-11-01", ""),
                ("WH-HZ-01", "SKU-TEE-BLK-L", "ZP", "ITEM-10002", 42, 0, "B20261015", "2026-10-15", ""),
                ("WH-HZ-01", "SKU-TEE-BLK-L", "CC", "ITEM-10002", 3, 0, "B20260901", "2026-09-01", ""),
                ("WH-SH-02", "SKU-TEE-WHT-M", "ZP", "ITEM-10001", 75, 10, "B20261120", "2026-11-20", ""),
                ("WH-SH-02", "SKU-MUG-350", "ZP", "ITEM-20001", 310, 12, "B20260630", "2026-06-30", "2028-06-30"),
        ):
            warehouse, item, kind, item_id, quantity, locked, batch, produced, expires = row
            row = {"warehouseCode": warehouse, "itemCode": item, "itemId": item_id, "inventoryType": kind,
                   "quantity": quantity, "lockQuantity": locked, "batchCode": batch, "productDate": produced,
                   "expireDate": expires}
            self.stock[(warehouse, item, kind)] = {k: v for k, v in row.items() if v != ""}
        self.lock = threading.Lock()
        self.by_delivery = {}  # webhook-id -> order
        self.by_code = {}  # deliveryOrderCode -> order
        self.orders = []
        self.deliveries = 0

    def answer(self, env, webhook_id):
        method = env["normalizedMethod"]
        if method == "inventory.query":
            return self.inventory(business_data(env))
        if method == "deliveryorder.create":
            return self.delivery_order(env, webhook_id)
        raise Refusal("invalid-method", "this ERP does not answer " + method)

    def inventory(self, data):
        criteria = data.get("criteriaList")
        if isinstance(criteria, dict):
            criteria = criteria.get("criteria")
        criteria = [c for c in as_list(criteria) if isinstance(c, dict)]
        if not criteria:
            raise Refusal("missing-parameter", "criteriaList/criteria is required")
        items = []
        for c in criteria:
            item = text_of(c, "itemCode")
            if not item:
                raise Refusal("missing-parameter", "itemCode is required in every criteria")
            warehouse, kind = text_of(c, "warehouseCode"), text_of(c, "inventoryType")
            rows = [dict(r) for (w, i, k), r in self.stock.items()
                    if i == item and (not warehouse or w == warehouse) and (not kind or k == kind)]
            items.extend(rows or [{"warehouseCode": warehouse, "itemCode": item, "inventoryType": kind or "ZP",
                                   "quantity": 0, "lockQuantity": 0}])
        return {"flag": "success", "code": "0", "message": "ok", "items": {"item": items}}

    def delivery_order(self, env, webhook_id):
        order = business_data(env).get("deliveryOrder")
        code = text_of(order, "deliveryOrderCode")
        if not code:
            raise Refusal("missing-parameter", "deliveryOrder/deliveryOrderCode is required")
        with self.lock:
            self.deliveries += 1
            known = self.by_delivery.get(webhook_id) or self.by_code.get(code)
            if known is None:
                known = {"deliveryOrderId": "ERP-OB-%06d" % (len(self.orders) + 1), "deliveryOrderCode": code,
                         "warehouseCode": text_of(order, "warehouseCode"), "webhookId": webhook_id,
                         "entryId": env.get("entryId"), "attempt": env.get("attempt"), "callId": env["callId"],
                         "createTime": now_text()}
                self.orders.append(known)
                self.by_code[code] = known
                message = "ok"
            else:
                message = "ok, already received"
            self.by_delivery[webhook_id] = known
        log(f"deliveryorder.create {code}: {message} as {known['deliveryOrderId']}"
            f" (webhook-id {webhook_id}, attempt {env.get('attempt')})")
        return {"flag": "success", "code": "0", "message": message, "deliveryOrderId": known["deliveryOrderId"],
                "warehouseCode": known["warehouseCode"], "createTime": known["createTime"]}

    def recorded(self):
        with self.lock:
            return {"orders": [dict(o) for o in self.orders], "deliveries": self.deliveries}


# --- HTTP ------------------------------------------------------------------------------------------------------------

def log(line):
    print(time.strftime("%H:%M:%S ") + line, file=sys.stderr, flush=True)


class TooLarge(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the server pools its connections
    server_version = "erp-example"
    sys_version = ""
    timeout = 60  # seconds a connection may sit idle or a body take to arrive

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"status": "up"})
        elif self.path == "/deliveryorders":
            self.send_json(200, self.server.erp.recorded())
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self):
        try:
            self.post()
        except Exception as e:  # never a crash, never a trace with data in it
            error_id = uuid.uuid4().hex[:12]
            tb = e.__traceback__
            while tb.tb_next:
                tb = tb.tb_next
            log(f"error {error_id}: {type(e).__name__} at line {tb.tb_lineno}")
            self.close_connection = True
            self.send_json(500, {"flag": "failure", "code": "system-error", "message": "internal error " + error_id})

    def post(self):
        try:
            payload = self.read_body()
        except TooLarge:
            self.close_connection = True
            self.send_json(413, {"flag": "failure", "code": "invalid-body", "message": "envelope too large"})
            return
        except ValueError:
            self.close_connection = True
            self.send_json(400, {"flag": "failure", "code": "invalid-body", "message": "unreadable request body"})
            return
        except OSError:  # the client stopped sending, or went away: nobody to answer
            self.close_connection = True
            return
        if urllib.parse.urlsplit(self.path).path != self.server.path:
            self.send_json(404, {"error": "not found"})
            return
        why = verify(self.headers, payload, self.server.keys, time.time())
        if why is not None:
            log("refused (401): " + why)
            self.send_json(401, {"flag": "failure", "code": "sign-check-failure", "message": "bad webhook signature"})
            return
        try:
            env = parse_envelope(payload)
        except BadEnvelope as e:
            log("refused (400): " + str(e))
            self.send_json(400, {"flag": "failure", "code": "invalid-envelope", "message": str(e)})
            return
        try:
            answer = self.server.erp.answer(env, self.headers["webhook-id"])
        except Refusal as r:
            answer = {"flag": "failure", "code": r.code, "message": r.message}
            if "entryId" in env:
                # an inbox delivery: any 2xx marks the entry done, so a push not stored must not be answered 200;
                # 422 has the inbox retry it and, at its last attempt, keep it as dead for someone to look at
                log(f"refused delivery (422): {r.code}")
                self.send_json(422, answer)
                return
        # a forwarded call: its caller reads the refusal from the flag and code (a 4xx would be a system-error)
        self.send_json(200, answer)

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks, size = [], 0
            while True:
                line = self.rfile.readline(1024)
                length = int(line.split(b";")[0].strip() or b"x", 16)
                if length == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                size += length
                if size > MAX_ENVELOPE_BYTES:
                    raise TooLarge()
                chunks.append(self.rfile.read(length))
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or "0")
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > MAX_ENVELOPE_BYTES:
            raise TooLarge()
        body = self.rfile.read(length)
        if len(body) != length:
            raise ValueError("body shorter than Content-Length")
        return body

    def send_json(self, status, document):
        data = json.dumps(document, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # the request line only: no header, no body
        log("%s %s" % (self.address_string(), format % args))


class ErpServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, keys, path):
        super().__init__(address, Handler)
        self.keys = keys
        self.path = path
        self.erp = Erp()

    def handle_error(self, request, client_address):  # a client that went away: one line, no trace
        log(f"connection from {client_address[0]} ended: {sys.exc_info()[0].__name__}")


def main():
    try:
        keys = load_keys(os.environ)
        port = int(os.environ.get("ERP_PORT", "8000"))
    except (OSError, ValueError) as e:
        print(f"erp.py: {e}", file=sys.stderr)
        return 2
    bind = os.environ.get("ERP_BIND", "127.0.0.1")
    path = os.environ.get("ERP_PATH", "/qimen")
    server = ErpServer((bind, port), keys, path)
    print(f"erp.py listening on http://{bind}:{server.server_address[1]}{path} ({len(keys)} secret(s))", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
