#!/usr/bin/env bash
# Instructions per run of `junction serve`, counted by valgrind's callgrind: the one
# cost figure a shared, noisy machine does not move (time and CPU time both do). Runs
# the server under callgrind, sends the same deliveries as infra/bench-api.sh's
# webhook scenarios (unsigned -> one action; signed -> query -> action) and divides
# the instructions the server executed while they ran by the runs that reached the
# mock app. BIN=dir compares another build (default target/release); PROFILE_DIR=dir
# keeps the profiles (callgrind_annotate --inclusive=yes dir/plain-hook-to-chatter.callgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind > /dev/null || { echo "install valgrind first: apt-get install valgrind" >&2; exit 1; }
runs="${RUNS:-600}"
bin="${BIN:-target/release}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p junction -p junction-tests --bin junction --bin mock-apps
fi
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mock_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$bin/mock-apps" --listen "127.0.0.1:$mock_port" > "$data/mock.log" 2>&1 &
mock=$!
# Instrumentation starts off: the set-up is not counted, and runs at near full speed.
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$data/callgrind.out" \
  "$bin/junction" serve --data "$data" --listen "127.0.0.1:$port" --allow-network 127.0.0.1 > "$data/serve.log" 2>&1 &
server=$!
trap 'kill $server $mock 2> /dev/null; [ -n "${KEEP:-}" ] || rm -rf "$data"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 300); do curl -sf "$base/health" > /dev/null 2>&1 && break; sleep 0.2; done
J() { "$bin/junction" "$@" --data "$data"; }
json() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
J workspace create Bench --json > "$data/ws.json"
export JUNCTION_WORKSPACE="$(json '["workspace"]["id"]' < "$data/ws.json")"
app_key="$(json '["workspace"]["app_key"]' < "$data/ws.json")"
app_secret="$(json '["app_secret"]' < "$data/ws.json")"
mkdir -p "$data/defs"
for f in examples/apps/*.yaml infra/bench/*.yaml; do sed "s#127.0.0.1:4010#127.0.0.1:$mock_port#g" "$f" > "$data/defs/$(basename "$f")"; done
J apps push "$data"/defs/acme-crm.yaml "$data"/defs/chatter.yaml "$data"/defs/hookplain.yaml "$data"/defs/hookbench.yaml > /dev/null
J flows push "$data"/defs/plain-hook-to-chatter.yaml "$data"/defs/hook-to-chatter.yaml --publish > /dev/null
hash="$(printf %s alice | openssl dgst -sha256 -hmac "$app_secret" | awk '{print $NF}')"
user=(-H "App-Key: $app_key" -H "User-ID: alice" -H "Hash: $hash")
acme="$(curl -s "${user[@]}" "$base/v1/apps/acme/accounts" -d '{"credentials": {"type": "api_key", "key": "acme-demo-key"}}' | json '["id"]')"
chatter="$(curl -s "${user[@]}" "$base/v1/apps/chatter/accounts" -d '{"credentials": {"type": "api_key", "key": "xoxb-demo-token"}}' | json '["id"]')"
posted() { curl -s "127.0.0.1:$mock_port/_stats" | json '["messages_posted"]'; }

# $1: flow, $2: accounts and setup (JSON members), $3: signing secret or empty, $4: what.
measure() {
  local flow="$1" members="$2" secret="$3" what="$4" integration url before
  integration="$(curl -s "${user[@]}" "$base/v1/integrations" -d "{\"flow\": \"$flow\", $members}" | json '["integration"]["id"]')"
  url="$(curl -s "${user[@]}" "$base/v1/integrations/$integration/webhooks" | json '["webhooks"][0]["url"]')"
  # A warm-up the count leaves out (caches, prepared statements, connections).
  python3 infra/bench/deliver.py "$url" "$secret" "warm-$flow" 50 > /dev/null
  before="$(posted)"
  for _ in $(seq 1 600); do [ "$(posted)" -ge "$before" ] && break; sleep 0.2; done
  sleep 1
  before="$(posted)"
  callgrind_control -z "$server" > /dev/null 2>&1
  callgrind_control -i on "$server" > /dev/null 2>&1
  python3 infra/bench/deliver.py "$url" "$secret" "run-$flow" "$runs" > /dev/null
  for _ in $(seq 1 1200); do [ "$(( $(posted) - before ))" -ge "$runs" ] && break; sleep 0.5; done
  local reached=$(( $(posted) - before ))
  rm -f "$data"/callgrind.out*
  callgrind_control -d "$server" > /dev/null 2>&1
  sleep 1
  # PROFILE_DIR=dir keeps each scenario's profile, for callgrind_annotate.
  if [ -n "${PROFILE_DIR:-}" ]; then mkdir -p "$PROFILE_DIR" && cp "$data"/callgrind.out* "$PROFILE_DIR/$flow.callgrind"; fi
  sleep 1
  local total
  total="$(awk '/^summary:/ {print $2}' "$data"/callgrind.out*)"
  echo "$what: $(python3 -c "print(f'{$total / max($reached, 1):,.0f}')") instructions per run ($reached runs reached the mock, $runs delivered)"
}
measure plain-hook-to-chatter "\"accounts\": {\"chatter\": \"$chatter\"}" "" "webhook -> action (unsigned)"
secret="whsec_$(printf bench-signing-secret | base64)"
measure hook-to-chatter "\"accounts\": {\"acme\": \"$acme\", \"chatter\": \"$chatter\"}, \"setup\": {\"signing_secret\": \"$secret\"}" "$secret" "signed webhook -> query -> action"
