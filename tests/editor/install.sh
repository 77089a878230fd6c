#!/usr/bin/env bash
# Installs what the editor tests (tests/Editor.Tests) need, idempotently:
#   1. Debian's chromium (apt, only when missing; needs root). Never a browser that a tool downloads itself.
#   2. The node tool's locked dependencies (npm ci: playwright-core, exactly as package-lock.json pins it).
#   3. Label Studio's editor, @heartexlabs/label-studio@1.4.0, checked against its sha512 (fetch-lsf.sh).
set -euo pipefail
cd "$(dirname -- "${BASH_SOURCE[0]}")"

if command -v chromium >/dev/null 2>&1; then
  echo "install.sh: chromium is already installed." >&2
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "install.sh: chromium is missing and installing it needs root (apt-get): run it with sudo." >&2
    exit 1
  fi
  # The retry loop: the docker-clean hook or a concurrent apt run can delete downloaded debs mid-install.
  apt-get update -qq >&2
  for attempt in 1 2 3; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 chromium >&2; then
      break
    fi
    echo "install.sh: apt-get install chromium failed (attempt $attempt of 3); retrying in 5 s." >&2
    sleep 5
  done
  command -v chromium >/dev/null 2>&1 || { echo "install.sh: could not install chromium." >&2; exit 1; }
  echo "install.sh: installed $(chromium --version 2>/dev/null)." >&2
fi

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 \
  || { echo "install.sh: node and npm (node >= 20) are needed for tests/editor." >&2; exit 1; }

# playwright-core never downloads a browser on install; the variable makes sure of it.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2
bash fetch-lsf.sh >&2
node lsf-check.js --probe >&2
