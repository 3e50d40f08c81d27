using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>One session over the kd1 kdump (zlib) with only the memory plugin, shared by the fixture tests of a class.</summary>
public sealed class Kd1Session() : SharedFixtureSession(() => Fixtures.Kd1Zlib, typeof(MemoryPlugin).Assembly)
{
    /// <summary>The memory plugin's service in the session.</summary>
    public MemoryAnalyzer Analyzer => (MemoryAnalyzer)Session.Services.GetService(typeof(MemoryAnalyzer))!;
}
