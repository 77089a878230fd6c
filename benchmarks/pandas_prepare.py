#!/usr/bin/env python3
"""What a user would otherwise write for Prepare, with pandas: each source CSV read in chunks (memory stays bounded),
times parsed and written back as UTC '%Y-%m-%d %H:%M:%S' (failing when they step back), missing cells filled with the
value before (a leading gap with the first value), the values' text kept as written, and the rows cut into task files
of at most --rows-per-task rows named like Prepare's (<name>.csv, or <name>.w0001.csv, ... when split).

    pandas_prepare.py <source folder> <output folder> [--rows-per-task 20000] [--chunk-rows 200000]

Prints one line: sources, rows, seconds of work, peak memory (VmHWM, kB).
"""
import os
import sys
import time

import pandas as pd


def peak_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def prepare(path, output, rows_per_task, chunk_rows):
    name = os.path.basename(path)
    stem = name[:-4] if name.endswith(".csv") else name
    windows = []          # (temporary path, rows) of the windows written so far
    current, in_current = None, 0
    last_values, last_time, rows = None, None, 0
    header = None
    for chunk in pd.read_csv(path, dtype=str, keep_default_na=False, na_values=["", "nan", "NaN"], chunksize=chunk_rows):
        if header is None:
            header = ",".join(chunk.columns)
        times = pd.to_datetime(chunk.iloc[:, 0], format="%Y-%m-%d %H:%M:%S")
        if not times.is_monotonic_increasing or (last_time is not None and times.iloc[0] < last_time):
            raise SystemExit(f"{path}: time steps backwards")
        last_time = times.iloc[-1]
        values = chunk.iloc[:, 1:]
        if last_values is not None:
            values = pd.concat([last_values, values]).ffill().iloc[1:]
        else:
            values = values.ffill().bfill()
        last_values = values.iloc[-1:]
        frame = pd.concat([times.dt.strftime("%Y-%m-%d %H:%M:%S").rename(chunk.columns[0]), values], axis=1)
        start = 0
        while start < len(frame):
            if current is None or in_current == rows_per_task:
                if current is not None:
                    current.close()
                temp = os.path.join(output, f".{stem}.{len(windows) + 1}.tmp")
                current = open(temp, "w", newline="\n")
                current.write(header + "\n")
                windows.append(temp)
                in_current = 0
            take = min(rows_per_task - in_current, len(frame) - start)
            frame.iloc[start:start + take].to_csv(current, header=False, index=False, lineterminator="\n")
            in_current += take
            start += take
        rows += len(frame)
    if current is not None:
        current.close()
    digits = max(4, len(str(len(windows))))
    for number, temp in enumerate(windows, 1):
        final = name if len(windows) == 1 else f"{stem}.w{number:0{digits}d}.csv"
        os.replace(temp, os.path.join(output, final))
    return rows


def main():
    args = sys.argv[1:]
    source, output = args[0], args[1]
    rows_per_task = int(args[args.index("--rows-per-task") + 1]) if "--rows-per-task" in args else 20000
    chunk_rows = int(args[args.index("--chunk-rows") + 1]) if "--chunk-rows" in args else 200000
    os.makedirs(output, exist_ok=True)
    start = time.perf_counter()
    files = sorted(f for f in os.listdir(source) if f.endswith(".csv"))
    rows = sum(prepare(os.path.join(source, f), output, rows_per_task, chunk_rows) for f in files)
    print(f"{len(files)} {rows} {time.perf_counter() - start:.3f} {peak_kb()}")


if __name__ == "__main__":
    main()
