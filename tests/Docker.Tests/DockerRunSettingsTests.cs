using LabelPipeline.Deployment;
using Xunit;

namespace Docker.Tests;

/// <summary>How typed docker settings become argv (no engine needed).</summary>
public sealed class DockerRunSettingsTests
{
    [Fact]
    public void Renders_every_setting_as_separate_arguments_in_a_stable_order()
    {
        var settings = new DockerRunSettings
        {
            Image = "heartexlabs/label-studio:1.23.0",
            Name = "labelpipeline-label-studio",
            Detach = true,
            Init = true,
            Pull = DockerPullPolicy.Never,
            Restart = DockerRestartPolicy.UnlessStopped,
            Publish = [DockerPortBinding.Loopback(8080, 8080)],
            Mounts =
            [
                DockerMount.Volume("labelpipeline-label-studio-data", "/label-studio/data"),
                DockerMount.Bind("/repo/datasets", "/label-studio/files", readOnly: true),
            ],
            EnvFile = "/repo/.labelpipeline/label-studio-x.env",
            Environment = new Dictionary<string, string>
            {
                ["LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED"] = "true",
                ["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true",
            },
            Labels = new Dictionary<string, string> { ["org.labelpipeline.managed"] = "true" },
            HealthCheck = new DockerHealthCheck(
                "wget -q -O- http://127.0.0.1:8080/health || exit 1",
                Interval: TimeSpan.FromSeconds(2),
                Timeout: TimeSpan.FromMilliseconds(1500),
                Retries: 3,
                StartPeriod: TimeSpan.FromMinutes(1)),
            Command = ["label-studio", "start"],
        };

        Assert.Equal(
            [
                "run", "--name", "labelpipeline-label-studio", "--detach", "--init", "--pull=never", "--restart=unless-stopped",
                "--publish", "127.0.0.1:8080:8080",
                "--mount", "type=volume,source=labelpipeline-label-studio-data,target=/label-studio/data",
                "--mount", "type=bind,source=/repo/datasets,target=/label-studio/files,readonly",
                "--env-file", "/repo/.labelpipeline/label-studio-x.env",
                "--env", "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true",
                "--env", "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true",
                "--label", "org.labelpipeline.managed=true",
                "--health-cmd", "wget -q -O- http://127.0.0.1:8080/health || exit 1",
                "--health-interval", "2000ms", "--health-timeout", "1500ms", "--health-retries", "3", "--health-start-period", "60000ms",
                "heartexlabs/label-studio:1.23.0", "label-studio", "start",
            ],
            settings.ToArguments());
    }

    [Fact]
    public void Minimal_settings_render_only_run_and_the_image()
    {
        Assert.Equal(["run", "busybox"], new DockerRunSettings { Image = "busybox" }.ToArguments());
    }

    [Theory]
    [InlineData(DockerPullPolicy.Missing, "--pull=missing")]
    [InlineData(DockerPullPolicy.Never, "--pull=never")]
    [InlineData(DockerPullPolicy.Always, "--pull=always")]
    public void Renders_the_pull_policy(DockerPullPolicy policy, string expected)
    {
        Assert.Contains(expected, new DockerRunSettings { Image = "x", Pull = policy }.ToArguments());
        Assert.Equal(policy, DockerPolicies.ParsePullPolicy(expected["--pull=".Length..].ToUpperInvariant()));
    }

    [Fact]
    public void Unknown_pull_policy_is_refused()
    {
        Assert.Throws<ArgumentException>(() => DockerPolicies.ParsePullPolicy("sometimes"));
    }

    [Fact]
    public void Ipv6_host_addresses_get_brackets()
    {
        Assert.Contains("[::1]:18080:8080", new DockerRunSettings { Image = "x", Publish = [new DockerPortBinding("::1", 18080, 8080)] }.ToArguments());
    }

    [Theory]
    [InlineData("LABEL_STUDIO_PASSWORD", "hunter2")]
    [InlineData("LABEL_STUDIO_USER_TOKEN", "0123456789abcdef")]
    [InlineData("AWS_SECRET_ACCESS_KEY", "abc")]
    [InlineData("POSTGRE_PASSWORD", "x")]
    public void Secret_looking_environment_is_refused_on_the_command_line(string name, string value)
    {
        var settings = new DockerRunSettings { Image = "x", Environment = new Dictionary<string, string> { [name] = value } };

        var error = Assert.Throws<ArgumentException>(() => settings.ToArguments());

        Assert.Contains("env file", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_switch_whose_name_mentions_a_token_is_not_a_secret()
    {
        var settings = new DockerRunSettings { Image = "x", Environment = new Dictionary<string, string> { ["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] = "true" } };

        Assert.Contains("LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true", settings.ToArguments());
    }

    [Theory]
    [InlineData("/data/a,b")]
    [InlineData("/data/\"quoted\"")]
    [InlineData("")]
    public void Mount_sources_docker_cannot_parse_are_refused(string source)
    {
        var settings = new DockerRunSettings { Image = "x", Mounts = [DockerMount.Bind(source, "/files")] };

        Assert.Throws<ArgumentException>(() => settings.ToArguments());
    }

    [Fact]
    public void Relative_mount_targets_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new DockerRunSettings { Image = "x", Mounts = [DockerMount.Volume("v", "data")] }.ToArguments());
    }

    [Theory]
    [InlineData("-rm")]
    [InlineData("a b")]
    [InlineData("x")]
    [InlineData("name/with/slash")]
    public void Invalid_container_names_are_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => new DockerRunSettings { Image = "x", Name = name }.ToArguments());
    }

    [Fact]
    public void Values_with_line_breaks_are_refused()
    {
        Assert.Throws<ArgumentException>(() =>
            new DockerRunSettings { Image = "x", Environment = new Dictionary<string, string> { ["A"] = "1\nB=2" } }.ToArguments());
        Assert.Throws<ArgumentException>(() =>
            new DockerRunSettings { Image = "x", Labels = new Dictionary<string, string> { ["a"] = "1\n" } }.ToArguments());
    }

    [Theory]
    [InlineData("--privileged")]
    [InlineData("image with space")]
    [InlineData(" ")]
    public void Invalid_images_are_refused(string image)
    {
        Assert.Throws<ArgumentException>(() => new DockerRunSettings { Image = image }.ToArguments());
    }

    [Fact]
    public void A_network_is_rendered_before_the_image_and_must_be_a_valid_name()
    {
        Assert.Equal(["run", "--network", "lp-net", "busybox"], new DockerRunSettings { Image = "busybox", Network = "lp-net" }.ToArguments());
        Assert.Throws<ArgumentException>(() => new DockerRunSettings { Image = "busybox", Network = "--privileged" }.ToArguments());
    }

    [Fact]
    public void Label_Studio_gets_the_PostgreSQL_settings_but_never_the_password_as_env_arguments()
    {
        var connection = new PostgresConnection("lp-postgres", 5432, "labelstudio", "labelstudio", "s3cret-password");
        var arguments = string.Join(' ', new DockerRunSettings { Image = "ls", Environment = connection.LabelStudioEnvironment }.ToArguments());

        Assert.Contains("--env DJANGO_DB=default", arguments);
        Assert.Contains("--env POSTGRE_HOST=lp-postgres", arguments);
        Assert.DoesNotContain("s3cret", arguments);
        Assert.DoesNotContain("s3cret", connection.ToString());
        Assert.True(DockerRunSettings.LooksSecret("POSTGRE_PASSWORD", connection.Password)); // refused if anyone tried
        Assert.DoesNotContain("password", new PostgresOptions { Password = "s3cret-password" }.ToString().Replace("Password = (given)", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("heartexlabs/label-studio:1.23.0", "1.23.0")]
    [InlineData("registry.example.com:5000/label-studio:1.20.1", "1.20.1")]
    [InlineData("registry.example.com:5000/label-studio", "1.23.0")]
    [InlineData("labelpipeline/label-studio-kit:0ce028748a9033dc", "1.23.0")]
    public void The_process_runtime_installs_the_release_the_image_tag_names(string image, string version)
    {
        Assert.Equal(version, new LabelStudioDeploymentOptions { Image = image, StateDirectory = "/tmp/x" }.LabelStudioVersion);
    }
}
