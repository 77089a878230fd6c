#!/usr/bin/env bash
# The path users run (issue 17): the built program's --target=ConvertExport on a dataset with a Prepare manifest,
# against pandas (benchmarks/pandas_reference.py) on the same inputs, whole processes, alternating, same run.
#   benchmarks/convert-export.sh [--tasks 3000] [--regions 40] [--rows 3000000] [--big-task 780000] [--reps 3]
# Workloads: (U1) ConvertExport -> lookout/labels.csv, 3,000 tasks x 40 regions, one series per task, Prepare manifest;
# (U2) the same re-run with nothing changed (files must stay untouched); (U3) dense labels through ConvertExport on one
# series of --rows rows; (U4) one task with --big-task regions (peak memory). Each process runs under /usr/bin/time
# (wall, user+system CPU, max RSS); pandas' own whole-process figures are taken the same way. Outputs are compared
# byte for byte; the script exits non-zero when they differ. The floor under U1 (the host's start, the export tokenised,
# the snapshot's files written) is measured in the same run and set against the 5x budget. Results go to
# $BENCH_DATA/convert-export-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

tasks=3000 regions=40 rows=3000000 big=780000 reps=3
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) tasks=$2; shift 2 ;; --regions) regions=$2; shift 2 ;; --rows) rows=$2; shift 2 ;;
    --big-task) big=$2; shift 2 ;; --reps) reps=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

