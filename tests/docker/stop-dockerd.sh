#!/usr/bin/env bash
# Stops the private Docker engine started by start-dockerd.sh and removes what dockerd leaves behind (the docker0
# link, the nsfs mount of the default network namespace, leftover mounts under its directory).
#   tests/docker/stop-dockerd.sh           # keep the directory (images stay cached for the next start)
#   tests/docker/stop-dockerd.sh --purge   # also delete the directory
# Idempotent: stopping an engine that is not running is fine.
set -euo pipefail

dir="${LABELPIPELINE_DOCKER_DIR:-/tmp/labelpipeline-dockerd}"
pidfile="$dir/dockerd.pid"
purge=false
[ "${1:-}" = "--purge" ] && purge=true

if [ -f "$pidfile" ]; then
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    # dockerd stops its containers first (about 2-3 s); bounded wait, then force.
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "dockerd $pid did not stop within 15 s; killing it." >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    echo "dockerd $pid stopped." >&2
  fi
  rm -f "$pidfile"
fi

# Only clean the shared bits (docker0, /run/docker) when no other Docker engine is running: they would be its too.
if ! pidof dockerd >/dev/null 2>&1; then
  if ip link show docker0 >/dev/null 2>&1; then
    ip link del docker0 || true
  fi
  if mountpoint -q /run/docker/netns/default 2>/dev/null; then
    umount /run/docker/netns/default || true
  fi
fi

# Anything still mounted under the private directory (overlay layers, netns) after a forced stop; deepest first.
if [ -d "$dir" ]; then
  awk -v prefix="$dir/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
fi

if [ "$purge" = true ] && [ -d "$dir" ]; then
  rm -rf "$dir"
  echo "Removed $dir." >&2
fi
