#!/usr/bin/env bash
# Builds this example with the real Kustomize, as a deployment pipeline would, and prints
# the manifests: the generator decrypts secrets/ with the example's test-only key.
# Needs `vaultfile` and `kubectl` on PATH (or `kustomize`).
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v vaultfile >/dev/null; then
  echo "build.sh: vaultfile is not on PATH: run 'cargo build --release' in the repository and" \
       "then PATH=\"\$PWD/target/release:\$PATH\" $0" >&2
  exit 1
fi
if ! command -v kustomize >/dev/null && ! command -v kubectl >/dev/null; then
  echo "build.sh: needs kubectl (or kustomize) on PATH: https://kubernetes.io/docs/tasks/tools/" >&2
  exit 1
fi
# TEST ONLY: the example's published key, kept with the test data, unless a key is given;
# a real pipeline gets its key from a CI secret, a mounted Kubernetes Secret, or a key
# service (AWS KMS, Vault, GCP KMS, Azure Key Vault).
export VAULTFILE_AGE_KEY_FILE="${VAULTFILE_AGE_KEY_FILE:-$PWD/../../tests/fixtures/kustomize-example/test-key.txt}"
# The legacy plugin, installed into a plugin home of this run's own.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
vaultfile --quiet kustomize install --dir "$home"
export KUSTOMIZE_PLUGIN_HOME="$home"
if command -v kustomize >/dev/null; then
  kustomize build --enable-alpha-plugins --enable-exec .
else
  kubectl kustomize --enable-alpha-plugins .
fi
