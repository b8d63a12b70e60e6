#!/usr/bin/env bash
# Mutation testing of the code that guards secrets: cargo-mutants (installed if missing)
# changes one thing at a time in these files (an operator, a return value, a condition)
# and runs the tests that cover them; a change no test notices is a "missed" mutant, a
# guarantee that could break unnoticed. Results: mutants.out/GROUP/ (outcomes.json,
# missed.txt, caught.txt, unviable.txt). TESTING.md has the last figures.
#
# Usage: ./scripts/mutants.sh [--full] [GROUP…] [-- extra cargo-mutants args]
#   GROUP: crypto, engine, git, cli, keys, pq, k8s (default: all seven).
#   Each mutant costs one incremental build plus the group's tests. By default those are
#   the unit tests beside the code, a few seconds a mutant; --full adds the integration
#   tests that drive the same code through the binary (real git, files on disk), which
#   is what CI runs and takes several times as long.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$VERSION"; then
  echo "installing cargo-mutants $VERSION"
  cargo install --locked "cargo-mutants@$VERSION"
fi

full=0
groups=()
extra=()
while (($#)); do
  case "$1" in
    --full) full=1; shift ;;
    --) shift; extra=("$@"); break ;;
    *) groups+=("$1"); shift ;;
  esac
done
((${#groups[@]})) || groups=(crypto engine git cli keys pq k8s)

# run NAME FILE… -- CARGO-TEST-ARGS…
run() {
  local name=$1; shift
  local files=()
  while (($#)) && [ "$1" != "--" ]; do files+=(--file "$1"); shift; done
  shift
  echo "== $name: ${files[*]} (cargo test $*)"
  mkdir -p "mutants.out/$name"
  # No debug info: the builds are the cost, and no one reads a backtrace here.
  CARGO_PROFILE_DEV_DEBUG=0 cargo mutants --no-shuffle --output "mutants.out/$name" \
    "${files[@]}" "${extra[@]}" -- "$@"
}

status=0
for g in "${groups[@]}"; do
  case "$g" in
    # The primitives and the MAC.
    crypto) run crypto src/crypto/mac.rs src/crypto/value.rs src/crypto/data_key.rs \
      src/crypto/shamir.rs -- --lib || status=1 ;;
    # Seal, open, the MAC check, key groups, re-keying, a file compared with its rule.
    engine) run engine src/engine.rs src/engine/holders.rs src/policy.rs -- --lib || status=1 ;;
    # The git clean/smudge/merge conversion; --full adds the real-git tests.
    git) if ((full)); then
           run git src/git/convert.rs src/git/merge.rs -- --lib --test integration -- git || status=1
         else
           run git src/git/convert.rs src/git/merge.rs -- --lib -- git:: || status=1
         fi ;;
    # Plaintext on disk: atomic writes, output modes, scratch directories; --full adds
    # the integration tests of every plaintext output, edit and exec.
    cli) if ((full)); then
           run cli src/cli/io.rs src/cli/scratch.rs -- --bin vaultfile --test integration \
             -- cli::io cli::scratch escapes edit exec || status=1
         else
           run cli src/cli/io.rs src/cli/scratch.rs -- --bin vaultfile -- cli::io cli::scratch || status=1
         fi ;;
    # The key services' host checks, which decide where a credential may be sent: the
    # Vault server allow-list, the AWS region check, the GCP Cloud KMS resource names and
    # endpoint (a recipient must not be able to add a host, a path or a query), and the
    # Azure Key Vault hosts, key names and versions. --full adds `call` and `operate`,
    # where the allow-list is consulted and the URL made before anything is sent, and the
    # tests against OpenBao, moto and the Cloud KMS and Key Vault stand-ins that see what
    # reaches a server.
    keys) checks='AllowList|parse_server|host_port|normal_host|is_region_name|check_endpoint|check_project|check_location|check_id|parse_resource|endpoint_base|check_host|check_name|check_version|parse_url|kid_version'
          files=(src/keys/vault.rs src/keys/aws_kms.rs src/keys/gcp_kms.rs src/keys/http.rs
                 src/keys/azure_kv.rs)
          if ((full)); then
            extra+=(--re "$checks|in call|in operate")
            run keys "${files[@]}" -- --lib --test integration -- keys:: vault:: kms:: gcp_kms:: azure_kv:: || status=1
          else
            extra+=(--re "$checks")
            run keys "${files[@]}" -- --lib -- keys:: || status=1
          fi ;;
    # Post-quantum age keys: the stanza checks and the KEM adapter; the official test
    # vectors and the TypeScript interop run in the full pass.
    pq) if ((full)); then
          run pq src/keys/age/pq.rs src/keys/age/pq/xwing.rs -- --lib --test integration -- keys::age::pq age_pq:: || status=1
        else
          run pq src/keys/age/pq.rs src/keys/age/pq/xwing.rs -- --lib -- keys::age::pq || status=1
        fi ;;
    # The Kustomize generator: paths kept inside the kustomization, the checks of its
    # configuration, what goes into a Secret; the full pass adds kubectl and Argo CD.
    k8s) if ((full)); then
           run k8s src/k8s/generator.rs src/k8s/krm.rs -- --lib --test integration -- k8s:: gitops:: || status=1
         else
           run k8s src/k8s/generator.rs src/k8s/krm.rs -- --lib -- k8s:: || status=1
         fi ;;
    *) echo "unknown group: $g (crypto, engine, git, cli, keys, pq, k8s)" >&2; exit 2 ;;
  esac
done
exit $status
