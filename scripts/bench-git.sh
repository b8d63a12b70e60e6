#!/usr/bin/env bash
# Whole-process git benchmark: a repository of 2,000 small YAML files
# (gen_corpus.py OUT 2000 24), side by side in one run for plain git, plain git through a
# filter that changes nothing (examples/git-filter-noop.rs: what git's filter protocol
# alone costs), git-crypt and vaultfile (with an X25519 key, and with a post-quantum one):
# `git add` + `git commit`, a full checkout (`rm -rf secrets` then
# `git checkout -- .`), and `git status` afterwards; add + commit also with `vaultfile git add`
# (X25519), which encrypts the files on every core before git runs.
# Usage: ./scripts/bench-git.sh [RUNS]     Results: bench-out/git/results.md (and stdout)
# BENCH_ROOT=DIR puts the repositories there instead (e.g. /dev/shm/bench-git, a tmpfs:
# see BENCHMARKS.md for why the disk's figures can mislead); BENCH_VF=/path/to/vaultfile
# times that build instead of building this tree (before/after figures).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
ROOT=$(realpath -m "${BENCH_ROOT:-bench-out/git}")
mkdir -p "$ROOT"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need hyperfine hyperfine
need git-crypt git-crypt

if [ -n "${BENCH_VF:-}" ]; then
  VF=$(realpath "$BENCH_VF")
else
  cargo build --release --locked -q ${BENCH_CARGO_ARGS:-}   # e.g. --no-default-features
  VF=$(realpath "${CARGO_TARGET_DIR:-target}/release/vaultfile")
fi
cargo build --release --locked -q --example git-filter-noop
NOOP=$(realpath "${CARGO_TARGET_DIR:-target}/release/examples/git-filter-noop")

# A hermetic HOME: no user config, no user keys.
export HOME=$ROOT/home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name bench && git config --global user.email bench@example.com
git config --global init.defaultBranch main
# Two keys, one identity file: the X25519 repository's files are wrapped for the first, the
# post-quantum one's for the second.
KEY=$ROOT/key.txt
[ -f "$ROOT/x25519.txt" ] || "$VF" keygen --x25519 -o "$ROOT/x25519.txt" 2>/dev/null
[ -f "$ROOT/pq.txt" ] || "$VF" keygen -o "$ROOT/pq.txt" 2>/dev/null
cat "$ROOT/x25519.txt" "$ROOT/pq.txt" > "$KEY"
PUB=$(grep -o 'age1[0-9a-z]*' "$ROOT/x25519.txt" | head -1)
PQ_PUB=$(grep -o 'age1pq1[0-9a-z]*' "$ROOT/pq.txt" | head -1)
export VAULTFILE_AGE_KEY_FILE=$KEY

[ -f "$ROOT/corpus/secrets/00000.yaml" ] || python3 scripts/gen_corpus.py "$ROOT/corpus" 2000 24
FILES=$(ls "$ROOT/corpus/secrets" | wc -l)

# setup_<tool> DIR: a fresh repository holding the corpus, set up for the tool, nothing staged.
setup_git() { rm -rf "$1" && mkdir -p "$1" && cp -r "$ROOT/corpus/secrets" "$1/" && git -C "$1" init -q; }
setup_git-noop() {
  setup_git "$1" && (cd "$1" && echo 'secrets/** filter=noop' > .gitattributes &&
    git config filter.noop.process "$NOOP" && git config filter.noop.required true)
}
setup_git-crypt() {
  setup_git "$1" && (cd "$1" && git-crypt init >/dev/null &&
    echo 'secrets/** filter=git-crypt diff=git-crypt' > .gitattributes)
}
setup_vaultfile() {
  setup_git "$1" && (cd "$1" &&
    printf 'creation_rules:\n  - path_regex: ^secrets/\n    recipients: [%s]\n' "${2:-$PUB}" > .vaultfile.yaml &&
    "$VF" -q git init 'secrets/**')
}
setup_vaultfile-pq() { setup_vaultfile "$1" "$PQ_PUB"; }
export -f setup_git setup_git-noop setup_git-crypt setup_vaultfile setup_vaultfile-pq
export ROOT VF NOOP PUB PQ_PUB

