#!/usr/bin/env bash
# Builds the operator and gateway images from the repository root (make images).
#   BASTIO_IMAGE_REPOSITORY  registry/prefix of the images (default ghcr.io/bastio)
#   BASTIO_IMAGE_TAG         tag of both images (default dev)
set -euo pipefail
cd "$(dirname "$0")/.."

repository="${BASTIO_IMAGE_REPOSITORY:-ghcr.io/bastio}"
tag="${BASTIO_IMAGE_TAG:-dev}"

if ! command -v docker >/dev/null 2>&1; then
  echo "images: ERROR: docker is not installed; building the images needs a Docker engine" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "images: ERROR: docker is installed but its engine is not reachable (is the daemon running?)" >&2
  exit 1
fi

for component in operator gateway; do
  image="$repository/bastio-$component:$tag"
  echo "images: building $image"
  DOCKER_BUILDKIT=1 docker build --file "$component/Dockerfile" --tag "$image" .
done
