#!/usr/bin/env bash
# A base image made from Debian packages, for building the Dockerfile where no image registry is reachable
# (docs/deploy.md, "The container image"): debootstrap a minimal bookworm with OpenJDK 17, Maven and git,
# import it into podman, and build the slotferry image with it as both stages' base.
#
# usage (root, podman and debootstrap installed): scripts/local-base-image.sh [TAG]
# The build mounts ~/.m2 so Maven needs no network when the repository was built here before.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-localhost/slotferry:dev}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
debootstrap --variant=minbase --include=openjdk-17-jdk-headless,maven,ca-certificates,git bookworm "$work/rootfs" \
  http://deb.debian.org/debian >&2
tar -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - localhost/slotferry-base:bookworm >&2
# chroot isolation: builds where the OCI runtime cannot create containers (nested, cgroups v1/v2 hybrid)
podman build --isolation=chroot \
  --build-arg BUILD_IMAGE=localhost/slotferry-base:bookworm --build-arg RUNTIME_IMAGE=localhost/slotferry-base:bookworm \
  --build-arg SLOTFERRY_COMMIT="$(git -C "$root" describe --always --dirty --abbrev=12 2>/dev/null || echo unknown)" \
  -v "$HOME/.m2:/root/.m2" -t "$tag" "$root" >&2
echo "$tag"
