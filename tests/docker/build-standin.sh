#!/usr/bin/env bash
# Builds the Label Studio stand-in image locally, without any registry: a busybox-static rootfs imported with
# `docker import` (about 2 MB, under a second). Uses DOCKER_HOST like any docker command.
#   DOCKER_HOST="$(tests/docker/start-dockerd.sh)" [STANDIN_UPSTREAM=host:port] tests/docker/build-standin.sh [tag]
# Default tag: labelpipeline/label-studio-standin:test. Every run imports a new image (a new image id), which tests
# use to get "a different image" cheaply.
set -euo pipefail

tag="${1:-labelpipeline/label-studio-standin:test}"
here="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$here/label-studio-standin"
busybox="${LABELPIPELINE_BUSYBOX:-/bin/busybox}"

if [ ! -x "$busybox" ] || ! "$busybox" --list 2>/dev/null | grep -qx nc; then
  echo "A static busybox with the nc applet is needed at $busybox: run tests/docker/install.sh (busybox-static)." >&2
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/label-studio/data" "$rootfs/label-studio/files"

cp "$busybox" "$rootfs/bin/busybox"
for applet in sh cat date echo env head id ls mkdir mkfifo nc od printf rm sleep tr wget touch test '['; do
  ln -s busybox "$rootfs/bin/$applet"
done
install -m 0755 "$source_dir/entrypoint.sh" "$rootfs/bin/entrypoint.sh"
install -m 0755 "$source_dir/handler.sh" "$rootfs/bin/handler.sh"
# STANDIN_UPSTREAM=host:port: the handler forwards the API (all but /health and whoami) there, e.g. to the Label
# Studio emulator listening on the engine's bridge gateway, so a full pipeline run can go past Deploy.
if [ -n "${STANDIN_UPSTREAM:-}" ]; then
  printf '%s\n' "$STANDIN_UPSTREAM" > "$rootfs/etc/standin-upstream"
fi

# As in the real image: uid 1001, gid 0, owning the data dir. Docker copies this ownership into a fresh named volume,
# which is why a named volume avoids the walkthrough's "Permission denied: /label-studio/data/media".
printf 'root:x:0:0:root:/root:/bin/sh\nlabelstudio:x:1001:0::/label-studio:/bin/sh\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
chown -R 0:0 "$rootfs"
chown 1001:0 "$rootfs/label-studio" "$rootfs/label-studio/data"
chmod 0775 "$rootfs/label-studio/data"
chmod 1777 "$rootfs/tmp"

tar --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .

docker import \
  --change 'USER 1001' \
  --change 'WORKDIR /label-studio' \
  --change 'ENV PATH=/bin HOME=/label-studio LS_DIR=/label-studio LABEL_STUDIO_BASE_DATA_DIR=/label-studio/data' \
  --change 'EXPOSE 8080' \
  --change 'ENTRYPOINT ["/bin/entrypoint.sh"]' \
  --change 'CMD ["label-studio"]' \
  "$work/rootfs.tar" "$tag" >/dev/null

echo "Built $tag ($(docker image inspect --format '{{.Id}}' "$tag"))" >&2
