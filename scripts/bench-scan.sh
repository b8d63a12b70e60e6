#!/usr/bin/env bash
# Secret-scanning benchmark: `vaultfile scan` side by side with detect-secrets
# (PyPI) and secretlint (npm, with its recommended rule preset) on the same 10,000-file tree,
# timed with hyperfine, and the planted secrets each one finds.
#
# The tree: gen_corpus.py's config files (YAML, JSON, TOML, dotenv; 24 values each, many of
# them random passwords and tokens) plus 200 planted secrets of four kinds that all three
# tools have rules for (50 each: AWS access key ids, GitHub personal access tokens, PEM
# private key blocks, Slack bot tokens), appended to every 50th file; deterministic.
# A planted secret counts as found when a tool reports its file at one of its lines.
#
# Usage: ./scripts/bench-scan.sh [RUNS]     Results: bench-out/scan/results.md (and stdout)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
ROOT=$(realpath -m bench-out/scan)
mkdir -p "$ROOT"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }

# The tools: ours (release build), detect-secrets in .venv, secretlint in bench-out (ignored).
cargo build --release --locked -q ${BENCH_CARGO_ARGS:-}   # e.g. --no-default-features (scan needs no key service)
VF=$(realpath "${CARGO_TARGET_DIR:-target}/release/vaultfile")
[ -x .venv/bin/pip ] || python3 -m venv .venv
[ -x .venv/bin/detect-secrets ] || .venv/bin/pip install -q 'detect-secrets==1.5.0'
DS=$(realpath .venv/bin/detect-secrets)
if [ ! -x "$ROOT/node/node_modules/.bin/secretlint" ]; then
  mkdir -p "$ROOT/node"
  (cd "$ROOT/node" && npm init -y >/dev/null &&
    npm install -s --no-audit --no-fund secretlint@13.0.6 @secretlint/secretlint-rule-preset-recommend@13.0.7 >/dev/null)
fi
SL=$ROOT/node/node_modules/.bin/secretlint

# The tree, outside any git repository (bench-out/ is git-ignored, which a scanner that
# honours .gitignore would apply), so that every tool walks the same files.
TREE=${BENCH_SCAN_TREE:-/tmp/vaultfile-bench-scan/tree}
mkdir -p "$(dirname "$TREE")"
git -C "$(dirname "$TREE")" rev-parse 2>/dev/null && { echo "$TREE is inside a git repository" >&2; exit 2; }
if [ ! -f "$TREE/planted.tsv" ]; then
  rm -rf "$TREE"
  python3 scripts/gen_corpus.py "$TREE" 10000 24 --formats yaml,json,toml,env
  python3 - "$TREE" <<'PY'
import os, random, sys
tree = sys.argv[1]
r = random.Random(8)
files = sorted(os.listdir(os.path.join(tree, "secrets")))
def rand(alphabet, n):
    return "".join(r.choice(alphabet) for _ in range(n))
UP, ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
B64 = ALNUM + "+/"
def aws():   return ["AKIA" + rand(UP + "234567", 16)]
def gh():    return ["ghp_" + rand(ALNUM, 36)]
def slack(): return ["xoxb-" + rand("0123456789", 12) + "-" + rand("0123456789", 13) + "-" + rand(ALNUM, 24)]
def pem():
    kind = "RSA " + "PRIVATE KEY"
    return ["-----BEGIN " + kind + "-----"] + [rand(B64, 64) for _ in range(6)] + ["-----END " + kind + "-----"]
kinds = [("aws", aws), ("github", gh), ("private-key", pem), ("slack", slack)]
with open(os.path.join(tree, "planted.tsv"), "w") as out:
    for i in range(200):
        name = files[i * 50]
        kind, make = kinds[i % 4]
        path = os.path.join(tree, "secrets", name)
        text = open(path).read()
        first = text.count("\n") + 2           # after one comment line
        body = make()
        ext = name.rsplit(".", 1)[1]
        if ext == "json":
            # Keep the file JSON: the secret goes into a sibling file of the same name.
            path = path[:-5] + ".txt"; name = name[:-5] + ".txt"; text = ""; first = 2
        comment = "# planted\n"
        with open(path, "a" if ext != "json" else "w") as f:
            f.write(text if ext == "json" else "")
            f.write(comment + "\n".join(body) + "\n")
        last = first + len(body) - 1
        out.write(f"secrets/{name}\t{first}\t{last}\t{kind}\n")
