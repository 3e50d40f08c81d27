using DumpScope.Host.Session;
using DumpScope.Sdk.Kernel;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// One session over kd1 (kdump-compressed, zlib) with only the tasks plugin, opened on first use and shared by
/// the tests of the "kd1" collection (opening the dump reads kallsyms and BTF from it). Tests that need the
/// fixture call <see cref="Session"/> inside a [SkippableFact], so a missing fixture skips them.
/// </summary>
public sealed class Kd1Fixture : IDisposable
{
    private readonly Lazy<DumpScopeSession> _session = new(() => Open(Fixtures.Kd1Zlib));

    /// <summary>The shared session.</summary>
    public DumpScopeSession Session => _session.Value;

    /// <summary>The session's kernel.</summary>
    public IKernel Kernel => Session.Services.GetRequiredService<IKernel>();

    /// <summary>A session over a dump with only the tasks plugin, loaded in-process.</summary>
    public static DumpScopeSession Open(string dump) => DumpScopeSession.Create(new SessionOptions
    {
        DumpPath = dump,
        SearchDefaultPluginDirectory = false,
        InProcessPlugins = [typeof(TasksPlugin).Assembly],
    });

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}

/// <summary>The tests sharing the kd1 session.</summary>
[CollectionDefinition("kd1")]
public sealed class Kd1Collection : ICollectionFixture<Kd1Fixture>;
