#!/usr/bin/env python3
"""Memory of the run-executor Lambda with 10 runs in flight.

Sets up a workspace on a moto stack (the `junction` CLI built with `--features aws`,
then the marketplace-api binary for the user's accounts and integration and for ten
app events), takes the ten queued run messages from SQS and hands them to the
run-executor binary as one SQS batch, which it executes side by side. Prints the
executor's resident memory once started and its peak (VmHWM) after the batch, and
checks that the ten runs reached the mock chat app. Both binaries are started as
Lambda starts them, against the Runtime API that infra/lambda-cold-start.py plays.

    python3 infra/executor-rss.py target/release target/debug/junction
    # args: the Lambda binaries' folder (with mock-apps), a junction built with aws
    python3 infra/executor-rss.py target/lambda-ingest:target/lambda-http:target/lambda-release:target/release target/debug/junction
    # the Lambda packages' builds (folders searched in order, as lambda-cold-start.py does)

With CALLGRIND=1 both functions run under valgrind's callgrind, and so does the
webhook-receiver, handed 10 unsigned deliveries to a one-action flow (each must queue
its run); the script prints the instructions each executed (start included) instead
of memory: the figure that compares two builds of the functions (say `--release` and
the Lambda profiles) on a shared machine, where timings move with the neighbours. CALLGRIND_KEEP=1 keeps the
counts for callgrind_annotate.
"""
import hashlib
import hmac
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("cold", os.path.join(HERE, "lambda-cold-start.py"))
cold = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cold)

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release"
CLI = sys.argv[2] if len(sys.argv) > 2 else "target/debug/junction"
RUNS = 10
CALLGRIND = os.environ.get("CALLGRIND") == "1"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def memory(pid):
    """VmRSS and VmHWM of a process, in MB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


class Function:
    """One Lambda binary, kept warm, handed events one at a time."""

    def __init__(self, name, env, counted=True):
        self.name = name
        self.pending = []
        self.answers = []
        self.cv = threading.Condition()
        self.polled = threading.Event()
        outer = self

        class Runtime(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if not self.path.endswith("/invocation/next"):
                    self.send_error(404)
                    return
                outer.polled.set()
                with outer.cv:
                    while not outer.pending:
                        outer.cv.wait()
                    event = outer.pending.pop(0)
                cold.send_invocation(self, name, f"req-{time.time_ns()}", event, deadline_s=60)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()
                with outer.cv:
                    outer.answers.append((self.path.endswith("/error"), body.decode(errors="replace")))
                    outer.cv.notify_all()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        lambda_env = cold.runtime_env(name, self.server, env, "rss")
        command = [cold.binary(name)]
        self.counts = None
        if CALLGRIND and counted:
            self.counts = tempfile.NamedTemporaryFile(suffix=".callgrind", delete=False).name
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={self.counts}", *command]
        self.proc = subprocess.Popen(command, env=lambda_env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if not self.polled.wait(120 if CALLGRIND else 30):
            raise SystemExit(f"{name} did not start: {self.proc.stderr.read().decode()[:500]}")

    def invoke(self, event):
        with self.cv:
            seen = len(self.answers)
            self.pending.append(json.dumps(event).encode())
            self.cv.notify_all()
            if not self.cv.wait_for(lambda: len(self.answers) > seen, 60):
                raise SystemExit(f"{self.name}: no answer within 60 s")
            failed, body = self.answers[seen]
        if failed:
            raise SystemExit(f"{self.name} failed: {body[:500]}")
        return json.loads(body)

    def stop(self):
        # SIGTERM, so that callgrind writes its counts as the process ends.
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.server.shutdown()

    def instructions(self):
        """Instructions the function executed, from callgrind's counts."""
        with open(self.counts) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
        raise SystemExit(f"{self.counts}: no totals")


def api(function, method, path, headers, body=None):
    event = cold.http_v2("abc123.execute-api.us-east-1.amazonaws.com", method, path, json.dumps(body) if body else None)
    event["headers"].update({k.lower(): v for k, v in headers.items()})
    answer = function.invoke(event)
    if answer.get("statusCode", 500) >= 300:
        raise SystemExit(f"{method} {path}: {answer.get('statusCode')} {answer.get('body', '')[:300]}")
    return json.loads(answer.get("body") or "null")


