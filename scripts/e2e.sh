#!/usr/bin/env bash
# Runs the end-to-end suite against a real cluster (make e2e): creates a k3d cluster, builds and
# imports the images, installs the chart, port-forwards the gateway and runs
# tests/Bastio.EndToEnd.Tests with BASTIO_E2E_KUBECONFIG and BASTIO_E2E_GATEWAY_URL set, which
# point the suite at this cluster instead of the in-process test cluster. Everything it creates is
# removed on exit. Needs Docker and k3d.
set -euo pipefail
cd "$(dirname "$0")/.."

cluster="${BASTIO_E2E_CLUSTER:-bastio-e2e}"
namespace=bastio-system
tag=e2e
repository=ghcr.io/bastio

missing=()
command -v docker >/dev/null 2>&1 || missing+=(docker)
command -v k3d >/dev/null 2>&1 || missing+=(k3d)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
command -v dotnet >/dev/null 2>&1 || missing+=(dotnet)
helm=.tools/node_modules/.bin/helm
[ -x "$helm" ] || helm="$(command -v helm || true)"
[ -n "$helm" ] || missing+=("helm (run make tools)")
if ((${#missing[@]})); then
  printf 'e2e: ERROR: missing %s; make e2e needs Docker and k3d (https://k3d.io) on the PATH\n' "$(IFS=,; echo "${missing[*]}" | sed 's/,/, /g')" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "e2e: ERROR: docker is installed but its engine is not reachable (is the daemon running?)" >&2
  exit 1
fi

work="$(mktemp -d)"
kubeconfig="$work/kubeconfig"
port_forward_pid=""
cleanup() {
  [ -n "$port_forward_pid" ] && kill "$port_forward_pid" 2>/dev/null || true
  k3d cluster delete "$cluster" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "e2e: creating k3d cluster $cluster"
k3d cluster create "$cluster" --wait --timeout 180s --kubeconfig-update-default=false --kubeconfig-switch-context=false
k3d kubeconfig get "$cluster" >"$kubeconfig"
export KUBECONFIG="$kubeconfig"

BASTIO_IMAGE_REPOSITORY="$repository" BASTIO_IMAGE_TAG="$tag" scripts/images.sh
k3d image import --cluster "$cluster" "$repository/bastio-operator:$tag" "$repository/bastio-gateway:$tag"

echo "e2e: installing the chart"
"$helm" install bastio charts/bastio --namespace "$namespace" --create-namespace \
  --set operator.image.tag="$tag" --set operator.image.pullPolicy=Never \
  --set gateway.image.tag="$tag" --set gateway.image.pullPolicy=Never \
  --set gateway.replicas=1 --wait --timeout 5m

# Port 0 lets kubectl pick a free local port; it prints the one it chose.
kubectl --namespace "$namespace" port-forward service/bastio-gateway :80 >"$work/port-forward.log" 2>&1 &
port_forward_pid=$!
port=""
for _ in $(seq 1 60); do
  port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/port-forward.log" | head -n1)"
  [ -n "$port" ] && break
  kill -0 "$port_forward_pid" 2>/dev/null || { cat "$work/port-forward.log" >&2; exit 1; }
  sleep 0.5
done
[ -n "$port" ] || { echo "e2e: ERROR: kubectl port-forward did not report a port" >&2; exit 1; }

echo "e2e: running the end-to-end suite against $cluster (gateway on 127.0.0.1:$port)"
BASTIO_E2E_KUBECONFIG="$kubeconfig" BASTIO_E2E_GATEWAY_URL="http://127.0.0.1:$port" \
  dotnet test tests/Bastio.EndToEnd.Tests --logger "console;verbosity=normal"
