using LabelPipeline.Benchmarks;

// Snapshots.Benchmark bench --pandas-script=benchmarks/pandas_reference.py --template=templates/timeseries-labeling.xml [--data=DIR]
//     [--reps=3] [--snapshot-reps=1] [--tasks=500,2000] [--regions-per-task=50] [--rows=1000000,5000000] [--channels=10]
//     [--python=/usr/bin/python3] [--quiet-percent=15] [--quiet-wait=30] [--quiet-budget=180]
// Sizes are listed smallest first; the last is the full size. benchmarks/run.sh passes the paths.
// The other commands are the per-workload processes bench starts: export | scan | dense | snapshot (see Workloads);
// inputs --data=DIR --template=FILE [--tasks=N --regions-per-task=N | --rows=N] [--channels=10] generates one input set
// and prints its folder (convert-export.sh uses it for the ConvertExport benchmark).
try
{
    var command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "bench";
    var options = new Arguments(args.Length > 0 && args[0] == command ? args[1..] : args);
    return command switch
    {
        "bench" => new Bench(options).Run(),
        "export" => Workloads.Export(options),
        "scan" => Workloads.Scan(options),
        "dense" => Workloads.Dense(options),
        "snapshot" => Workloads.Snapshot(options),
        "inputs" => Workloads.Inputs(options),
        _ => throw new ArgumentException($"Unknown command '{command}': bench, export, dense, snapshot or inputs."),
    };
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
