#!/usr/bin/env bash
# Installs what tests/RealServer.Tests needs beyond the editor's Chromium (tests/editor/install.sh), idempotently, as root:
#   Debian's postgresql (the private cluster the PostgreSQL suite starts with the kit's reference/pg-start.sh).
# The real Label Studio itself is installed by the tests' fixture on its first start (the kit's install-and-run.sh:
# apt packages when missing, then a fresh venv per test run), so its version always matches ../shared/label-studio/server.
set -euo pipefail
KIT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/label-studio/server
[ -x "$KIT/install-and-run.sh" ] || echo "tests/real-server/install.sh: $KIT is missing; the real-server tests will skip (or fail with LABELPIPELINE_REQUIRE_REAL_LS=1)." >&2
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "tests/real-server/install.sh: postgresql is already installed." >&2
  exit 0
fi
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends postgresql >&2
