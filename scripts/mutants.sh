#!/usr/bin/env bash
# Mutation testing of the code that guards secrets: cargo-mutants (installed if missing)
# changes one thing at a time in these files (an operator, a return value, a condition)
# and runs the tests that cover them; a change no test notices is a "missed" mutant, a
# guarantee that could break unnoticed. Results: mutants.out/ (outcomes.json, missed.txt).
#
# Usage: ./scripts/mutants.sh [GROUP…] [-- extra cargo-mutants args]
#   GROUP: crypto, engine, git, cli (default: all four). Each group runs with the tests
#   that exercise it, not the whole suite, so that each mutant costs one incremental
#   build and a few seconds of tests.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
  echo "installing cargo-mutants $VERSION"
  cargo install --locked "cargo-mutants@$VERSION"
fi

groups=()
extra=()
while (($#)); do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    *) groups+=("$1"); shift ;;
  esac
done
((${#groups[@]})) || groups=(crypto engine git cli)

run() {
  local name=$1; shift
  local files=() tests=()
  while (($#)) && [ "$1" != "--" ]; do files+=(--file "$1"); shift; done
  shift
  tests=("$@")
  echo "== $name: ${files[*]}"
  mkdir -p "mutants.out/$name"
  cargo mutants --no-shuffle --output "mutants.out/$name" "${files[@]}" "${extra[@]}" -- "${tests[@]}"
}

status=0
for g in "${groups[@]}"; do
  case "$g" in
    # The primitives and the MAC: the unit tests beside them and the engine's.
    crypto) run crypto src/crypto/mac.rs src/crypto/value.rs src/crypto/data_key.rs src/crypto/shamir.rs -- --lib || status=1 ;;
    # Seal, open, the MAC check, key groups, re-keying: unit and property tests, plus the
    # tamper, format and differential integration tests.
    engine) run engine src/engine.rs src/engine/holders.rs src/policy.rs -- --lib --test integration -- --skip kms:: --skip vault:: --skip sops:: || status=1 ;;
    # The git clean/smudge/merge conversion: unit tests and the real-git tests.
    git) run git src/git/convert.rs src/git/merge.rs -- --lib --test integration -- git || status=1 ;;
    # Plaintext on disk: temporary files, output modes, scratch directories.
    cli) run cli src/cli/io.rs src/cli/scratch.rs -- --bin vaultfile --test integration -- escapes edit exec tamper || status=1 ;;
    *) echo "unknown group: $g (crypto, engine, git, cli)" >&2; exit 2 ;;
  esac
done
exit $status
