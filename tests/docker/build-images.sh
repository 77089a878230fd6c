#!/usr/bin/env bash
# Builds the images the Deploy tests run, without any registry, into the engine at DOCKER_HOST:
#   1. labelpipeline/debian:bookworm    Debian 12 minbase from debootstrap (the host's Debian mirror), `docker import`ed
#   2. labelpipeline/label-studio-kit:<key>  the real Label Studio server from the shared kit (label-studio/Dockerfile)
#   3. labelpipeline/postgres-debian:<key>   Debian's PostgreSQL 15 with the official image's interface (postgres/)
# <key> is the start of a SHA-256 over everything the image is made of (base image id, Dockerfile, entrypoint, the
# kit's install script and source commits), so an image whose tag exists is up to date and is not built again: the
# engine's data root (tests/docker/start-dockerd.sh keeps it between runs) is the cache.
# Prints LABEL_STUDIO_IMAGE=<tag> and POSTGRES_IMAGE=<tag> on stdout; progress and timings on stderr, and appends the
# timings to $LABELPIPELINE_DOCKER_DIR/image-builds.log. Needs root for debootstrap (first build only).
#   DOCKER_HOST="$(tests/docker/start-dockerd.sh)" tests/docker/build-images.sh [KIT_DIR]
# KIT_DIR: the kit (install-and-run.sh, src/); default ../shared/label-studio/server beside the repository.
set -euo pipefail
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd -- "$here/../.." && pwd)"
kit="$(readlink -f "${1:-$root/../shared/label-studio/server}")"
dir="${LABELPIPELINE_DOCKER_DIR:-/tmp/labelpipeline-dockerd}"
base_tag=labelpipeline/debian:bookworm
[ -f "$kit/install-and-run.sh" ] && [ -d "$kit/src" ] || { echo "$kit is not the Label Studio kit (no install-and-run.sh and src/)." >&2; exit 2; }
docker version >/dev/null 2>&1 || { echo "No Docker engine answers at ${DOCKER_HOST:-the default socket}: start one with tests/docker/start-dockerd.sh." >&2; exit 2; }
mkdir -p "$dir"
exec 9>"$dir/build-images.lock"; flock 9   # one build at a time per engine folder
log() { echo "build-images: $*" >&2; }
timings="$dir/.timings.$$"; : > "$timings"; trap 'rm -f "$timings"' EXIT

# The host's Debian mirror (deb822 or one-line sources), so the image's apt uses what the host can reach.
mirror="${LABELPIPELINE_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(awk '/^URIs:/{u=$2} /^Suites:.*bookworm( |$)/{print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi

# ---- 1. base
if ! docker image inspect "$base_tag" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { echo "debootstrap is missing: run tests/docker/install.sh (as root)." >&2; exit 2; }
  t0=$SECONDS; rootfs="$dir/rootfs"; rm -rf "$rootfs"
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$dir/debootstrap.log" 2>&1 || { tail -20 "$dir/debootstrap.log" >&2; exit 1; }
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" > "$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
  tar --numeric-owner -C "$rootfs" -c . | docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$base_tag" >/dev/null
  rm -rf "$rootfs"
  echo "base $((SECONDS - t0)) s" >> "$timings"
fi
base_id=$(docker image inspect -f '{{.Id}}' "$base_tag")

# build NAME REPOSITORY DOCKERFILE_DIR [MORE_INPUT_FILES...]: builds REPOSITORY:<key> unless it exists; prints the tag
build() {
  local name=$1 repo=$2 src=$3; shift 3
  local key; key=$( { echo "$base_id"; cat "$src/Dockerfile" "$src/entrypoint.sh"; for f in "$@"; do echo "$f"; cat "$f"; done; } | sha256sum | cut -c1-16)
  local tag="$repo:$key"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    log "$tag is up to date (cached)"
  else
    local t0=$SECONDS ctx; ctx=$(mktemp -d)
    cp "$src/Dockerfile" "$src/entrypoint.sh" "$ctx/"
    if [ "$name" = label-studio ]; then
      mkdir -p "$ctx/kit"; cp -a "$kit/install-and-run.sh" "$kit/src" "$ctx/kit/"
      printf '**/.git\n**/__pycache__\n**/*.pyc\n' > "$ctx/.dockerignore"
    fi
    log "docker build $tag"
    # The legacy builder: Debian's docker.io has no buildx. --network=host: apt reaches the host's mirror.
    if ! DOCKER_BUILDKIT=0 docker build --network=host --build-arg BASE_IMAGE="$base_tag" -t "$tag" "$ctx" >"$dir/build-$name.log" 2>&1; then
      rm -rf "$ctx"; tail -30 "$dir/build-$name.log" >&2; echo "docker build of $tag failed; the whole log is $dir/build-$name.log" >&2; exit 1
    fi
    rm -rf "$ctx"
    echo "$name $((SECONDS - t0)) s, $(( $(docker image inspect -f '{{.Size}}' "$tag") / 1000000 )) MB" >> "$timings"
  fi
  echo "$tag"
}

ls_image=$(build label-studio labelpipeline/label-studio-kit "$here/label-studio" "$kit/install-and-run.sh" $(find "$kit/src" -maxdepth 2 -name .src-commit | sort))
pg_image=$(build postgres labelpipeline/postgres-debian "$here/postgres")
if [ -s "$timings" ]; then
  line="$(date -u +%FT%TZ) built: $(paste -sd ';' "$timings")"
  log "$line"; echo "$line" >> "$dir/image-builds.log"
fi
echo "LABEL_STUDIO_IMAGE=$ls_image"
echo "POSTGRES_IMAGE=$pg_image"