TOOLS=(git git-noop git-crypt vaultfile vaultfile-pq)
add_cmds=() co_cmds=() st_cmds=() add_prep=() co_prep=()
for t in "${TOOLS[@]}"; do
  d=$ROOT/repo-$t
  # Check each tool really does its job once before timing it.
  setup_$t "$d"
  git -C "$d" add -A && git -C "$d" commit -qm corpus
  case $t in
    git) git -C "$d" show HEAD:secrets/00000.yaml | grep -q 'password' ;;
    git-noop) git -C "$d" show HEAD:secrets/00000.yaml | grep -q 'password' &&
      git -C "$d" check-attr filter secrets/00000.yaml | grep -q 'filter: noop' ;;
    git-crypt) git -C "$d" show HEAD:secrets/00000.yaml | head -c 10 | grep -q GITCRYPT ;;
    vaultfile) git -C "$d" show HEAD:secrets/00000.yaml | grep -q 'VF1\.' ;;
    vaultfile-pq) git -C "$d" show HEAD:secrets/00000.yaml | grep -q 'recipient: "age1pq1' ;;
  esac || { echo "$t did not store what it should" >&2; exit 1; }
  rm -rf "$d/secrets" && git -C "$d" checkout -- . && cmp -s "$d/secrets/00000.yaml" "$ROOT/corpus/secrets/00000.yaml" \
    || { echo "$t: checkout does not give the plaintext back" >&2; exit 1; }
  [ -z "$(git -C "$d" status --porcelain)" ] || { echo "$t: status not clean after checkout" >&2; exit 1; }

  add_prep+=(--prepare "setup_$t $d")
  add_cmds+=("cd $d && git add -A && git commit -qm corpus")
  co_cmds+=("cd $d && rm -rf secrets && git checkout -- .")
  st_cmds+=("cd $d && git status --porcelain")
done

# hyperfine pairs each --prepare with the command in the same position.
args=()
for i in "${!TOOLS[@]}"; do args+=("${add_prep[@]:$((2*i)):2}" -n "${TOOLS[$i]}" "${add_cmds[$i]}"); done
# vaultfile git add, checked once, then timed beside the others.
d=$ROOT/repo-vaultfile-add
setup_vaultfile "$d" && (cd "$d" && "$VF" -q git add . && git commit -qm corpus)
git -C "$d" show HEAD:secrets/00000.yaml | grep -q 'VF1\.' && rm -rf "$d/secrets" && git -C "$d" checkout -- . &&
  cmp -s "$d/secrets/00000.yaml" "$ROOT/corpus/secrets/00000.yaml" && [ -z "$(git -C "$d" status --porcelain)" ] ||
  { echo "vaultfile git add did not store what it should" >&2; exit 1; }
args+=(--prepare "setup_vaultfile $d" -n "vaultfile git add" "cd $d && $VF -q git add . && git commit -qm corpus")
hyperfine --shell bash --runs "$RUNS" --export-json "$ROOT/add.json" "${args[@]}" >/dev/null
# The commits exist now (the last add run left each repository committed).
co_args=() st_args=()
for i in "${!TOOLS[@]}"; do
  co_args+=(-n "${TOOLS[$i]}" "${co_cmds[$i]}") st_args+=(-n "${TOOLS[$i]}" "${st_cmds[$i]}")
done
hyperfine --shell bash --runs "$RUNS" --warmup 1 --export-json "$ROOT/checkout.json" "${co_args[@]}" >/dev/null
hyperfine --shell bash --runs "$RUNS" --warmup 1 --export-json "$ROOT/status.json" "${st_args[@]}" >/dev/null

python3 - "$ROOT" "$FILES" "$(git --version)" "$(git-crypt --version 2>&1 | head -1)" "$("$VF" --version)" <<'PY' | tee "$ROOT/results.md"
import json, statistics, sys
root, files, gitv, gcv, vfv = sys.argv[1:]
print(f"Corpus: {files} YAML files of 24 values (gen_corpus.py OUT 2000 24). Tools: {gitv}; {gcv}; {vfv}\n")
print("| step | plain git | git, no-op filter | git-crypt | vaultfile (X25519) | vaultfile (post-quantum) | vaultfile / git | vaultfile / no-op filter | git-crypt / vaultfile | post-quantum cost per file |")
print("|---|---|---|---|---|---|---|---|---|---|")
for step, f in (("add + commit", "add"), ("checkout (rm -rf, checkout -- .)", "checkout"), ("status after checkout", "status")):
    r = {x["command"]: statistics.median(x["times"]) for x in json.load(open(f"{root}/{f}.json"))["results"]}
    g, n, c, v, q = r["git"], r["git-noop"], r["git-crypt"], r["vaultfile"], r["vaultfile-pq"]
    per_file = (q - v) / int(files) * 1000
    print(f"| {step} | {g:.2f} s | {n:.2f} s ({n/g:.1f}x) | {c:.2f} s | {v:.2f} s | {q:.2f} s | {v/g:.1f}x | {v/n:.1f}x | {c/v:.0f}x | {per_file:+.2f} ms |")
    if "vaultfile git add" in r:
        a = r["vaultfile git add"]
        print(f"| add + commit with `vaultfile git add` (X25519) | {g:.2f} s | {n:.2f} s | - | {a:.2f} s | - | {a/g:.1f}x | {a/n:.1f}x | {c/a:.0f}x | - |")
PY