def main():
    # The mock apps listen on loopback, which functions refuse to call unless allowed.
    env = dict(cold.stack(), JUNCTION_ALLOW_NETWORK="127.0.0.1")
    mock_port = free_port()
    mock = subprocess.Popen([cold.binary("mock-apps"), "--listen", f"127.0.0.1:{mock_port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    functions = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{mock_port}/_stats", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        cli_env = dict(os.environ, **env, JUNCTION_BACKEND="aws")

        def junction(*args):
            out = subprocess.run([CLI, "--json", *args], env=cli_env, check=True,
                                 capture_output=True, text=True)
            return json.loads(out.stdout) if out.stdout.strip() else None

        created = junction("workspace", "create", "RSS")
        ws = created["workspace"]
        cli_env["JUNCTION_WORKSPACE"] = ws["id"]
        with tempfile.TemporaryDirectory() as defs:
            for folder, names in (("examples/apps", ["acme-crm.yaml", "chatter.yaml"]), ("examples/flows", ["deals-to-chatter.yaml"]),
                                  ("infra/bench", ["hookplain.yaml", "plain-hook-to-chatter.yaml"])):
                for name in names:
                    with open(os.path.join(folder, name)) as f:
                        text = f.read().replace("127.0.0.1:4010", f"127.0.0.1:{mock_port}")
                    with open(os.path.join(defs, name), "w") as f:
                        f.write(text)
            junction("apps", "push", *(os.path.join(defs, n) for n in ["acme-crm.yaml", "chatter.yaml", "hookplain.yaml"]))
            junction("flows", "push", os.path.join(defs, "deals-to-chatter.yaml"), os.path.join(defs, "plain-hook-to-chatter.yaml"), "--publish")

        user = {"App-Key": ws["app_key"], "User-ID": "alice",
                "Hash": hmac.new(created["app_secret"].encode(), b"alice", hashlib.sha256).hexdigest()}
        marketplace = cold_function("marketplace-api", env, functions)
        acme = api(marketplace, "POST", "/v1/apps/acme/accounts", user, {"credentials": {"type": "api_key", "key": "acme-demo-key"}})
        chatter = api(marketplace, "POST", "/v1/apps/chatter/accounts", user, {"credentials": {"type": "api_key", "key": "xoxb-demo-token"}})
        api(marketplace, "POST", "/v1/integrations", user,
            {"flow": "deals-to-chatter", "accounts": {"acme": acme["id"], "chatter": chatter["id"]}, "setup": {"big_deal": 1000000}})
        backend = {"Authorization": f"Bearer {created['api_secret']}"}
        for i in range(RUNS):
            api(marketplace, "POST", "/v1/events/deal.won", backend,
                {"user_id": "alice", "payload": {"deal": {"name": f"Deal {i}", "amount": 10, "owner": "Dana", "contact_id": "c_1"}}})

        sqs = boto3.client("sqs", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test")
        messages = []
        while len(messages) < RUNS:
            got = sqs.receive_message(QueueUrl=env["JUNCTION_QUEUE_URL"], MaxNumberOfMessages=10,
                                      AttributeNames=["All"], WaitTimeSeconds=1).get("Messages", [])
            if not got:
                raise SystemExit(f"only {len(messages)} of {RUNS} run messages were queued")
            messages += got
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": {"ApproximateReceiveCount": m["Attributes"].get("ApproximateReceiveCount", "1")},
                    "messageAttributes": {}, "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:runs", "awsRegion": "us-east-1"}
                   for m in messages[:RUNS]]

        def posted():
            return json.load(urllib.request.urlopen(f"http://127.0.0.1:{mock_port}/_stats"))["messages_posted"]

        before = posted()
        executor = cold_function("run-executor", env, functions)
        started, _ = memory(executor.proc.pid)
        answer = executor.invoke({"Records": records})
        rss, peak = memory(executor.proc.pid)
        reached = posted() - before
        failures = answer.get("batchItemFailures", [])
        if not CALLGRIND:
            print(f"run-executor: {started:.1f} MB once started; after a batch of {RUNS} runs executed side by side: "
                  f"{rss:.1f} MB resident, {peak:.1f} MB at its peak (VmHWM)")
        print(f"  {reached} of {RUNS} runs reached the mock chat app; {len(failures)} messages kept for a retry")
        if reached != RUNS or failures:
            raise SystemExit("the batch did not run as it should")
        if CALLGRIND:
            hooks = webhook_deliveries(env, user, chatter, sqs, functions)
    finally:
        for f in functions:
            f.stop()
        mock.kill()
    if CALLGRIND:
        api_calls = 3 + RUNS
        print(f"marketplace-api: {functions[0].instructions() / 1e6:.1f} million instructions "
              f"(start, and {api_calls} API requests)")
        print(f"run-executor: {functions[1].instructions() / 1e6:.1f} million instructions "
              f"(start, and one batch of {RUNS} runs)")
        print(f"webhook-receiver: {hooks.instructions() / 1e6:.1f} million instructions "
              f"(start, and {RUNS} deliveries each recorded and queued)")
        functions = [f for f in functions if f.counts]
        for f in functions:
            if os.environ.get("CALLGRIND_KEEP") == "1":
                print(f"  {f.name}'s counts, for callgrind_annotate: {f.counts}")
            else:
                os.unlink(f.counts)


def webhook_deliveries(env, user, chatter, sqs, functions):
    """The webhook-receiver, handed RUNS unsigned deliveries to a one-action flow (set up
    through a marketplace API that callgrind does not count); checks that each queued
    its run."""
    setup = cold_function("marketplace-api", env, functions, counted=False)
    created = api(setup, "POST", "/v1/integrations", user,
                  {"flow": "plain-hook-to-chatter", "accounts": {"chatter": chatter["id"]}})
    url = api(setup, "GET", f"/v1/integrations/{created['integration']['id']}/webhooks", user)["webhooks"][0]["url"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    hooks = cold_function("webhook-receiver", env, functions)
    for i in range(RUNS):
        event = cold.http_v2("abcdefg.lambda-url.us-east-1.on.aws", "POST", path,
                             json.dumps({"type": "contact.updated", "email": f"person{i}@example.com"}))
        event["headers"]["webhook-id"] = f"d{i}"
        answer = hooks.invoke(event)
        if answer.get("statusCode") != 200:
            raise SystemExit(f"delivery {i}: {answer.get('statusCode')} {answer.get('body', '')[:300]}")
    queued = 0
    while True:
        got = sqs.receive_message(QueueUrl=env["JUNCTION_QUEUE_URL"], MaxNumberOfMessages=10,
                                  WaitTimeSeconds=1).get("Messages", [])
        if not got:
            break
        queued += len(got)
    print(f"  {queued} of {RUNS} webhook runs were queued")
    if queued != RUNS:
        raise SystemExit("the deliveries did not queue their runs")
    return hooks


def cold_function(name, env, functions, counted=True):
    f = Function(name, env, counted)
    functions.append(f)
    return f


if __name__ == "__main__":
    main()
