#!/usr/bin/env bash
# Starts a private Docker engine for tests and CI, and prints its DOCKER_HOST (the only line on stdout):
#   export DOCKER_HOST="$(tests/docker/start-dockerd.sh)"
# Idempotent: when the engine in the same directory already answers, it just prints DOCKER_HOST again.
# Isolation: all state lives under LABELPIPELINE_DOCKER_DIR (default /tmp/labelpipeline-dockerd); no
# /var/run/docker.sock, no iptables/NAT rules and no ip_forward, so containers cannot route off the machine and
# published ports must be bound to 127.0.0.1. Installs nothing (see install.sh).
set -euo pipefail

dir="${LABELPIPELINE_DOCKER_DIR:-/tmp/labelpipeline-dockerd}"
socket="$dir/docker.sock"
host="unix://$socket"
pidfile="$dir/dockerd.pid"
log="$dir/dockerd.log"
timeout_seconds="${LABELPIPELINE_DOCKERD_TIMEOUT:-30}"

if ! command -v dockerd >/dev/null 2>&1; then
  echo "dockerd is not installed: run tests/docker/install.sh (apt-get install docker.io busybox-static)." >&2
  exit 2
fi

docker_client="$(command -v docker || true)"
if [ -z "$docker_client" ]; then
  echo "The docker CLI is not installed: run tests/docker/install.sh." >&2
  exit 2
fi

answers() { "$docker_client" --host "$host" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && answers; then
  echo "dockerd already running (pid $(cat "$pidfile")) at $host" >&2
  echo "$host"
  exit 0
fi

mkdir -p "$dir"
chmod 700 "$dir"

# A stale pid file from a killed engine makes dockerd refuse to start.
if [ -f "$pidfile" ] && ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  rm -f "$pidfile"
fi

# setsid + all three streams redirected: the engine must not hold the caller's pipes open (a test runner waiting
# for this script's output would otherwise wait for dockerd to exit).
setsid dockerd \
  --iptables=false \
  --ip-forward=false \
  --data-root "$dir/data" \
  --exec-root "$dir/exec" \
  --pidfile "$pidfile" \
  -H "$host" \
  </dev/null >"$log" 2>&1 &

deadline=$((SECONDS + timeout_seconds))
until answers; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "dockerd did not answer at $host within ${timeout_seconds} s. Last log lines ($log):" >&2
    tail -n 20 "$log" >&2 || true
    exit 1
  fi
  sleep 0.1
done

echo "dockerd $(cat "$pidfile") ready at $host (log: $log)" >&2
echo "$host"
