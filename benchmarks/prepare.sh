#!/usr/bin/env bash
# Prepare benchmark (issue 8, item 4): throughput and peak memory of Prepare on generated sources up to several GB.
#   benchmarks/prepare.sh                                  # 1M, 5M and 40M rows × 10 channels (the last is about 3.5 GB)
#   benchmarks/prepare.sh --rows 1000000,5000000 --reps 3  # other sizes, median of 3
# Sources are generated once into $BENCH_DATA (default benchmarks/.data, git-ignored) and reused; each run prepares
# into a fresh folder in its own process (peak = its VmHWM). The table is printed and written to $BENCH_DATA/prepare-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
project=benchmarks/Prepare.Benchmark/Prepare.Benchmark.csproj
for attempt in 1 2 3; do
  if dotnet build "$project" -c Release --nologo -v quiet; then break; fi
  [ "$attempt" = 3 ] && exit 1
  sleep 5
done
exec dotnet benchmarks/Prepare.Benchmark/bin/Release/net10.0/Prepare.Benchmark.dll bench --data "${BENCH_DATA:-benchmarks/.data}" "$@"
