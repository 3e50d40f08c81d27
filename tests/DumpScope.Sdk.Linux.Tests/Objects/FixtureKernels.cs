using DumpScope.Host.Session;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Sdk.Linux.Tests.Objects;

/// <summary>The real fixture dumps opened once per test run (no plugins: the helpers read the kernel directly).</summary>
internal static class FixtureKernels
{
    private static readonly Dictionary<string, DumpScopeSession> Sessions = [];

    /// <summary>kd1 (6.1, 2 CPUs, kdump zlib).</summary>
    public static IKernel Kd1 => Open("kd1/vmcore.kdump-zlib-d31");

    /// <summary>kd3 (6.1, 4 CPUs, a task in every state).</summary>
    public static IKernel Kd3 => Open("kd3/vmcore.kdump-zlib-d31");

    /// <summary>The path of a fixture file (skips when absent).</summary>
    public static string File(string relative) => Fixtures.Require(relative);

    private static IKernel Open(string relative)
    {
        string path = Fixtures.Require(relative);
        lock (Sessions)
        {
            if (!Sessions.TryGetValue(path, out var session))
                Sessions[path] = session = DumpScopeSession.Create(new SessionOptions { DumpPath = path, SearchDefaultPluginDirectory = false });
            return session.Services.GetRequiredService<IKernel>();
        }
    }
}
