#!/usr/bin/env bash
# Installs what `make bench` drives besides .NET: wrk (load generator) and nginx (the reference proxy),
# from Debian, only when missing. Fails with a clear message when they cannot be installed.
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || missing+=(nginx-light)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
((${#missing[@]})) || exit 0

echo "bench: installing ${missing[*]} from Debian"
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "bench: ERROR: ${missing[*]} missing and neither root nor sudo is available; install: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo_cmd="sudo"
fi
if ! { $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
       { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null; }; }; then
  echo "bench: ERROR: apt-get could not install ${missing[*]}; the end-to-end scenario needs them" >&2
  exit 1
fi
