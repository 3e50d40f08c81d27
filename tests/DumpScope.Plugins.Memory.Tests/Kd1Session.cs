using DumpScope.Host.Session;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// One session over the kd1 kdump (zlib) with only the memory plugin, shared by the fixture tests of a class
/// (opening the dump and reading kallsyms/BTF once).
/// </summary>
public sealed class Kd1Session : IDisposable
{
    private readonly Lazy<DumpScopeSession> _session = new(() => DumpScopeSession.Create(new SessionOptions
    {
        DumpPath = Fixtures.Kd1Zlib,
        SearchDefaultPluginDirectory = false,
        InProcessPlugins = [typeof(MemoryPlugin).Assembly],
    }));

    /// <summary>The session; skips the test when the fixture is missing.</summary>
    public DumpScopeSession Session => _session.Value;

    /// <summary>The memory plugin's service in the session.</summary>
    public MemoryAnalyzer Analyzer => (MemoryAnalyzer)Session.Services.GetService(typeof(MemoryAnalyzer))!;

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }
}
