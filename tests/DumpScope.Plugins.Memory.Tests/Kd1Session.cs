using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// One session over the kd1 kdump (zlib) with the memory plugin, shared by the fixture tests of a class. The slab
/// plugin is loaded too, as in the default profile: rows of kmem -i and kmem -p lead to its kmem -s, and typed
/// navigation targets are kept only when a loaded command can show them.
/// </summary>
public sealed class Kd1Session() : SharedFixtureSession(() => Fixtures.Kd1Zlib, typeof(MemoryPlugin).Assembly, typeof(Slab.SlabPlugin).Assembly)
{
    /// <summary>The memory plugin's service in the session.</summary>
    public MemoryAnalyzer Analyzer => (MemoryAnalyzer)Session.Services.GetService(typeof(MemoryAnalyzer))!;
}
