#!/usr/bin/env python3
"""Cold start of each Lambda binary: process start to its first handled event.

Plays the Lambda Runtime API (the part a function talks to: next invocation, response,
error) on a local port, starts the binary the way Lambda does, hands it one event of
its kind and times the answer. The functions use the AWS stack on a moto server
(`JUNCTION_MOTO_URL`), whose table and queues this script creates with boto3.

    python3 infra/lambda-cold-start.py target/release   # the binaries' folder
    python3 infra/lambda-cold-start.py target/lambda-ingest:target/lambda-http:target/lambda-release

Folders separated by `:` are searched in order, like PATH: the Lambda packages come
from three profiles (`lambda-ingest` for the webhook receiver, `lambda-http` for the
marketplace API, `lambda-release` for the rest).
"""
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

MOTO = os.environ.get("JUNCTION_MOTO_URL", "http://127.0.0.1:5001")
BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release"


def binary(name):
    """The path of binary `name` in the first of BIN's folders that has it."""
    folders = BIN.split(":")
    for folder in folders:
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    sys.exit(f"no {name} in {' or '.join(folders)}: build it first (see the README's Deploy section)")

def http_v2(domain, method, path, body=None):
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
            "headers": {"host": domain, "content-type": "application/json"},
            "requestContext": {"accountId": "123456789012", "apiId": domain.split(".")[0], "domainName": domain,
                               "domainPrefix": domain.split(".")[0],
                               "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "cold-start"},
                               "requestId": "r1", "routeKey": "$default", "stage": "$default",
                               "time": "28/Nov/2026:19:00:00 +0000", "timeEpoch": 1795892400000},
            "body": body, "isBase64Encoded": False}

EVENTS = {
    "marketplace-api": http_v2("abc123.execute-api.us-east-1.amazonaws.com", "GET", "/health"),
    "webhook-receiver": http_v2("abcdefg.lambda-url.us-east-1.on.aws", "POST", "/hooks/wh_unknown", "{}"),
    "poller": {"version": "0", "id": "1", "detail-type": "Scheduled Event", "source": "aws.events",
               "account": "123456789012", "time": "2026-11-28T19:00:00Z", "region": "us-east-1",
               "resources": [], "detail": {}},
    "run-executor": {"Records": [{"messageId": "m1", "receiptHandle": "r1",
                                  "body": json.dumps({"workspace_id": "ws_x", "run_id": "run_gone"}),
                                  "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                                  "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:runs",
                                  "awsRegion": "us-east-1"}]},
}

def stack():
    kw = dict(endpoint_url=MOTO, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    suffix = uuid.uuid4().hex[:12]
    table = f"junction-cold-{suffix}"
    keys = [{"AttributeName": n, "AttributeType": "S"} for n in ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"]]
    gsi = lambda n: {"IndexName": n, "KeySchema": [{"AttributeName": f"{n}pk", "KeyType": "HASH"}, {"AttributeName": f"{n}sk", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "ALL"}}
    boto3.client("dynamodb", **kw).create_table(TableName=table, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=keys,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[gsi("gsi1"), gsi("gsi2")])
    sqs = boto3.client("sqs", **kw)
    queue = sqs.create_queue(QueueName=f"runs-{suffix}")["QueueUrl"]
    dlq = sqs.create_queue(QueueName=f"runs-dlq-{suffix}")["QueueUrl"]
    return {"JUNCTION_TABLE": table, "JUNCTION_QUEUE_URL": queue, "JUNCTION_DLQ_URL": dlq,
            "JUNCTION_SECRET_PREFIX": f"junction-{suffix}", "AWS_ENDPOINT_URL": MOTO, "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}

def send_invocation(handler, name, request_id, event, deadline_s=30):
    """Answers a function's `GET .../invocation/next` with `event` (bytes), as Lambda does."""
    handler.send_response(200)
    handler.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
    handler.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + deadline_s * 1000))
    handler.send_header("Lambda-Runtime-Invoked-Function-Arn", f"arn:aws:lambda:us-east-1:123456789012:function:{name}")
    handler.send_header("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793")
    handler.send_header("Content-Length", str(len(event)))
    handler.end_headers()
    handler.wfile.write(event)

def runtime_env(name, server, stack_env, stream):
    """The environment Lambda gives a function: the stack's variables, the Runtime API
    that `server` plays, the function's name and memory, logs at warn."""
    return dict(os.environ, **stack_env, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{server.server_address[1]}",
                AWS_LAMBDA_FUNCTION_NAME=name, AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256",
                AWS_LAMBDA_FUNCTION_VERSION="$LATEST", AWS_LAMBDA_LOG_STREAM_NAME=stream,
                AWS_LAMBDA_LOG_GROUP_NAME=f"/aws/lambda/{name}", RUST_LOG="warn")

def measure(name, env):
    answered = threading.Event()
    result = {}
    event = json.dumps(EVENTS[name]).encode()
    served = {"n": 0}

    class Runtime(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass
        def do_GET(self):
            if not self.path.endswith("/invocation/next"):
                self.send_error(404); return
            if served["n"] > 0:
                answered.wait(30)  # one event only; hold the next poll open
                time.sleep(5)
            served["n"] += 1
            send_invocation(self, name, "req-1", event)
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            result["at"] = time.perf_counter()
            result["kind"] = "error" if self.path.endswith("/error") else "response"
            result["body"] = body.decode(errors="replace")[:200]
            self.send_response(202); self.send_header("Content-Length", "0"); self.end_headers()
            answered.set()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lambda_env = runtime_env(name, server, env, "cold")
    start = time.perf_counter()
    proc = subprocess.Popen([binary(name)], env=lambda_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    ok = answered.wait(30)
    proc.kill(); proc.wait(); server.shutdown()
    if not ok:
        return f"{name:18} no answer within 30 s: {proc.stderr.read().decode()[:300]}"
    return f"{name:18} {1000 * (result['at'] - start):7.1f} ms to the first {result['kind']}: {result['body'][:90]}"

if __name__ == "__main__":
    env = stack()
    for name in EVENTS:
        print(measure(name, env), flush=True)
