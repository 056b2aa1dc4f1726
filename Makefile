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
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

.PHONY: tools
tools: ## install the external tools the tests use (kubectl, helm, lua5.1, wrk, nginx) when missing
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
crds: ## regenerate the CRD YAML in crds/ from the C# resource model
	$(DOTNET) run --project crds/Bastio.Crds.Generator -c $(CONFIGURATION) -- crds