PY
fi
FILES=$(find "$TREE/secrets" -type f | wc -l)
cat > "$TREE/.secretlintrc.json" <<'JSON'
{ "rules": [ { "id": "@secretlint/secretlint-rule-preset-recommend" } ] }
JSON

cd "$TREE"
# Findings of each tool as "PATH<TAB>LINE" lines.
"$VF" scan --format json secrets > "$ROOT/vaultfile.json" || [ $? = 1 ]
# detect-secrets takes minutes on this tree: this run is also its timing (one run; it is
# two orders of magnitude behind the others, so one run decides nothing close).
ds_start=$(date +%s.%N)
"$DS" scan --all-files secrets > "$ROOT/detect-secrets.json"
DS_SECONDS=$(python3 -c "print(f'{$(date +%s.%N) - $ds_start:.1f}')")
"$SL" --format json "secrets/**/*" > "$ROOT/secretlint.json" || [ $? = 1 ]
python3 - "$ROOT" "$TREE/planted.tsv" <<'PY' | tee "$ROOT/found.txt"
import json, os, sys
root, planted = sys.argv[1], sys.argv[2]
tree = os.path.dirname(planted)
def norm(p):
    p = os.path.relpath(p, tree) if os.path.isabs(p) else p
    return p[2:] if p.startswith("./") else p
hits = {}
v = json.load(open(os.path.join(root, "vaultfile.json")))
hits["vaultfile"] = [(f["path"], f["line"]) for f in v["findings"]]
d = json.load(open(os.path.join(root, "detect-secrets.json")))
hits["detect-secrets"] = [(norm(p), s["line_number"]) for p, l in d["results"].items() for s in l]
s = json.load(open(os.path.join(root, "secretlint.json")))
hits["secretlint"] = [(norm(f["filePath"]), m["loc"]["start"]["line"]) for f in s for m in f["messages"]]
rows = [l.rstrip("\n").split("\t") for l in open(planted)]
for tool, h in hits.items():
    by_file = {}
    for p, line in h:
        by_file.setdefault(p, set()).add(line)
    found = sum(1 for p, a, b, _ in rows if any(int(a) <= x <= int(b) for x in by_file.get(p, ())))
    print(f"{tool}\tfindings={len(h)}\tplanted_found={found}/{len(rows)}")
PY

hyperfine --runs "$RUNS" --warmup 1 -i --export-markdown "$ROOT/times.md" \
  --export-json "$ROOT/times.json" \
  -n vaultfile "$VF scan --format json secrets > /dev/null" \
  -n secretlint "$SL --format json 'secrets/**/*' > /dev/null"
RATIO=$(python3 -c "
import json; r = {x['command']: x['median'] for x in json.load(open('$ROOT/times.json'))['results']}
print(f\"medians: vaultfile {r['vaultfile']:.2f} s, secretlint {r['secretlint']:.2f} s ({r['secretlint'] / r['vaultfile']:.1f}x), detect-secrets $DS_SECONDS s, one run ({$DS_SECONDS / r['vaultfile']:.0f}x)\")")

{
  echo "Files: $FILES; planted secrets: 200 (50 each: AWS key id, GitHub PAT, PEM private key, Slack bot token)"
  echo; cat "$ROOT/times.md"; echo; echo "$RATIO"; echo; echo '```'; cat "$ROOT/found.txt"; echo '```'
  echo; echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(uname -sr)"
  echo "Tools: vaultfile $("$VF" --version | cut -d' ' -f2), detect-secrets $("$DS" --version), secretlint $("$SL" --version)"
} > "$ROOT/results.md"
cat "$ROOT/results.md"
