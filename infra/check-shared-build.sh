#!/usr/bin/env bash
# Checks that the run command's build (`cargo run -p junction`), the README
# walk-through's build (`cargo build -p junction -p junction-tests --bins`) and the
# test command's build (`cargo test --workspace --features junction/aws`) compile
# every dependency they share with the same features, so that whichever comes second
# reuses what the first compiled (see shared/build-pins/Cargo.toml). Reads the
# dependency graph only (`cargo tree`): nothing is compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each compiled dependency as "name version|features", workspace crates left out
# (they are rebuilt whenever their own features change, which is expected).
units() {
  cargo tree --locked "$@" -f '{p}|{f}' --prefix none \
    | sed 's/ (\*)$//; s/ (proc-macro)//' | grep -v '^$' | grep -v "($PWD" | sort -u
}
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
units --workspace --features junction/aws -e normal,build,dev > "$out/test"
units -p junction -e normal,build > "$out/run"
units -p junction -p junction-tests -e normal,build > "$out/walk"
status=0
for build in run walk; do
  comm -23 "$out/$build" "$out/test" > "$out/$build.apart"
  while IFS='|' read -r crate features; do
    status=1
    # The features the test build turns on for that crate: pinning those gives the
    # other build the same set.
    wanted="$(grep -F "$crate|" "$out/test" | head -1 | cut -d'|' -f2)"
    echo "the $build build compiles $crate with [$features] but the test build with [$wanted]"
  done < "$out/$build.apart"
done
if [ "$status" -ne 0 ]; then
  echo "add the test build's features of those crates to shared/build-pins/Cargo.toml" >&2
  echo "(under [build-dependencies] for a crate that proc-macros or build scripts use)" >&2
  exit 1
fi
echo "the run, walk-through and test builds share every dependency they have in common ($(wc -l < "$out/run") in the run build)"
