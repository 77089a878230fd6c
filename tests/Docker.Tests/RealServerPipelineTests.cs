using System.Net.Http.Headers;
using System.Text;
using Docker.Tests.Support;
using LabelPipeline.Deployment;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Docker.Tests;

/// <summary>
/// The whole graph, Deploy to Export, as a user runs it (the pipeline executable) against the real Label Studio server:
/// deployed from the locally built image on SQLite and on PostgreSQL, and run as a local process (the process runtime,
/// no Docker) with the kit's <c>label-studio</c>. The first run provisions the project and imports the sample's six
/// files; an annotator's range (posted through the API, as the web app does) comes out of the second run's
/// <c>lookout/labels.csv</c>, and the second run reuses the server and creates nothing.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class RealServerPipelineTests(DockerEngineFixture engine, ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(12);

    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Export_through_the_deployed_real_server_provisions_once_and_exports_the_labels(string database)
    {
        engine.RequireRealImages();
        using var workspace = new Workspace();
        var id = Guid.NewGuid().ToString("N")[..10];
        var container = DockerEngineFixture.NamePrefix + "graph-" + id;
        var port = FreePort.Next();
        string[] Arguments(string target) =>
        [
            $"--target={target}",
            $"--label-studio-image={engine.LabelStudioImage}",
            "--label-studio-pull=never",
            "--label-studio-runtime=docker",
            $"--database={database}",
            $"--postgres-image={engine.PostgresImage}",
            $"--label-studio-port={port}",
            $"--container-name={container}",
            $"--data-volume={container}-data",
            .. workspace.Arguments,
        ];

        try
        {
            await RunGraphTwiceAsync(workspace, port, Arguments("Export"), "Label Studio started", "Label Studio reused");
            if (database == "postgresql")
            {
                var rows = await DockerAsync("exec", container + "-postgres", "psql", "-h", "/var/run/postgresql", "-U", PostgresOptions.DefaultUser, "-d", PostgresOptions.DefaultDatabase,
                    "-tA", "-c", "SELECT count(*) FROM task");
                Assert.Equal("6", rows.Trim());
            }
        }
        finally
        {
            var teardown = await PipelineRunner.RunAsync([.. Arguments("Teardown"), "--purge"], timeout: TimeSpan.FromMinutes(2));
            output.WriteLine(teardown.ToString());
            Assert.True(teardown.ExitCode == 0, teardown.Output);
        }

        Assert.Empty((await DockerAsync("ps", "-aq", "--filter", "name=" + container)).Trim());
        Assert.Empty((await DockerAsync("volume", "ls", "-q", "--filter", "name=" + container)).Trim());
    }

    [SkippableFact]
    public async Task Without_Docker_the_process_runtime_runs_the_whole_graph_with_the_kits_label_studio()
    {
        // The kit's server installed once into a prefix of the test run's own (apt only when Debian packages are missing).
        var command = await KitLabelStudio.InstallAsync(output);
        using var workspace = new Workspace();
        var port = FreePort.Next();
        string[] Arguments(string target) =>
        [
            $"--target={target}",
            "--label-studio-runtime=auto",
            $"--label-studio-command={command}",
            $"--label-studio-port={port}",
            "--data-volume=lp-test-process",
            .. workspace.Arguments,
        ];

        // No engine answers at this DOCKER_HOST: auto must choose the process runtime.
        var noDocker = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/labelpipeline-no-docker.sock" };
        try
        {
            await RunGraphTwiceAsync(workspace, port, Arguments("Export"), "Label Studio started", "Label Studio reused", noDocker);
            var home = Path.Combine(workspace.State, "label-studio-lp-test-process");
            Assert.True(File.Exists(Path.Combine(home, "data", "label_studio.sqlite3")), "the database is not in the state folder");
            var saved = await LabelStudioCredentialStore.LoadAsync(Directory.GetFiles(workspace.State, "label-studio-*.credentials.json").Single(), CancellationToken.None);
            var serverLog = await File.ReadAllTextAsync(Path.Combine(home, "server.log"));
            Assert.Contains("/health", serverLog); // the log is Label Studio's
            Assert.DoesNotContain(saved!.Token, serverLog, StringComparison.Ordinal);
            Assert.DoesNotContain(saved.Password, serverLog, StringComparison.Ordinal);

            var teardown = await PipelineRunner.RunAsync(Arguments("Teardown"), noDocker, TimeSpan.FromMinutes(2));
            Assert.True(teardown.ExitCode == 0, teardown.Output);
            Assert.Contains("Stopped the Label Studio process", teardown.Output);
            await Assert.ThrowsAsync<HttpRequestException>(() => new HttpClient().GetAsync(new Uri($"http://127.0.0.1:{port}/health")));
            Assert.True(File.Exists(Path.Combine(home, "data", "label_studio.sqlite3")), "Teardown without --purge deleted the data");
        }
        finally
        {
            var purge = await PipelineRunner.RunAsync([.. Arguments("Teardown"), "--purge"], noDocker, TimeSpan.FromMinutes(2));
            output.WriteLine(purge.ToString());
            Assert.True(purge.ExitCode == 0, purge.Output);
        }

        Assert.False(Directory.Exists(Path.Combine(workspace.State, "label-studio-lp-test-process")));
    }

    [SkippableFact]
    public async Task A_person_labels_in_the_deployed_servers_web_app_and_Export_gets_exactly_that_range()
    {
        engine.RequireRealImages();
        var tool = Path.Combine(Repository.Root, "tests", "real-server", "ls-app.js");
        Skip.If(!File.Exists(tool), $"{tool} (the real-server suite's web-app driver) is not in this checkout.");
        if (!File.Exists("/usr/bin/chromium") || !Directory.Exists(Path.Combine(Repository.Root, "tests", "editor", "node_modules", "playwright-core")))
        {
            const string missing = "Chromium or playwright-core is missing (sudo bash tests/editor/install.sh)";
            Assert.False(Environment.GetEnvironmentVariable("LABELPIPELINE_REQUIRE_BROWSER") == "1", missing);
            Skip.If(true, missing);
        }

        using var workspace = new Workspace();
        var container = DockerEngineFixture.NamePrefix + "web-" + Guid.NewGuid().ToString("N")[..10];
        var port = FreePort.Next();
        string[] Arguments(string target) =>
        [
            $"--target={target}", $"--label-studio-image={engine.LabelStudioImage}", "--label-studio-pull=never", $"--label-studio-port={port}",
            $"--container-name={container}", $"--data-volume={container}-data", .. workspace.Arguments,
        ];
        try
        {
            var first = await PipelineRunner.RunAsync(Arguments("Export"), timeout: RunTimeout);
            Assert.True(first.ExitCode == 0, first.Output);
            var credentials = (await LabelStudioCredentialStore.LoadAsync(Directory.GetFiles(workspace.State, "label-studio-*.credentials.json").Single(), CancellationToken.None))!;
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", credentials.Token);
            var project = (int)(await ResultsAsync(api, "/api/projects/?page_size=100")).Single()["id"]!;
            var task = (int)(await ResultsAsync(api, $"/api/tasks/?project={project}&page_size=100", "tasks"))
                .Single(t => ((string)t["data"]!["csv"]!).EndsWith("2021-04.csv", StringComparison.Ordinal))["id"]!;

            // The annotator: logs in with the first-boot user, opens the task, checks the drawing by pixels, drags, submits.
            var manifest = Path.Combine(workspace.State, "web.json");
            var answerFile = Path.Combine(workspace.State, "web.out.json");
            await File.WriteAllTextAsync(manifest, new JObject
            {
                ["url"] = $"http://127.0.0.1:{port}",
                ["username"] = credentials.Username,
                ["project"] = project,
                ["task"] = task,
                ["timeoutMs"] = 180_000,
                ["actions"] = new JArray(
                    new JObject { ["do"] = "check" },
                    new JObject { ["do"] = "label", ["value"] = "Anomaly" },
                    new JObject { ["do"] = "drag", ["channel"] = 0, ["from"] = 0.30, ["to"] = 0.55 },
                    new JObject { ["do"] = "submit" }),
            }.ToString());
            var node = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
            node.ArgumentList.Add(tool);
            node.ArgumentList.Add(manifest);
            node.ArgumentList.Add(answerFile);
            node.Environment["LS_PASSWORD"] = credentials.Password;
            node.Environment["TZ"] = "UTC";
            using (var browser = System.Diagnostics.Process.Start(node)!)
            {
                var log = browser.StandardError.ReadToEndAsync();
                await browser.StandardOutput.ReadToEndAsync();
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(6));
                await browser.WaitForExitAsync(limit.Token);
                output.WriteLine((await log).Replace(credentials.Password, "***", StringComparison.Ordinal));
            }

            var answer = JObject.Parse(await File.ReadAllTextAsync(answerFile));
            Assert.True((bool)answer["ok"]!, answer.ToString());
            // Every channel's line is drawn in its plot. (Pixels of a line's colour outside its plot are only reported here:
            // the sample's 20 channels show some, which the real-server suite's pixel check is about, not Deploy.)
            var channels = (JArray)answer["checks"]![0]!;
            Assert.Equal(20, channels.Count);
            Assert.All(channels, channel => Assert.True((int)channel["paths"]! > 0 && (int)channel["inside"]! >= 50, channel.ToString()));
            output.WriteLine("pixels outside the plot per channel: " + string.Join(", ", channels.Select(c => $"#{c["index"]} {c["outside"]}")));
            var submission = (JObject)((JArray)answer["submissions"]!).Single();
            Assert.Equal(201, (int)submission["status"]!);
            var value = submission["body"]!["result"]![0]!["value"]!;

            // Export: exactly the range the person drew (the config's time format, UTC).
            var second = await PipelineRunner.RunAsync(Arguments("Export"), timeout: RunTimeout);
            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Contains("Label Studio reused", second.Output);
            static string Iso(JToken bound) => DateTime.ParseExact((string)bound!, "yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + ".000000";
            Assert.Equal(
                $"{Iso(value["start"]!)},{Iso(value["end"]!)}\n",
                await File.ReadAllTextAsync(Path.Combine(workspace.Output, "synthetic", "v1", "lookout", "labels.csv")));
        }
        finally
        {
            await PipelineRunner.RunAsync([.. Arguments("Teardown"), "--purge"], timeout: TimeSpan.FromMinutes(2));
        }
    }

    /// <summary>
    /// Export twice: the first run starts Label Studio and provisions (six tasks, an empty snapshot); then one range is
    /// labeled; the second run reuses everything and exports that range.
    /// </summary>
    private async Task RunGraphTwiceAsync(
        Workspace workspace, int port, string[] arguments, string firstSays, string secondSays, IReadOnlyDictionary<string, string>? environment = null)
    {
        PipelineRun first;
        IReadOnlyCollection<string> argumentLists;
        await using (var processes = new ProcessArgumentScanner())
        {
            first = await PipelineRunner.RunAsync(arguments, environment, RunTimeout);
            processes.ScanOnce(); // the server's processes as they run now
            argumentLists = processes.Seen;
        }

        output.WriteLine(first.ToString());
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.Contains(firstSays, first.Output);

        // The first-boot secrets went in through an env file (Docker) or the environment (process): on no command line, in no output.
        var credentials = await LabelStudioCredentialStore.LoadAsync(Directory.GetFiles(workspace.State, "label-studio-*.credentials.json").Single(), CancellationToken.None);
        foreach (var secret in new[] { credentials!.Token, credentials.Password })
        {
            Assert.DoesNotContain(argumentLists, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, first.Output, StringComparison.Ordinal);
        }

        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", credentials.Token);
        var project = (JObject)Assert.Single(await ResultsAsync(api, "/api/projects/?page_size=100"));
        Assert.Equal("synthetic v1", (string?)project["title"]);
        var tasks = await ResultsAsync(api, $"/api/tasks/?project={project["id"]}&page_size=100", "tasks");
        Assert.Equal(6, tasks.Count);

        var april = tasks.Single(t => ((string)t["data"]!["csv"]!).EndsWith("2021-04.csv", StringComparison.Ordinal));
        var annotation = new JObject
        {
            ["result"] = new JArray(new JObject
            {
                ["id"] = "real01",
                ["from_name"] = "label",
                ["to_name"] = "ts",
                ["type"] = "timeserieslabels",
                ["value"] = new JObject { ["start"] = "2021-04-05 23:40:00", ["end"] = "2021-04-11 00:50:00", ["instant"] = false, ["timeserieslabels"] = new JArray("Anomaly") },
            }),
        };
        using (var posted = await api.PostAsync($"/api/tasks/{april["id"]}/annotations/", new StringContent(annotation.ToString(), Encoding.UTF8, "application/json")))
        {
            Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync());
        }

        var second = await PipelineRunner.RunAsync(arguments, environment, RunTimeout);
        output.WriteLine(second.ToString());
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains(secondSays, second.Output);
        Assert.Single(await ResultsAsync(api, "/api/projects/?page_size=100"));
        Assert.Equal(6, (await ResultsAsync(api, $"/api/tasks/?project={project["id"]}&page_size=100", "tasks")).Count);

        var labels = await File.ReadAllLinesAsync(Path.Combine(workspace.Output, "synthetic", "v1", "lookout", "labels.csv"));
        Assert.Contains(labels, line => line.Contains("2021-04-05", StringComparison.Ordinal) && line.Contains("2021-04-11", StringComparison.Ordinal));
    }

    private static async Task<JArray> ResultsAsync(HttpClient api, string path, string property = "results")
    {
        var body = await api.GetStringAsync(path);
        var token = JToken.Parse(body);
        return token as JArray ?? (JArray)token[property]!;
    }

    private async Task<string> DockerAsync(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_HOST"] = engine.DockerHost;
        using var process = System.Diagnostics.Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }

    /// <summary>A copy of the sample dataset (Prepare writes beside it), an output and a state folder.</summary>
    private sealed class Workspace : IDisposable
    {
        private readonly TempDirectory _root = new();

        public Workspace()
        {
            var datasets = Path.Combine(_root.Path, "datasets", "synthetic", "v1");
            Directory.CreateDirectory(datasets);
            foreach (var file in Repository.SyntheticFiles)
            {
                File.Copy(file, Path.Combine(datasets, Path.GetFileName(file)));
            }

            // Label Studio runs as uid 1001 in its container: the folders must be readable by others.
            for (var folder = new DirectoryInfo(datasets); folder.FullName != Path.GetTempPath().TrimEnd('/'); folder = folder.Parent!)
            {
                File.SetUnixFileMode(folder.FullName, File.GetUnixFileMode(folder.FullName) | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }

        public string Datasets => Path.Combine(_root.Path, "datasets");

        public string Output => Path.Combine(_root.Path, "artifacts");

        public string State => Path.Combine(_root.Path, "state");

        public string[] Arguments => [$"--datasets-dir={Datasets}", $"--output={Output}", $"--state-dir={State}", "--health-timeout=600"];

        public void Dispose() => _root.Dispose();
    }
}
