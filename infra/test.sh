#!/usr/bin/env bash
# The test command: everything CI runs, installing what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each phase says how long it took, and the closing lines list them all.
phases=()
phase=""
phase_started=$SECONDS
end_phase() {
  if [ -n "$phase" ]; then phases+=("$(printf '%5ds  %s' $((SECONDS - phase_started)) "$phase")"); fi
}
step() {
  end_phase
  phase="$*"
  phase_started=$SECONDS
  printf '\n== %s\n' "$*"
}
# The test command leaves the checkout as it found it: what git shows now is compared
# with what it shows at the end.
tracked_before="$(git status --porcelain 2> /dev/null || true)"

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy, warnings are errors)"
# `--features junction/aws`: the CLI's AWS backend, off in the run command's build.
cargo clippy --workspace --all-targets --locked --features junction/aws -- -D warnings

step "one build for run and test (infra/check-shared-build.sh)"
infra/check-shared-build.sh

step "Python tools (cfn-lint, moto) into target/pyenv"
# cfn-lint 1.53.x still runs SAM-level checks; later versions skip them.
# moto[server] emulates DynamoDB, SQS and Secrets Manager for the AWS adapters.
# schemathesis fuzzes the live API against its OpenAPI document.
if [ ! -x target/pyenv/bin/cfn-lint ] || [ ! -x target/pyenv/bin/moto_server ] || [ ! -x target/pyenv/bin/schemathesis ]; then
  python3 -m venv target/pyenv
  target/pyenv/bin/pip install --quiet --disable-pip-version-check 'cfn-lint==1.53.*' 'moto[server]==5.*' 'schemathesis==4.*'
fi
echo "ok"

step "template.yaml (cfn-lint with the SAM transform)"
target/pyenv/bin/cfn-lint template.yaml
# The lint must bite: a copy with a misspelled property (a CloudFormation one, and a
# SAM one only the transform checks) has to fail.
broken="$(mktemp --suffix=.yaml)"
for typo in 's/VisibilityTimeout:/VisibiltyTimeout:/' 's/FunctionResponseTypes:/FunctionResponseType:/'; do
  sed "$typo" template.yaml > "$broken"
  if cmp -s template.yaml "$broken" || target/pyenv/bin/cfn-lint "$broken" > /dev/null 2>&1; then
    echo "cfn-lint accepted a broken template ($typo); the check does not work" >&2
    rm -f "$broken"; exit 1
  fi
done
rm -f "$broken"
echo "template.yaml: ok (and broken copies are rejected)"

step "moto server (AWS emulator) on 127.0.0.1"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# Through infra/moto-server.py, which applies DynamoDB requests one at a time: moto
# checks a condition and writes without a lock, so concurrent conditional writes
# could both succeed, which DynamoDB never lets happen (the file says more).
target/pyenv/bin/python infra/moto-server.py -H 127.0.0.1 -p "$port" > target/moto.log 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2> /dev/null || true' EXIT
export JUNCTION_MOTO_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen('$JUNCTION_MOTO_URL/moto-api/', timeout=1)" 2> /dev/null; then
    break
  fi
  sleep 0.2
done
python3 -c "import urllib.request; urllib.request.urlopen('$JUNCTION_MOTO_URL/moto-api/', timeout=2)" \
  || { echo "moto did not start; see target/moto.log" >&2; exit 1; }
echo "moto listening on $JUNCTION_MOTO_URL"

step "tests (cargo test --workspace)"
log="$(mktemp)"
cargo test --workspace --locked --features junction/aws 2>&1 | tee "$log"
summary="$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed", p, f; if (p == 0) exit 1 }' "$log")"
rm -f "$log"

step "README walk-through (its bash blocks, run in order, print what it shows)"
for tool in jq curl openssl; do
  if ! command -v "$tool" > /dev/null; then
    sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq "$tool" > /dev/null
  fi
done
python3 infra/readme-walkthrough.py

step "widget: the committed build is what widget/src builds to, then browser tests"
# Debian's chromium (a test tool's own browser download cannot work here), driven by
# playwright-core against a real `junction serve --demo`; versions pinned by the lockfile.
if ! command -v chromium > /dev/null; then
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq && $sudo_ apt-get install -y -qq chromium > /dev/null
fi
(
  cd widget
  npm ci --no-audit --no-fund --loglevel=error
  node build.mjs --check
  node --test test/unit.test.mjs
  JUNCTION_BIN=../target/debug/junction node test/run.mjs
) 2>&1 | tee target/widget-test.log
widget_summary="$(grep '^widget browser tests:' target/widget-test.log)"
echo "screenshots: target/widget-screenshots/"

step "schemathesis against a live junction serve (no 5xx, answers match the OpenAPI document)"
data="$(mktemp -d)"
api_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
target/debug/junction serve --data "$data" --listen "127.0.0.1:$api_port" > "$data/serve.log" 2>&1 &
serve_pid=$!
trap 'kill "$moto_pid" "$serve_pid" 2> /dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$api_port/health', timeout=1)" 2> /dev/null && break
  sleep 0.1
done
target/debug/junction workspace create Fuzz --data "$data" --json > "$data/ws.json"
field() { python3 -c "import json, sys; print(json.load(open('$data/ws.json'))$1)"; }
export JUNCTION_WORKSPACE="$(field '["workspace"]["id"]')"
target/debug/junction apps push examples/apps/*.yaml --data "$data" > /dev/null
target/debug/junction flows push examples/flows/*.yaml --data "$data" --publish > /dev/null
user_hash="$(printf %s fuzzer | openssl dgst -sha256 -hmac "$(field '["app_secret"]')" | awk '{print $NF}')"
# From the scratch folder, where schemathesis keeps its cache, not in the checkout.
repo="$PWD"
(cd "$data" && "$repo/target/pyenv/bin/schemathesis" run "http://127.0.0.1:$api_port/v1/openapi.json" --url "http://127.0.0.1:$api_port" \
  -H "App-Key: $(field '["workspace"]["app_key"]')" -H "User-ID: fuzzer" -H "Hash: $user_hash" \
  -H "Authorization: Bearer $(field '["api_secret"]')" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  -n 15 --generation-deterministic 2>&1 | tail -n 12)

step "the checkout is as the test command found it"
tracked_after="$(git status --porcelain 2> /dev/null || true)"
if [ "$tracked_before" != "$tracked_after" ]; then
  echo "the test command changed the checkout; git status before:" >&2
  echo "$tracked_before" >&2
  echo "and after:" >&2
  echo "$tracked_after" >&2
  exit 1
fi
echo "ok"
end_phase

# One closing line over all test binaries (cargo prints one per binary, the last of
# which is often an empty doc-test run), then the time each phase took.
printf '\n%s\n%s\n' "$summary" "$widget_summary"
printf '%s\n' "${phases[@]}"
printf '%5ds  in all\n' "$SECONDS"
