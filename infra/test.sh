#!/usr/bin/env bash
# The test command: everything CI runs, installing what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "template.yaml (cfn-lint with the SAM transform)"
# cfn-lint 1.53.x still runs SAM-level checks; later versions skip them.
if [ ! -x target/pyenv/bin/cfn-lint ]; then
  python3 -m venv target/pyenv
  target/pyenv/bin/pip install --quiet --disable-pip-version-check 'cfn-lint==1.53.*'
fi
target/pyenv/bin/cfn-lint template.yaml
# The lint must bite: a template with a misspelled property has to fail.
broken="$(mktemp --suffix=.yaml)"
sed 's/VisibilityTimeout:/VisibiltyTimeout:/' template.yaml > "$broken"
if target/pyenv/bin/cfn-lint "$broken" > /dev/null 2>&1; then
  echo "cfn-lint accepted a broken template; the check does not work" >&2
  rm -f "$broken"; exit 1
fi
rm -f "$broken"
echo "template.yaml: ok (and a broken copy is rejected)"

step "tests (cargo test --workspace)"
log="$(mktemp)"
cargo test --workspace --locked 2>&1 | tee "$log"
# One closing line over all test binaries (cargo prints one per binary, the last of
# which is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "\ntests: %d passed, %d failed\n", p, f; if (p == 0) exit 1 }' "$log"
rm -f "$log"
