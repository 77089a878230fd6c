#!/usr/bin/env python3
"""pandas reference for the snapshot benchmark (benchmarks/run.sh): the same work as the .NET Export code, done the way
the seed walkthrough does it, generalised from one task's first annotation to a whole Label Studio export.

  export   json.load the export, walk tasks -> annotations -> results (the walkthrough's
           `pd.DataFrame([result['value'] for result in ...])[['start', 'end']]`), keep anomaly-labelled regions,
           parse the bounds, sort, merge overlapping and touching ranges, write the two-column Lookout/SiteWise labels.csv.
  dense    pd.read_csv the series, parse its timestamps, mark the rows inside any region (searchsorted, start <= t <= end),
           write the series back with is_anomaly and label columns.
  versions print the interpreter and library versions.

Each command times its work from opening the inputs to closing the output (the interpreter's start-up and the pandas
import are excluded, as .NET's runtime start-up is on the other side) and prints `RESULT {json}` with its peak resident
memory (VmHWM from /proc/self/status) and the process's CPU time (start-up and import included).
Uses Debian's python3-pandas: run it with /usr/bin/python3.
"""
import argparse
import json
import platform
import resource
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import numpy as np
import pandas as pd

LOOKOUT_FORMAT = "%Y-%m-%dT%H:%M:%S.%f"


def peak_kb():
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def report(**values):
    values["peak_kb"] = peak_kb()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    values["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    print("RESULT " + json.dumps(values), flush=True)


def read_config(path):
    """What the export needs from the labeling config: data key, time column and format, labels control name."""
    root = ET.parse(path).getroot()
    series = root.find(".//TimeSeries")
    labels = root.find(".//TimeSeriesLabels")
    return {
        "data_key": series.get("value").lstrip("$"),
        "time_column": series.get("timeColumn"),
        "time_format": series.get("timeFormat"),
        "from_name": labels.get("name"),
    }


def series_name(url):
    """The file name at the end of a storage URL: /data/local-files/?d=ds/v1/a.csv, s3://b/p/a.csv."""
    path = unquote(url.split("?d=", 1)[1]) if "?d=" in url else url
    return path.split("?")[0].rstrip("/").split("/")[-1]


def regions(tasks, config):
    """Every timeserieslabels region of every non-cancelled annotation, one row each."""
    series, starts, ends, labels = [], [], [], []
    for task in tasks:
        name = series_name(task["data"][config["data_key"]])
        for annotation in task.get("annotations") or []:
            if annotation.get("was_cancelled"):
                continue
            for result in annotation.get("result") or []:
                if result.get("type") != "timeserieslabels" or result.get("from_name") != config["from_name"]:
                    continue
                value = result["value"]
                series.append(name)
                starts.append(value["start"])
                ends.append(value["end"])
                labels.append(value["timeserieslabels"])
    return pd.DataFrame({"series": series, "start": starts, "end": ends, "labels": labels})


def export(args):
    anomaly = set(args.anomaly_labels.split(","))
    begin = time.perf_counter()
    config = read_config(args.config)
    with open(args.export, encoding="utf-8") as file:
        tasks = json.load(file)
    df = regions(tasks, config)
    anomalous = df[~df["labels"].map(anomaly.isdisjoint)]
    ranges = pd.DataFrame({
        "start": pd.to_datetime(anomalous["start"], format=config["time_format"]),
        "end": pd.to_datetime(anomalous["end"], format=config["time_format"]),
    }).sort_values(["start", "end"], kind="mergesort", ignore_index=True)
    # Merge overlapping and touching ranges: a new group starts where start is after every earlier end.
    group = (ranges["start"] > ranges["end"].cummax().shift()).cumsum()
    merged = ranges.groupby(group).agg(start=("start", "first"), end=("end", "max"))
    pd.DataFrame({
        "start": merged["start"].dt.strftime(LOOKOUT_FORMAT),
        "end": merged["end"].dt.strftime(LOOKOUT_FORMAT),
    }).to_csv(args.out, header=False, index=False, lineterminator="\n")
    seconds = time.perf_counter() - begin
    report(seconds=seconds, regions=len(df), anomalous_regions=len(anomalous), lookout_rows=len(merged))


def dense(args):
    anomaly = set(args.anomaly_labels.split(","))
    begin = time.perf_counter()
    config = read_config(args.config)
    fmt = config["time_format"]
    with open(args.export, encoding="utf-8") as file:
        tasks = json.load(file)
    df_regions = regions(tasks, config)
    df_regions = df_regions[df_regions["series"] == series_name(args.series)]
    region_count = len(df_regions)
    df_regions = df_regions.explode("labels")

    df = pd.read_csv(args.series)
    times = pd.to_datetime(df[config["time_column"] or df.columns[0]], format=fmt).to_numpy()
    # One bit per label (sorted, as the .NET side joins them): row i is covered when start <= t_i <= end.
    names = sorted(set(df_regions["labels"]))
    code = np.zeros(len(df), dtype=np.int64)
    for bit, name in enumerate(names):
        rows = df_regions[df_regions["labels"] == name]
        lo = np.searchsorted(times, pd.to_datetime(rows["start"], format=fmt).to_numpy(), side="left")
        hi = np.searchsorted(times, pd.to_datetime(rows["end"], format=fmt).to_numpy(), side="right")
        depth = np.zeros(len(df) + 1, dtype=np.int32)
        np.add.at(depth, lo, 1)
        np.add.at(depth, hi, -1)
        code |= (np.cumsum(depth[:-1]) > 0).astype(np.int64) << bit
    combos = range(1 << len(names))
    text = np.array(["|".join(n for b, n in enumerate(names) if c >> b & 1) for c in combos], dtype=object)
    flags = np.array([any(c >> b & 1 and n in anomaly for b, n in enumerate(names)) for c in combos], dtype=np.int8)
    df["is_anomaly"] = flags[code]
    df["label"] = text[code]
    df.to_csv(args.out, index=False, lineterminator="\n")
    seconds = time.perf_counter() - begin
    report(seconds=seconds, rows=len(df), anomalous_rows=int(df["is_anomaly"].sum()), regions=region_count)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("export", "dense"):
        command = commands.add_parser(name)
        command.add_argument("--export", required=True, help="Label Studio JSON export")
        command.add_argument("--config", required=True, help="the project's labeling config (XML)")
        command.add_argument("--out", required=True)
        command.add_argument("--anomaly-labels", default="Anomaly")
        if name == "dense":
            command.add_argument("--series", required=True, help="the series CSV")
    commands.add_parser("versions")
    args = parser.parse_args()
    if args.command == "versions":
        print(f"Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}")
    else:
        {"export": export, "dense": dense}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
