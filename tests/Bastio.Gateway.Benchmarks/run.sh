#!/usr/bin/env bash
# Gateway benchmarks for `make bench-gateway`: the auth decision (BenchmarkDotNet, in-process so the
# figures include no process-launch noise) and the cluster scenarios (cold start, memory per key,
# revocation propagation) with BASTIO_BENCH_KEYS keys loaded (default 10,000).
set -euo pipefail
cd "$(dirname "$0")/../.."
DOTNET="${DOTNET:-dotnet}"
artifacts="${BASTIO_BENCH_ARTIFACTS:-.bastio/bench/gateway}"
"$DOTNET" build -c Release tests/Bastio.Gateway.Benchmarks/Bastio.Gateway.Benchmarks.csproj >/dev/null
echo "Gateway auth decision — $(nproc) cores"
"$DOTNET" run -c Release --no-build --project tests/Bastio.Gateway.Benchmarks -- \
  --filter '*AuthDecision*' --inProcess --memory --artifacts "$artifacts" | grep -E '^\|'
"$DOTNET" run -c Release --no-build --project tests/Bastio.Gateway.Benchmarks -- --scenarios --keys "${BASTIO_BENCH_KEYS:-10000}"
