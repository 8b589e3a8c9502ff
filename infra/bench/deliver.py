"""Sends COUNT webhook deliveries to URL from 8 threads, each with its own id (PREFIX-n),
signed the Standard Webhooks way when SECRET (whsec_...) is given. For
infra/bench-instructions.sh, where the server runs under valgrind and wrk's pace would
only queue requests up."""
import base64, hashlib, hmac, http.client, sys, threading, time, urllib.parse

url, secret, prefix, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
key = base64.b64decode(secret.removeprefix("whsec_")) if secret else None
body = '{"type": "contact.updated", "email": "person1@example.com"}'
target = urllib.parse.urlsplit(url)
failures = []

def send(ids):
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    for mid in ids:
        ts = str(int(time.time()))
        headers = {"content-type": "application/json", "webhook-id": mid, "webhook-timestamp": ts}
        if key:
            sig = hmac.new(key, f"{mid}.{ts}.{body}".encode(), hashlib.sha256).digest()
            headers["webhook-signature"] = "v1," + base64.b64encode(sig).decode()
        conn.request("POST", target.path, body, headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            failures.append(response.status)

ids = [f"{prefix}-{i}" for i in range(count)]
threads = [threading.Thread(target=send, args=(ids[t::8],)) for t in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if failures:
    sys.exit(f"{len(failures)} deliveries were refused: {sorted(set(failures))}")
