#!/usr/bin/env bash
# Prepare through the built pipeline program against a chunked pandas script (pandas_prepare.py) and `cat` (the I/O
# floor), on the same sources, whole processes: wall and CPU seconds (user + system) and peak memory (max RSS).
#   benchmarks/prepare-compare.sh                        # 3,000 series × 600 rows, one 3,000,000-row series; 3 runs each
#   benchmarks/prepare-compare.sh --many 3000x600 --long 5000000 --huge 40000000 --reps 3
# --huge N adds one N-row source prepared by the pipeline only (memory at size; pandas would take an hour).
# Besides the cold run it times the pipeline's re-run on unchanged sources (the stamp check). The outputs of both sides
# must be byte-identical (every task file): the script fails when they differ. Table: $BENCH_DATA/prepare-compare.md.
set -euo pipefail
cd "$(dirname "$0")/.."
many=3000x600 long=3000000 huge=0 reps=3 channels=10
while [ $# -gt 0 ]; do
  case "$1" in
    --many) many=$2; shift 2 ;;
    --long) long=$2; shift 2 ;;
    --huge) huge=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
data=$(realpath -m "${BENCH_DATA:-benchmarks/.data}")
PYTHON="${BENCH_PYTHON:-/usr/bin/python3}"
"$PYTHON" -c 'import pandas' 2>/dev/null || { echo "pandas is missing for $PYTHON: sudo apt-get install python3-pandas (or set BENCH_PYTHON)" >&2; exit 1; }

dotnet build benchmarks/Prepare.Benchmark/Prepare.Benchmark.csproj -c Release --nologo -v quiet >/dev/null
./build.sh --dryrun >/dev/null # builds the pipeline program as a user's first call would; later calls run it directly
generate() { dotnet benchmarks/Prepare.Benchmark/bin/Release/net10.0/Prepare.Benchmark.dll generate "$@"; }

mkdir -p "$data"
results="$data/prepare-compare.md"
cpus=$(nproc)
measure() { # label, command...: appends "label wall cpu peakMB" to $runs
  local label=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local timing; timing=$(mktemp)
  if ! /usr/bin/time -o "$timing" -f '%e %U %S %M' "$@" >"$timing.out" 2>&1; then
    echo "$label failed:" >&2; tail -20 "$timing.out" >&2; exit 1
  fi
  read -r wall user sys peak <"$timing"
  rm -f "$timing" "$timing.out"
  echo "$label $wall $(echo "$user + $sys" | bc) $((peak / 1024)) $load" >>"$runs"
  echo "  $label: ${wall} s wall, $(echo "$user + $sys" | bc) s CPU, $((peak / 1024)) MB peak (load average $load)" >&2
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

{
  echo "Prepare: the pipeline through ./build.sh vs pandas_prepare.py vs cat; $(date -u +%F), $cpus cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo
  echo "| dataset | size | side | wall s | CPU s | cores busy (CPU / wall) | MB per CPU s | below \`cat\` per CPU s | × pandas (CPU) | peak MB | load avg |"
  echo "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|"
} >"$results"

run_dataset() { # name, series, rows each, with pandas (1/0)
  local name=$1 series=$2 rows=$3 with_pandas=$4
  local root="$data/prepare-$name" folder="$data/prepare-$name/$name/v1"
  generate "$folder" "$series" "$rows" "$channels"
  local mb; mb=$(du -sm --apparent-size "$folder" | cut -f1)
  runs=$(mktemp)
  echo "$name: $series × $rows rows, $mb MB" >&2
  for rep in $(seq "$reps"); do
    cat "$folder"/*.csv >/dev/null # warm the page cache for every side alike
    rm -rf "$root/.prepared" "$root/pandas"
    sides=(dotnet pandas); [ $((rep % 2)) = 0 ] && sides=(pandas dotnet)
    [ "$with_pandas" = 1 ] || sides=(dotnet)
    for side in "${sides[@]}"; do
      if [ "$side" = dotnet ]; then
        measure dotnet ./build.sh --target=Prepare --exclusive --datasets-dir="$root" --dataset="$name" --dataset-version=v1 --verbosity=quiet
        measure rerun ./build.sh --target=Prepare --exclusive --datasets-dir="$root" --dataset="$name" --dataset-version=v1 --verbosity=quiet
      else
        measure pandas "$PYTHON" benchmarks/pandas_prepare.py "$folder" "$root/pandas" --rows-per-task 20000
      fi
    done
    measure cat sh -c "cat '$folder'/*.csv >/dev/null"
    if [ "$with_pandas" = 1 ]; then
      # Every task file byte for byte (Prepare's own prepare.json and report aside).
      if ! diff -rq -x '*.json' -x '.prepare-stamps.tsv' "$root/.prepared/$name/v1" "$root/pandas" >&2; then
        echo "OUTPUTS DIFFER for $name" >&2; exit 1
      fi
    fi
  done
  local pandas_cpu; pandas_cpu=$(awk '$1 == "pandas" {print $3}' "$runs" | median)
  local cat_cpu; cat_cpu=$(awk '$1 == "cat" {print $3}' "$runs" | median)
  for side in dotnet rerun pandas cat; do
    grep -q "^$side " "$runs" || continue
    local wall cpu peak load per ratio busy floor
    wall=$(awk -v s=$side '$1 == s {print $2}' "$runs" | median)
    cpu=$(awk -v s=$side '$1 == s {print $3}' "$runs" | median)
    peak=$(awk -v s=$side '$1 == s {print $4}' "$runs" | sort -n | tail -1)
    load=$(awk -v s=$side '$1 == s {print $5}' "$runs" | median)
    per=-; [ "$(echo "$cpu > 0" | bc)" = 1 ] && per=$(echo "scale=1; $mb / $cpu" | bc)
    ratio=-; [ -n "$pandas_cpu" ] && [ "$side" = dotnet ] && ratio=$(echo "scale=1; $pandas_cpu / $cpu" | bc)x
    busy=-; [ "$(echo "$wall > 0" | bc)" = 1 ] && busy=$(echo "scale=2; $cpu / $wall" | bc)
    # The I/O floor per core: how many times more MB per CPU second `cat` moves than this side.
    floor=-; [ -n "$cat_cpu" ] && [ "$side" != cat ] && [ "$side" != rerun ] && [ "$(echo "$cat_cpu > 0" | bc)" = 1 ] && floor=$(echo "scale=0; $cpu / $cat_cpu" | bc)x
    local label=$side; [ "$side" = dotnet ] && label="pipeline Prepare"; [ "$side" = rerun ] && label="pipeline Prepare, re-run (unchanged)" && per=-
    echo "| $name ($series × $rows rows × $channels ch) | $mb MB | $label | $wall | $cpu | $busy | $per | $floor | $ratio | $peak | $load |" >>"$results"
  done
  rm -f "$runs"
}

IFS=x read -r many_series many_rows <<<"$many"
run_dataset many "$many_series" "$many_rows" 1
run_dataset long 1 "$long" 1
[ "$huge" -gt 0 ] && reps=1 run_dataset huge 1 "$huge" 0
echo >>"$results"
echo "Medians of $reps runs (max for peak); CPU = user + system of the whole process (runtime start-up and imports included)." >>"$results"
cat "$results"
