using System.Net;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;

namespace Docker.Tests.Support;

/// <summary>
/// Facts about the private engine read from its own HTTP API over its unix socket, not from the <c>docker</c> CLI: a
/// CLI newer than the engine (whichever is first on the PATH) may print `network inspect` differently or refuse the
/// engine's API version, and the test must not depend on which CLI the machine has.
/// </summary>
public static class DockerEngineApi
{
    /// <summary>The IPv4 gateway of the engine's default bridge network, where containers reach this host.</summary>
    public static async Task<IPAddress> BridgeGatewayAsync(string dockerHost, CancellationToken ct)
    {
        var socket = dockerHost.StartsWith("unix://", StringComparison.Ordinal)
            ? dockerHost["unix://".Length..]
            : throw new InvalidOperationException($"DOCKER_HOST '{dockerHost}' is not a unix socket; the private engine always listens on one.");
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await unix.ConnectAsync(new UnixDomainSocketEndPoint(socket), token).ConfigureAwait(false);
                    return new NetworkStream(unix, ownsSocket: true);
                }
                catch
                {
                    unix.Dispose();
                    throw;
                }
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://docker-engine/"), Timeout = TimeSpan.FromSeconds(60) };

        // Unversioned: the engine answers in its own API version, whatever CLI is installed.
        var network = JObject.Parse(await http.GetStringAsync("networks/bridge", ct).ConfigureAwait(false));
        return Gateway(network) ?? throw new InvalidOperationException($"The engine's bridge network names no IPv4 gateway or subnet: {network["IPAM"]}");
    }

    /// <summary>The first IPv4 gateway in IPAM.Config; else the first host of its IPv4 subnet (the address the bridge takes).</summary>
    internal static IPAddress? Gateway(JObject network)
    {
        var configs = network["IPAM"]?["Config"] as JArray ?? [];
        foreach (var config in configs)
        {
            if (IPAddress.TryParse(config["Gateway"]?.ToString(), out var gateway) && gateway.AddressFamily == AddressFamily.InterNetwork)
            {
                return gateway;
            }
        }

        foreach (var config in configs)
        {
            if (IPNetwork.TryParse(config["Subnet"]?.ToString() ?? string.Empty, out var subnet) && subnet.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                var bytes = subnet.BaseAddress.GetAddressBytes();
                bytes[3]++;
                return new IPAddress(bytes);
            }
        }

        return null;
    }
}
