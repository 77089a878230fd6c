using System.Diagnostics;
using System.Globalization;
using System.Net;
using Docker.Tests.Support;
using LabelPipeline.Deployment;
using LabelStudio.Emulator;
using Xunit;
using Xunit.Abstractions;

namespace Docker.Tests;

/// <summary>
/// One full run, Deploy → Upload → ConfigureCors → CreateProject → ConnectStorage → Sync → Export (+ --upload), in
/// S3 mode at --verbosity=diagnostic, and a search for every secret it handled in everything it printed and wrote.
/// Deploy runs the stand-in image on the private engine; the stand-in answers /health and the token check itself
/// (with the first-boot user and token from Deploy's env file) and forwards the rest of the API to the Label Studio
/// emulator, listening on the engine's bridge gateway with the same token. S3 is s3rver, STS the fake one, with the
/// run's own session keys and assume-role for Label Studio's keys. Label Studio's database is PostgreSQL in a container
/// Deploy runs (the locally built image), so its generated password is searched for too.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class FullRunSecretScanTests(DockerEngineFixture engine, S3Server s3, ITestOutputHelper output) : IClassFixture<S3Server>
{
    private const string Prefix = "scan";
    private const string RoleArn = "arn:aws:iam::123456789012:role/label-studio-read";

    [SkippableFact]
    public async Task A_full_Deploy_to_Export_run_in_S3_mode_leaves_no_secret_in_output_files_logs_or_process_arguments()
    {
        engine.RequireRealImages(); // the PostgreSQL image
        Skip.If(s3.SkipReason is not null, s3.SkipReason);

        var id = Guid.NewGuid().ToString("N")[..10];
        var root = Path.Combine(Path.GetTempPath(), "labelpipeline-docker-tests", "scan-" + id);
        var state = Path.Combine(root, "state");
        var artifacts = Path.Combine(root, "artifacts");
        var container = DockerEngineFixture.NamePrefix + "scan-" + id;
        var volume = container + "-data";
        var image = "labelpipeline/label-studio-standin:scan-" + id;
        var port = FreePort.Next();
        using var aws = new FakeAws();

        // Every secret of the run: Label Studio's (Deploy's first boot takes them from the saved credentials), the
        // run's AWS session, and the read-only role's keys that AssumeRole hands out for Label Studio.
        var credentials = LabelStudioCredentials.Generate();
        await LabelStudioCredentialStore.SaveAsync(Path.Combine(state, $"label-studio-{volume}.credentials.json"), credentials, volume, CancellationToken.None);
        var awsKeyId = "ASIASCAN" + id.ToUpperInvariant();
        var awsSecret = "scan-aws-secret/" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var awsSessionToken = "scan-session+" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48));
        var roleKeyId = "ASIAROLE" + id.ToUpperInvariant();
        var roleSecret = "scan-role-secret=" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
        await s3.AddKeyAsync(awsKeyId, awsSecret);
        await s3.AddKeyAsync(roleKeyId, roleSecret);
        aws.Roles[RoleArn] = (roleKeyId, roleSecret);
        var bucket = await s3.CreateBucketAsync();

        var gateway = (await DockerEngineApi.BridgeGatewayAsync(engine.DockerHost, CancellationToken.None)).ToString();
        await using var labelStudio = await EmulatorServer.StartAsync(
            new EmulatorOptions { ListenAddress = IPAddress.Parse(gateway), LegacyToken = credentials.Token, UserEmail = credentials.Username, OpenApiSpecPath = Repository.OpenApiSpec },
            CancellationToken.None);
        await engine.RunScriptAsync(
            "build-standin.sh",
            [image],
            new Dictionary<string, string> { ["DOCKER_HOST"] = engine.DockerHost, ["STANDIN_UPSTREAM"] = $"{gateway}:{labelStudio.BaseUrl.Port}" });

        try
        {
            // Containers must reach the emulator on the gateway (no NAT needed: it is this host's own bridge address).
            // A host firewall dropping bridge traffic would break the run far from its cause: say so here instead.
            try
            {
                var health = await DockerAsync("run", "--rm", "--entrypoint", "/bin/wget", image, "-q", "-O", "-", $"http://{gateway}:{labelStudio.BaseUrl.Port}/health");
                Assert.Contains("UP", health);
            }
            catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
            {
                // (busybox wget's -T crashes in the static build; DockerAsync's own 60 s limit bounds a dropped connection.)
                throw new InvalidOperationException(
                    $"A container cannot reach the emulator at {gateway}:{labelStudio.BaseUrl.Port}, the engine's bridge gateway (a firewall on the bridge?): {e.Message}", e);
            }

            Task<PipelineRun> RunAsync() =>
                PipelineRunner.RunAsync(
                    [
                        "--target=Export",
                        "--upload",
                        "--verbosity=diagnostic",
                        $"--label-studio-image={image}",
                        "--label-studio-pull=never",
                        $"--label-studio-port={port}",
                        $"--container-name={container}",
                        $"--data-volume={volume}",
                        "--health-timeout=60",
                        "--database=postgresql",
                        $"--postgres-image={engine.PostgresImage}",
                        "--storage=s3",
                        $"--bucket={bucket}",
                        $"--prefix={Prefix}",
                        $"--s3-endpoint={s3.Endpoint}",
                        $"--sts-endpoint={aws.Endpoint}",
                        "--storage-credentials=assume-role",
                        $"--storage-role-arn={RoleArn}",
                        $"--datasets-dir={Repository.Datasets}",
                        $"--output={artifacts}",
                        $"--state-dir={state}",
                        $"--sagemaker-metadata={Path.Combine(root, "no-sagemaker.json")}",
                    ],
                    new Dictionary<string, string>
                    {
                        ["DOCKER_HOST"] = engine.DockerHost,
                        ["AWS_ACCESS_KEY_ID"] = awsKeyId,
                        ["AWS_SECRET_ACCESS_KEY"] = awsSecret,
                        ["AWS_SESSION_TOKEN"] = awsSessionToken,
                        ["AWS_CREDENTIAL_EXPIRATION"] = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                        ["AWS_REGION"] = "us-east-1",
                    },
                    TimeSpan.FromMinutes(3));

            PipelineRun run;
            IReadOnlyCollection<string> argumentLists;
            await using (var processes = new ProcessArgumentScanner())
            {
                run = await RunAsync();
                processes.ScanOnce(); // the container's processes as they run now
                argumentLists = processes.Seen;
                output.WriteLine($"{processes.Scans} scans of /proc/*/cmdline, {argumentLists.Count} distinct argument lists");
            }

            Assert.True(run.ExitCode == 0, run.ToString());

            // The run really went through every step, against this Deploy's container.
            Assert.Contains("Label Studio started", run.Output);
            Assert.Contains($"Sync completed: {Repository.SyntheticFiles.Length} tasks created", run.Output);
            Assert.Contains($"Snapshot copied to s3://{bucket}/{Prefix}/labels/synthetic/v1/", run.Output);
            // Diagnostic verbosity shows each command line Cake runs (the docker commands): searched below like the rest.
            var commandLines = run.Output.Split('\n').Where(l => l.Contains("Executing: ", StringComparison.Ordinal)).ToArray();
            Assert.Contains(commandLines, l => l.Contains(" run ", StringComparison.Ordinal) && l.Contains("--env-file", StringComparison.Ordinal));
            output.WriteLine($"{commandLines.Length} command lines in the output, e.g.:\n{commandLines.First(l => l.Contains(" run ", StringComparison.Ordinal))}");
            Assert.Single(aws.AssumeRoleCalls);
            var dockerLog = await DockerAsync("logs", container);
            Assert.Contains("-> " + gateway, dockerLog); // the API went through the container
            Assert.Contains($"User {credentials.Username} created", dockerLog);

            var postgresCredentialsFile = Path.Combine(state, $"postgres-{volume}-postgres.credentials.json");
            var postgresPassword = (string)Newtonsoft.Json.Linq.JObject.Parse(await File.ReadAllTextAsync(postgresCredentialsFile))["password"]!;
            var postgresLog = await DockerAsync("logs", container + "-postgres");
            Assert.Contains("DJANGO_DB=default", await DockerAsync("inspect", "--format", "{{json .Config.Env}}", container));
            var secrets = new Dictionary<string, string>
            {
                ["PostgreSQL password"] = postgresPassword,
                ["Label Studio token"] = credentials.Token,
                ["Label Studio password"] = credentials.Password,
                ["AWS secret access key"] = awsSecret,
                ["AWS session token"] = awsSessionToken,
                ["role's secret access key"] = roleSecret,
                ["role's session token"] = aws.IssuedTokens.Single(),
            };
            var scanner = new SecretScanner(secrets);
            var credentialsFile = Path.Combine(state, $"label-studio-{volume}.credentials.json");
            var bucketText = new List<(string Key, string Text)>();
            foreach (var key in (await s3.ListAsync(bucket)).Keys)
            {
                bucketText.Add((key, await s3.GetTextAsync(bucket, key)));
            }

            var written = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => f != credentialsFile && f != postgresCredentialsFile).ToArray();
            var findings = scanner.Find(run.Output, "the run's output")
                .Concat(scanner.Find(dockerLog, "the container's log"))
                .Concat(scanner.Find(postgresLog, "the PostgreSQL container's log"))
                .Concat(argumentLists.SelectMany(a => scanner.Find(a, "a process argument list: " + a[..Math.Min(120, a.Length)])))
                .Concat(scanner.FindInFiles(root, credentialsFile, postgresCredentialsFile))
                .Concat(bucketText.SelectMany(o => scanner.Find(o.Text, $"s3://{bucket}/{o.Key}")))
                .ToList();
            output.WriteLine(
                $"Searched {secrets.Count} secrets in {scanner.Needles} encodings: {run.Output.Length:N0} characters of output, {dockerLog.Length:N0} of container log, "
                + $"{argumentLists.Count} argument lists, {written.Length} files written, {bucketText.Count} objects in the bucket");
            Assert.True(findings.Count == 0, string.Join("\n", findings));

            // The only place secrets are kept: the credentials file, owner-only; the env file is gone.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialsFile));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(postgresCredentialsFile));
            Assert.Empty(Directory.GetFiles(state, "*.env"));
            Assert.True(written.Length >= 10, string.Join("\n", written));

            // A failing run prints the whole exception at diagnostic verbosity: the run's key is revoked, so the upload
            // check is denied (403 InvalidAccessKeyId). No secret in the exception either.
            await s3.RevokeKeyAsync(awsKeyId);
            var failed = await RunAsync();
            Assert.NotEqual(0, failed.ExitCode);
            Assert.Contains("Access denied", failed.Output);
            Assert.Contains("   at ", failed.Output); // the stack trace is there
            var inFailure = scanner.Find(failed.Output, "the failed run's output").ToList();
            Assert.True(inFailure.Count == 0, string.Join("\n", inFailure));

            // The search bites: a secret planted in a file (base64 in JSON) and in the output (URL-encoded) is found.
            var planted = Path.Combine(artifacts, "planted.json");
            await File.WriteAllTextAsync(planted, $$"""{"auth": "{{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("admin:" + credentials.Password))}}"}""");
            Assert.Contains(scanner.FindInFiles(root, credentialsFile, postgresCredentialsFile), f => f.StartsWith("Label Studio password (base64", StringComparison.Ordinal) && f.EndsWith(planted, StringComparison.Ordinal));
            Assert.Contains(scanner.Find(run.Output + "?key=" + Uri.EscapeDataString(awsSessionToken), "output"), f => f.StartsWith("AWS session token (URL-encoded)", StringComparison.Ordinal));
            Assert.Contains(scanner.Find("ps: docker run -e LABEL_STUDIO_USER_TOKEN=" + credentials.Token, "argv"), f => f.StartsWith("Label Studio token (plain)", StringComparison.Ordinal));
            Assert.Contains(scanner.Find("psql postgresql://labelstudio:" + postgresPassword + "@db/labelstudio", "argv"), f => f.StartsWith("PostgreSQL password (plain)", StringComparison.Ordinal));
            Assert.True(labelStudio.ContractViolations.Count == 0, string.Join("\n", labelStudio.ContractViolations));
        }
        finally
        {
            await TryDockerAsync("rm", "-f", container, container + "-postgres");
            await TryDockerAsync("volume", "rm", "-f", volume, volume + "-postgres");
            await TryDockerAsync("network", "rm", container + "-net");
            await TryDockerAsync("rmi", "-f", image);
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private async Task<string> DockerAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOCKER_HOST"] = engine.DockerHost;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode == 0
            ? await stdout + await stderr // docker logs: the container's stdout and stderr
            : throw new InvalidOperationException($"docker {string.Join(' ', arguments)} failed: {await stderr}");
    }

    private async Task TryDockerAsync(params string[] arguments)
    {
        try
        {
            await DockerAsync(arguments);
        }
        catch (InvalidOperationException)
        {
        }
    }
}
