#!/usr/bin/env bash
# Snapshot benchmark (issue 4, item 6): the Export code against a pandas reference on identical generated inputs.
#   benchmarks/run.sh                      # full run: small and full size, 3 repetitions each (about 5-8 minutes on 2 cores)
#   benchmarks/run.sh --reps=5             # any option of Snapshots.Benchmark bench, e.g. --tasks=500,2000 --rows=1000000,5000000
# Inputs are generated once (deterministic) into $BENCH_DATA (default benchmarks/.data, git-ignored) and reused while
# their parameters match. The table is printed and written to $BENCH_DATA/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's pandas, not whatever python3 comes first on PATH (pyenv shims, virtualenvs).
PYTHON="${BENCH_PYTHON:-/usr/bin/python3}"
if ! "$PYTHON" -c 'import pandas' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing python3-pandas with apt ..." >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pandas >/dev/null
    PYTHON=/usr/bin/python3
  else
    echo "pandas is missing for $PYTHON: run 'sudo apt-get install python3-pandas' (or set BENCH_PYTHON), then run this again." >&2
    exit 1
  fi
fi

project=benchmarks/Snapshots.Benchmark/Snapshots.Benchmark.csproj
for attempt in 1 2 3; do
  # Another build in the same repository may hold a file lock: retry.
  if dotnet build "$project" -c Release --nologo -v quiet; then break; fi
  [ "$attempt" = 3 ] && exit 1
  sleep 5
done

dotnet benchmarks/Snapshots.Benchmark/bin/Release/net10.0/Snapshots.Benchmark.dll bench \
  --data "${BENCH_DATA:-benchmarks/.data}" \
  --python "$PYTHON" \
  --pandas-script benchmarks/pandas_reference.py \
  --template templates/timeseries-labeling.xml \
  "$@"

# ConvertExport through build.sh (the path users run: a Prepare manifest, thousands of series, an unchanged re-run, dense
# labels, one huge task) against pandas, with its own table ($BENCH_DATA/convert-export-results.md; fails when the outputs
# differ). BENCH_CONVERT=0 leaves it out; BENCH_CONVERT_ARGS passes options, e.g. "--tasks 3000 --reps 3".
if [ "${BENCH_CONVERT:-1}" != 0 ]; then
  # shellcheck disable=SC2086
  BENCH_PYTHON="$PYTHON" benchmarks/convert-export.sh ${BENCH_CONVERT_ARGS:-}
fi

# Prepare through build.sh against pandas and cat, with its own table ($BENCH_DATA/prepare-compare.md; fails when the
# outputs differ). BENCH_PREPARE=0 leaves it out; BENCH_PREPARE_ARGS passes options, e.g. "--many 3000x600 --huge 40000000".
if [ "${BENCH_PREPARE:-1}" != 0 ]; then
  # shellcheck disable=SC2086
  BENCH_PYTHON="$PYTHON" benchmarks/prepare-compare.sh ${BENCH_PREPARE_ARGS:-}
fi
