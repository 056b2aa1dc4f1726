# Bastio for Kubernetes. `make run` starts the whole system locally; `make test` runs every test.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

DOTNET ?= dotnet
CONFIGURATION ?= Release
PREFIX ?= $(HOME)/.local
BASTIO_CLUSTER_PORT ?= 16443
export BASTIO_CLUSTER_PORT DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: tools
tools: ## install the external tools the tests use (kubectl, helm, lua5.1, redis-server, wrk, nginx) when missing
	@scripts/install-tools.sh

.PHONY: build
build: ## build the solution
	$(DOTNET) build Bastio.K8s.sln -c $(CONFIGURATION)

.PHONY: test
test: tools build ## run every test (installs what it needs on a fresh machine)
	$(DOTNET) test Bastio.K8s.sln -c $(CONFIGURATION) --no-build --logger "console;verbosity=normal"

.PHONY: cluster
cluster: ## serve only the in-process test cluster with the CRDs installed (kubeconfig: .bastio/kubeconfig)
	$(DOTNET) run --project kubernetes/Bastio.Kubernetes.TestCluster -c $(CONFIGURATION) -- \
		--port $(BASTIO_CLUSTER_PORT) --kubeconfig .bastio/kubeconfig --crds crds --namespace default --namespace bastio-system

.PHONY: crds
crds: ## regenerate the CRD YAML in crds/ (and the chart's copy) from the C# resource model
	$(DOTNET) run --project crds/Bastio.Crds.Generator -c $(CONFIGURATION) -- crds
	$(MAKE) --no-print-directory chart-crds

.PHONY: chart-crds
chart-crds: ## copy crds/*.yaml into the Helm chart (a chart test fails when they differ)
	rm -f charts/bastio/crds/*.yaml && cp crds/*.yaml charts/bastio/crds/

.PHONY: helm-lint
helm-lint: tools ## lint the Helm chart with default and all-features values
	.tools/node_modules/.bin/helm lint charts/bastio
	.tools/node_modules/.bin/helm lint charts/bastio -f charts/bastio/ci/all-features-values.yaml

.PHONY: images
images: ## build the operator and gateway container images (needs Docker)
	@scripts/images.sh

.PHONY: e2e
e2e: tools ## the end-to-end suite against a real k3d cluster (needs Docker and k3d)
	@scripts/e2e.sh

.PHONY: run
run: build ## the whole system on this machine (cluster, operator, gateway, stub upstream); prints a working key; Ctrl-C stops it
	@$(DOTNET) local/Bastio.LocalRun/bin/$(CONFIGURATION)/net10.0/Bastio.LocalRun.dll --configuration $(CONFIGURATION)

.PHONY: plugin
plugin: ## publish the kubectl plugin and install kubectl-bastio into $(PREFIX)/bin (default ~/.local/bin)
	$(DOTNET) publish plugin/Bastio.Plugin/Bastio.Plugin.csproj -c $(CONFIGURATION) -o .bastio/plugin \
		-p:PublishSingleFile=true --self-contained false
	@mkdir -p "$(PREFIX)/bin"
	@install -m 0755 .bastio/plugin/kubectl-bastio "$(PREFIX)/bin/kubectl-bastio"
	@echo "installed $(PREFIX)/bin/kubectl-bastio; try: kubectl bastio --help"
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) ;; *) echo "note: $(PREFIX)/bin is not on your PATH; add it: export PATH=\"$(PREFIX)/bin:\$$PATH\"";; esac

.PHONY: bench
bench: ## build Release and run every benchmark, printing one results table (BENCH_KEYS=10000, BENCH_DURATION=10 scale it)
	@tests/Bastio.Benchmarks/scripts/install-bench-tools.sh
	$(DOTNET) build tests/Bastio.Benchmarks/Bastio.Benchmarks.csproj -c Release
	$(DOTNET) tests/Bastio.Benchmarks/bin/Release/net10.0/Bastio.Benchmarks.dll $(BENCH_SCENARIOS)

.PHONY: bench-operator
bench-operator: ## only the operator scenario: ApiKeys → all Ready, resync writes, heap per key
	$(MAKE) --no-print-directory bench BENCH_SCENARIOS=operator

.PHONY: bench-gateway
bench-gateway: ## only the gateway scenarios: auth decision, wrk comparison, revocation, memory and cold start
	$(MAKE) --no-print-directory bench BENCH_SCENARIOS="auth e2e revocation gateway-memory rate-limit-store"

