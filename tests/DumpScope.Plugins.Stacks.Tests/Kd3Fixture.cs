using DumpScope.Host.Session;
using DumpScope.Testing.Sessions;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>Sessions over the real dumps with only the stacks plugin, opened on first use and shared by a collection.</summary>
public sealed class DumpSessions() : FixtureSessions(typeof(StacksPlugin).Assembly)
{
    /// <summary>The kd3 session (4 CPUs, every task's sysrq-t trace in its log).</summary>
    public DumpScopeSession Kd3 => Session("kd3/vmcore.kdump-zlib-d31");

    /// <summary>The k510 session (Debian 11's 5.10, 2 CPUs).</summary>
    public DumpScopeSession K510 => Session("k510/vmcore.kdump-zlib-d31");

    /// <summary>A session's kernel.</summary>
    public static IKernel Kernel(DumpScopeSession session) => session.Services.GetRequiredService<IKernel>();

    /// <summary>A session of its own over a dump with only the stacks plugin (for tests that change its state).</summary>
    public static DumpScopeSession Open(string dump) => FixtureSession.Open(dump, typeof(StacksPlugin).Assembly);
}

/// <summary>The tests sharing the dump sessions.</summary>
[CollectionDefinition("dumps")]
public sealed class DumpsCollection : ICollectionFixture<DumpSessions>;
