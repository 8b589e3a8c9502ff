#!/usr/bin/env bash
# Load test of `junction serve` with wrk (Debian package `wrk`): GET /v1/flows as a
# marketplace user; POST /v1/events/deal.won from your backend; and signed webhook
# deliveries (Standard Webhooks, a new delivery id each) to an integration's URL.
# Each event and delivery is a run that the server's workers execute against the mock
# apps. Prints wrk's figures and how many runs reached the mock. All on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk > /dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
# Distinct webhook deliveries prepared per wrk thread: more than a thread sends in
# $duration, or the rest would be duplicates (a 10 s load sent up to 70,000 here).
ids_per_thread="${IDS_PER_THREAD:-150000}"

# PROFILE=profiling builds with symbols; PERF_DATA=file then records where the server's
# time goes (`perf record`) during the plainest scenario, for `perf report -i file`.
profile="${PROFILE:-release}"
cargo build --profile "$profile" -q -p junction -p junction-tests --bin junction --bin mock-apps
bin="target/$profile"
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin/mock-apps" --listen 127.0.0.1:4010 > "$data/mock.log" 2>&1 &
mock=$!
"$bin/junction" serve --data "$data" --listen "127.0.0.1:$port" --allow-network 127.0.0.1 > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server $mock 2> /dev/null; rm -rf "$data"' EXIT
sleep 1
base="http://127.0.0.1:$port"
J() { "$bin/junction" "$@" --data "$data"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
# The server's user + system CPU time so far, in microseconds: the figure a busy
# machine moves least, divided by runs below.
ticks="$(getconf CLK_TCK)"
# "user,system": the split says whether the kernel (sockets, WAL writes, wake-ups) or
# the server's own code is where a run's CPU goes.
cpu_us() { awk -v t="$ticks" '{print int($14 * 1000000 / t) "," int($15 * 1000000 / t)}' "/proc/$server/stat"; }
per_run() {
  python3 -c "
b, a, n = [int(x) for x in '$1'.split(',')], [int(x) for x in '$2'.split(',')], max($3, 1)
u, s = (a[0] - b[0]) / n, (a[1] - b[1]) / n
print(f'{u + s:.0f} µs (user {u:.0f}, system {s:.0f})')"
}
# Waits until the $1 runs wrk counted have reached the mock chat app (which had posted
# $2 messages before the load), then prints how long that took after the load and the
# server's CPU per run since $3 (from cpu_us), under the heading $4.
drain() {
  local accepted="$1" before="$2" cpu_before="$3" posted=0 start end
  start=$(date +%s.%N)
  for _ in $(seq 1 600); do
    posted=$(( $(curl -s 127.0.0.1:4010/_stats | json '["messages_posted"]') - before ))
    [ "$posted" -ge "$accepted" ] && break
    sleep 0.5
  done
  end=$(date +%s.%N)
  echo "== $4, $posted messages reached the mock chat app, drained $(python3 -c "print(round($end - $start, 1))") s after the load ended"
  echo "   server CPU per run: $(per_run "$cpu_before" "$(cpu_us)" "$posted") (user + system over the load and the drain, per run that reached the mock)"
}

J workspace create Bench --json > "$data/ws.json"
export JUNCTION_WORKSPACE="$(json '["workspace"]["id"]' < "$data/ws.json")"
app_key="$(json '["workspace"]["app_key"]' < "$data/ws.json")"
app_secret="$(json '["app_secret"]' < "$data/ws.json")"
api_secret="$(json '["api_secret"]' < "$data/ws.json")"
J apps push examples/apps/*.yaml > /dev/null
J flows push examples/flows/*.yaml --publish > /dev/null
hash="$(printf %s alice | openssl dgst -sha256 -hmac "$app_secret" | awk '{print $NF}')"
user=(-H "App-Key: $app_key" -H "User-ID: alice" -H "Hash: $hash")
acme="$(curl -s "${user[@]}" "$base/v1/apps/acme/accounts" -d '{"credentials": {"type": "api_key", "key": "acme-demo-key"}}' | json '["id"]')"
chatter="$(curl -s "${user[@]}" "$base/v1/apps/chatter/accounts" -d '{"credentials": {"type": "api_key", "key": "xoxb-demo-token"}}' | json '["id"]')"
curl -s "${user[@]}" "$base/v1/integrations" -d "{\"flow\": \"deals-to-chatter\", \"accounts\": {\"acme\": \"$acme\", \"chatter\": \"$chatter\"}, \"setup\": {\"big_deal\": 1000000}}" > /dev/null

echo "== GET /v1/flows (signed marketplace user), $connections connections, $duration"
wrk -t2 -c"$connections" -d"$duration" --latency -H "App-Key: $app_key" -H "User-ID: alice" -H "Hash: $hash" "$base/v1/flows" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx"

cat > "$data/event.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"user_id": "alice", "payload": {"deal": {"name": "Bench", "amount": 10, "owner": "Dana", "contact_id": "c_1"}}}'
wrk.headers["Authorization"] = "Bearer $api_secret"
wrk.headers["Content-Type"] = "application/json"
LUA
before="$(curl -s 127.0.0.1:4010/_stats | json '["messages_posted"]')"
cpu_before="$(cpu_us)"
echo "== POST /v1/events/deal.won (run recorded and queued before 202), $connections connections, $duration"
wrk -t2 -c"$connections" -d"$duration" --latency -s "$data/event.lua" "$base/v1/events/deal.won" | tee "$data/events.txt" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
accepted="$(awk '/requests in/ {print $1}' "$data/events.txt")"
drain "$accepted" "$before" "$cpu_before" "runs: $accepted events counted by wrk"
echo "   (wrk leaves out the requests still in flight when it stops; the server ran those too)"

# Webhooks, each delivery with its own id so none is a duplicate. wrk cannot compute
# HMACs, so the requests are made beforehand and each wrk thread walks its own list.
# $1: the flow, $2: its accounts and setup (JSON members), $3: the Standard Webhooks
# secret to sign with, or empty for unsigned deliveries; $4: the scenario, for headings.
webhook_load() {
  local flow="$1" members="$2" secret="$3" what="$4" integration hook_url path_only before cpu_before accepted
  integration="$(curl -s "${user[@]}" "$base/v1/integrations" -d "{\"flow\": \"$flow\", $members}" | json '["integration"]["id"]')"
  hook_url="$(curl -s "${user[@]}" "$base/v1/integrations/$integration/webhooks" | json '["webhooks"][0]["url"]')"
  python3 - "$secret" "$ids_per_thread" > "$data/hooks.lua" <<'PY2'
import base64, hashlib, hmac, sys, time
key = base64.b64decode(sys.argv[1].removeprefix("whsec_")) if sys.argv[1] else None
ids_per_thread = int(sys.argv[2])
body = '{"type": "contact.updated", "email": "person1@example.com"}'
ts = str(int(time.time()))
print("body = [[" + body + "]]")
print(f'ts = "{ts}"')
# One long string per thread, split in Lua: a table literal this big exceeds
# LuaJIT's constants per function.
for t in range(2):
    rows = []
    for i in range(ids_per_thread):
        mid = f"b{t}_{i}"
        sig = base64.b64encode(hmac.new(key, f"{mid}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode() if key else "-"
        rows.append(f"{mid} v1,{sig}")
    print(f"rows{t} = [[" + "\n".join(rows) + "]]")
print("""
counter = 0
function setup(thread) thread:set("tid", counter); counter = counter + 1 end
local sigs, n = nil, 0
function request()
  if sigs == nil then
    sigs = {}
    for id, sig in string.gmatch(tid == 0 and rows0 or rows1, "(%S+) (%S+)") do
      sigs[#sigs + 1] = {id, sig}
    end
  end
  n = n + 1
  local e = sigs[(n - 1) % #sigs + 1]
  return wrk.format("POST", nil, {["webhook-id"] = e[1], ["webhook-timestamp"] = ts,
    ["webhook-signature"] = e[2], ["Content-Type"] = "application/json"}, body)
end
""")
PY2
  path_only="/${hook_url#http://*/}"
  before="$(curl -s 127.0.0.1:4010/_stats | json '["messages_posted"]')"
  cpu_before="$(cpu_us)"
  local perf=""
  if [ -n "${PERF_DATA:-}" ] && [ "$flow" = plain-hook-to-chatter ]; then
    perf record -q -F 999 --call-graph dwarf,16384 -p "$server" -o "$PERF_DATA" 2> /dev/null &
    perf=$!
  fi
  echo "== $what: POST $path_only (run recorded and queued before 200), 2 threads, $connections connections, $duration"
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$data/hooks.lua" "$base$path_only" | tee "$data/hooks.txt" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
  accepted="$(awk '/requests in/ {print $1}' "$data/hooks.txt")"
  if grep -q "Non-2xx" "$data/hooks.txt"; then echo "some deliveries were refused; see $data/serve.log" >&2; exit 1; fi
  # Deliveries past the prepared ids repeat one (wrk walks its list again): Junction
  # answers those as duplicates and runs nothing for them.
  local runs=$(( accepted < 2 * ids_per_thread ? accepted : 2 * ids_per_thread ))
  drain "$runs" "$before" "$cpu_before" "$what runs: $accepted deliveries counted by wrk"
  if [ -n "$perf" ]; then kill -INT "$perf"; wait "$perf" || true; fi
  [ "$accepted" -gt $((2 * ids_per_thread)) ] && echo "   (more deliveries than prepared ids: the $((accepted - 2 * ids_per_thread)) extra ones were duplicates)"
  return 0
}

J apps push infra/bench/hookplain.yaml infra/bench/hookbench.yaml > /dev/null
J flows push infra/bench/plain-hook-to-chatter.yaml infra/bench/hook-to-chatter.yaml --publish > /dev/null
# The plainest flow: an unsigned webhook and one action.
webhook_load plain-hook-to-chatter "\"accounts\": {\"chatter\": \"$chatter\"}" "" "webhook -> action (unsigned)"
# Webhook -> query (Acme) -> action (Chatter), each delivery signed and verified.
secret="whsec_$(printf bench-signing-secret | base64)"
webhook_load hook-to-chatter "\"accounts\": {\"acme\": \"$acme\", \"chatter\": \"$chatter\"}, \"setup\": {\"signing_secret\": \"$secret\"}" "$secret" "signed webhook -> query -> action"
echo "server RSS: $(ps -o rss= -p $server | awk '{printf "%.1f MB", $1/1024}')"
