#!/usr/bin/env bash
# Installs what the Docker tests need, from the Debian mirror only: docker.io (dockerd, containerd, runc, tini as
# docker-init), busybox-static (the stand-in image's only binary) and debootstrap (the Debian base of the real Label
# Studio and PostgreSQL images, build-images.sh). Does nothing when all are present.
# The service is never started here (no systemd): tests start a private dockerd with start-dockerd.sh.
set -euo pipefail

if command -v dockerd >/dev/null 2>&1 && command -v debootstrap >/dev/null 2>&1 && [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx nc; then
  echo "docker.io, busybox-static and debootstrap are already installed." >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh needs root (apt-get): run it with sudo." >&2
  exit 1
fi

# The mirror is occasionally slow or locked by another apt run: retry a bounded number of times.
for attempt in 1 2 3 4 5; do
  if apt-get update >&2 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io busybox-static debootstrap >&2; then
    echo "Installed docker.io, busybox-static and debootstrap." >&2
    exit 0
  fi
  echo "apt-get failed (attempt $attempt of 5); retrying in $((attempt * 5)) s." >&2
  sleep $((attempt * 5))
done

echo "Could not install docker.io, busybox-static and debootstrap after 5 attempts." >&2
exit 1
