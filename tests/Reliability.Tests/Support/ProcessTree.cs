namespace Reliability.Tests.Support;

/// <summary>What Linux shows other users about a running process and its children: their command lines (/proc).</summary>
public static class ProcessTree
{
    /// <summary>
    /// Reads the command line of <paramref name="pid"/> and of every descendant every 50 ms until
    /// <paramref name="stop"/>, adding each distinct one to <paramref name="seen"/>. Does nothing off Linux.
    /// </summary>
    public static async Task WatchCommandLinesAsync(int pid, ISet<string> seen, CancellationToken stop)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        while (!stop.IsCancellationRequested)
        {
            foreach (var id in Descendants(pid).Prepend(pid))
            {
                try
                {
                    var line = (await File.ReadAllTextAsync($"/proc/{id}/cmdline", CancellationToken.None)).Replace('\0', ' ').Trim();
                    if (line.Length > 0)
                    {
                        lock (seen)
                        {
                            seen.Add(line);
                        }
                    }
                }
                catch (IOException)
                {
                    // The process ended between listing and reading.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours to read.
                }
            }

            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return children;
        }

        return children.Concat(children.SelectMany(Descendants)).ToList();
    }
}
