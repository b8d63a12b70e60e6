#!/usr/bin/env bash
# Installs what the tests need on a fresh machine, then runs the whole test suite.
# Usage: ./scripts/test.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v git >/dev/null || need_apt+=(git)
command -v ssh-keygen >/dev/null || need_apt+=(openssh-client)   # SSH recipient tests
if ((${#need_apt[@]})); then
  echo "installing: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

cargo test --locked "$@"