data=$(realpath -m "${BENCH_DATA:-benchmarks/.data}")
python=${BENCH_PYTHON:-/usr/bin/python3}
"$python" -c 'import pandas' 2>/dev/null || { echo "pandas is missing for $python: sudo apt-get install python3-pandas" >&2; exit 1; }
dotnet build benchmarks/Snapshots.Benchmark -c Release --nologo -v quiet >/dev/null
./build.sh --dryrun >/dev/null # builds the pipeline program as a user's first call would; the timed calls find it up to date
bench="dotnet benchmarks/Snapshots.Benchmark/bin/Release/net10.0/Snapshots.Benchmark.dll"
pipeline=./build.sh # the path users run: build.sh's up-to-date check, then the built program
template=templates/timeseries-labeling.xml
mkdir -p "$data"
scratch=$(mktemp -d "$data/convert-export.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
results="$data/convert-export-results.md"

# One dataset folder per input set (hard links to the generated series), prepared once, untimed.
dataset() {
  local set=$1
  if [ ! -d "$set/datasets/bench/v1" ]; then mkdir -p "$set/datasets/bench"; cp -al "$set/series" "$set/datasets/bench/v1"; fi
  $pipeline --target=Prepare --datasets-dir="$set/datasets" --dataset=bench --dataset-version=v1 --verbosity=quiet >/dev/null
}

# measure <name> <command...>: appends "name wall cpu maxrss_mb load1" to $scratch/samples.
measure() {
  local name=$1; shift
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$scratch/time" "$@" >"$scratch/out.log" 2>&1; then
    echo "FAILED: $*" >&2; tail -20 "$scratch/out.log" >&2; exit 1
  fi
  read -r wall user sys rss < "$scratch/time"
  echo "$name $wall $(echo "$user + $sys" | bc) $((rss / 1024)) $load" >> "$scratch/samples"
}

convert() { # convert <set> <output>: the ConvertExport command line, in $command
  command=($pipeline --target=ConvertExport --export-file="$1/export.json" --label-config-file="$1/label-config.xml"
    --datasets-dir="$1/datasets" --dataset=bench --dataset-version=v1 --output="$2" --anomaly-labels=Anomaly --verbosity=normal)
}

listing() { (cd "$1" && find . -type f -printf '%p %s %T@\n' | sort && find . -type f -exec sha256sum {} + | sort); }

echo "generating and preparing inputs (untimed) ..." >&2
export_set=$($bench inputs --data "$data" --template $template --tasks "$tasks" --regions-per-task "$regions")
dense_set=$($bench inputs --data "$data" --template $template --rows "$rows")
big_set=$($bench inputs --data "$data" --template $template --rows 1000000 --regions "$big")
for set in "$export_set" "$dense_set" "$big_set"; do dataset "$set"; done

# Each repetition writes into a folder of its own, and the folders are deleted only at the end: on ext4, a file created
# within a minute of many deletions costs a look-up per recently deleted inode (the kernel skips them), so deleting the
# last repetition's 3,010 files right before the next would bill the benchmark's own cleanup to the pipeline (up to 13 %
# of one run's samples under perf, in find_inode_bit/recently_deleted).
echo '[]' > "$scratch/empty.json"
for rep in $(seq 1 "$reps"); do
  echo "repetition $rep of $reps ..." >&2
  # Alternate which side goes first.
  for side in $( [ $((rep % 2)) = 1 ] && echo "net pandas" || echo "pandas net"); do
    if [ $side = net ]; then
      convert "$export_set" "$scratch/u1-$rep"; measure U1.net "${command[@]}"
      listing "$scratch/u1-$rep" > "$scratch/before"; sleep 1
      measure U2.net "${command[@]}"
      listing "$scratch/u1-$rep" > "$scratch/after"
      grep -q "is up to date" "$scratch/out.log" || { echo "U2: the re-run did not report the snapshot up to date" >&2; exit 1; }
      cmp -s "$scratch/before" "$scratch/after" || { echo "U2: the unchanged re-run touched files" >&2; diff "$scratch/before" "$scratch/after" | head >&2; exit 1; }
      convert "$dense_set" "$scratch/u3-$rep"; measure U3.net "${command[@]}"
      # The floor under U1: what no ConvertExport of that export can skip here (the table's last line adds them up).
      measure F.start $pipeline --dryrun                                    # build.sh's check and the host's start
      measure F.scan $bench scan --export "$export_set/export.json"        # the export tokenised, nothing else
      measure F.runtime $bench scan --export "$scratch/empty.json"         # the scan's own runtime start, taken off
      measure F.write cp -r "$scratch/u1-$rep" "$scratch/copy-$rep"         # writing the snapshot's files
    else
      measure U1.cat sh -c 'cat "$1" > /dev/null' cat "$export_set/export.json" # the I/O floor: reading the inputs once
      measure U3.cat sh -c 'cat "$1" "$2" > /dev/null' cat "$dense_set/export.json" "$dense_set/series/series.csv"
      measure U1.pandas "$python" benchmarks/pandas_reference.py export --export "$export_set/export.json" --config "$export_set/label-config.xml" --out "$scratch/u1.pandas.csv"
      measure U3.pandas "$python" benchmarks/pandas_reference.py dense --export "$dense_set/export.json" --config "$dense_set/label-config.xml" --series "$dense_set/series/series.csv" --out "$scratch/u3.pandas.csv"
    fi
  done
  cmp "$scratch/u1-$rep/bench/v1/lookout/labels.csv" "$scratch/u1.pandas.csv" || { echo "U1: labels.csv differs from pandas'" >&2; exit 1; }
  cmp "$scratch/u3-$rep/bench/v1/dense/series.csv" "$scratch/u3.pandas.csv" || { echo "U3: dense/series.csv differs from pandas'" >&2; exit 1; }
done
convert "$big_set" "$scratch/u4"; measure U4.net "${command[@]}"

# The table: medians of wall and CPU, the largest peak, the load average (1 min) before the runs.
awk -v tasks="$tasks" -v regions="$regions" -v rows="$rows" -v big="$big" '
  function median(list,   n, a, i, j, t) { n = split(list, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3; if ($4 > peak[$1]) peak[$1] = $4; load[$1] = load[$1] " " $5 }
  END {
    print "| workload | .NET wall s | .NET CPU s | pandas wall s | pandas CPU s | × pandas (CPU) | × pandas (wall) | .NET peak MB | pandas peak MB | cat of the inputs, CPU s | load avg before |"
    print "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
    name["U1"] = "ConvertExport → labels.csv, " tasks " tasks × " regions " regions, Prepare manifest"
    name["U2"] = "the same, re-run with nothing changed (files untouched)"
    name["U3"] = "dense labels through ConvertExport, " rows " rows × 10 channels"
    name["U4"] = "ConvertExport, one task with " big " regions (1,000,000 rows)"
    for (k = 1; k <= 4; k++) { u = "U" k; n = u ".net"; p = u ".pandas"
      if (!(n in wall)) continue
      nc = median(cpu[n]); nw = median(wall[n])
      floor = (u ".cat" in cpu) ? sprintf("%.2f", median(cpu[u ".cat"])) : "–"
      if (p in wall) { pc = median(cpu[p]); pw = median(wall[p]); printf "| %s | %.2f | %.2f | %.2f | %.2f | **%.1f×** | %.1f× | %d | %d | %s | %s |\n", name[u], nw, nc, pw, pc, pc / nc, pw / nw, peak[n], peak[p], floor, median(load[n] load[p]) }
      else printf "| %s | %.2f | %.2f | – | – | – | – | %d | – | %s | %s |\n", name[u], nw, nc, peak[n], floor, median(load[n]) }
    if (("F.start" in cpu) && ("U1.pandas" in cpu)) {
      start = median(cpu["F.start"]); scan = median(cpu["F.scan"]) - median(cpu["F.runtime"]); write = median(cpu["F.write"])
      budget = median(cpu["U1.pandas"]) / 5; floor = start + scan + write
      printf "\nFloor under U1 (CPU, medians): the host starting through build.sh %.2f s + the export tokenised by Utf8JsonReader %.2f s + writing the snapshot'"'"'s files (cp -r of it, which also reads them) %.2f s = %.2f s, %.0f %% of the 5× budget of %.2f s (pandas'"'"' %.2f s / 5), before any region is read: %s\n", start, scan, write, floor, 100 * floor / budget, budget, median(cpu["U1.pandas"]), (floor >= budget ? "nothing left for the conversion'"'"'s own work" : sprintf("%.2f s left for the conversion'"'"'s own work", budget - floor))
    }
  }' "$scratch/samples" | tee "$results"
echo "(machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average now $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$results"
