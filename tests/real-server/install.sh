#!/usr/bin/env bash
# Installs what tests/RealServer.Tests needs beyond the editor's Chromium (tests/editor/install.sh), idempotently, as root:
#   Debian's postgresql (the private cluster the PostgreSQL suite starts with the kit's reference/pg-start.sh), and
#   the Debian packages of the real Label Studio kit. The kit itself (a fresh venv per test run) is installed by the
#   tests' fixture on its first start, so its version always matches ../shared/label-studio/server; its apt packages
#   come here, once, because the real-server fixture and the Docker suite's process runtime both run the kit's
#   installer from assemblies that dotnet test runs in parallel, and two apt runs at once fail on apt's lock.
set -euo pipefail
KIT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../../.." && pwd)/shared/label-studio/server
packages=""
if [ -f "$KIT/install-and-run.sh" ]; then
  packages=$(sed -n '/^DEB_PKGS="/,/"$/p' "$KIT/install-and-run.sh" | tr -d '"' | sed 's/^DEB_PKGS=//')
else
  echo "tests/real-server/install.sh: $KIT is missing; the real-server tests will skip (or fail with LABELPIPELINE_REQUIRE_REAL_LS=1)." >&2
fi
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || packages="$packages postgresql"

# dpkg-query prints nothing for a package never seen: compare the count of installed ones with the count asked for.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Status}\n' $packages 2>/dev/null | grep -c ' installed$' || true)
if [ -z "${packages// /}" ] || [ "$installed" -eq "$(echo $packages | wc -w)" ]; then
  echo "tests/real-server/install.sh: postgresql and the kit's Debian packages are already installed." >&2
  exit 0
fi
apt-get update -qq >&2
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 --no-install-recommends $packages >&2
