#!/usr/bin/env bash
# Installs the external tools the test suite drives, only when missing. On CI (CI=true) a tool that
# cannot be installed fails the run instead of letting its tests pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."

missing_apt=()
command -v kubectl >/dev/null 2>&1 || missing_apt+=(kubernetes-client)

if ((${#missing_apt[@]})); then
  echo "install-tools: installing ${missing_apt[*]} from Debian"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing_apt[@]}" >/dev/null
fi

for tool in kubectl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-tools: ERROR: $tool is required by the tests and could not be installed" >&2
    exit 1
  fi
done
