namespace Docker.Tests.Support;

/// <summary>
/// Reads every process's argument list (<c>/proc/*/cmdline</c>, what <c>ps</c> shows to every user) over and over
/// while it runs, and remembers each distinct one, so a test can prove no secret was ever on a command line.
/// </summary>
public sealed class ProcessArgumentScanner : IAsyncDisposable
{
    private readonly HashSet<string> _seen = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProcessArgumentScanner()
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                ScanOnce();
                try
                {
                    await Task.Delay(5, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public IReadOnlyCollection<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public int Scans { get; private set; }

    /// <summary>One more pass, e.g. after the action, to see the container's own processes as they now run.</summary>
    public void ScanOnce()
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!char.IsAsciiDigit(Path.GetFileName(directory)[0]))
            {
                continue;
            }

            try
            {
                var raw = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (raw.Length > 0)
                {
                    lock (_seen)
                    {
                        _seen.Add(raw.Replace('\0', ' ').TrimEnd());
                    }
                }
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        Scans++;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
