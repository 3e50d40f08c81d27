using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Net;

/// <summary>Net: network devices and the ARP table (net, net -a).</summary>
public sealed class NetPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "net";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "net: network devices of init_net with their IPv4 and hardware addresses, the ARP (neighbour) table";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
