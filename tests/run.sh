#!/usr/bin/env bash
# The test command: installs what the tests need (when run as root and it is missing), then runs every test.
# Tests start their own servers (dockerd, the Label Studio emulator, the real Label Studio from ../shared/label-studio/server,
# a private PostgreSQL) and stop them afterwards.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." &>/dev/null && pwd)
cd "$ROOT"
export NO_COLOR=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "$(id -u)" = 0 ]; then
  bash tests/docker/install.sh
  bash tests/editor/install.sh
  bash tests/real-server/install.sh # PostgreSQL for the private cluster; the kit's own packages come with its first start
else
  echo "tests/run.sh: not root, installing nothing; Docker tests skip if dockerd is missing." >&2
fi
bash tests/s3/install.sh # s3rver for the S3 tests: npm ci, no root needed
# PowerShell for build.ps1's test: the .NET tool from NuGet, into tests/.tools (no root needed; 7.7.0 fails to install).
[ -x tests/.tools/pwsh ] || dotnet tool install PowerShell --version 7.6.10 --tool-path tests/.tools >/dev/null

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
set +e
dotnet test LabelPipeline.sln --logger "trx" --results-directory "$RESULTS" "$@"
status=$?
set -e

# One closing line over every test project: 'N passed, N failed, N skipped'.
python3 - "$RESULTS" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(counters.get("passed", 0)); failed += int(counters.get("failed", 0))
    skipped += int(counters.get("total", 0)) - int(counters.get("executed", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
