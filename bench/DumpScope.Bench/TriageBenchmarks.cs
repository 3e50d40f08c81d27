using BenchmarkDotNet.Attributes;
using DumpScope.Host.Session;
using DumpScope.Plugins.Triage;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// triage on kd3 (4 CPUs, 88 tasks, one D-state task) in-process: on an open session (the backtracer, slab
/// allocator probe and page cache warm), and what a user meets: open the dump and triage it once.
/// `triage --timings` gives the same split per finding source in one run.
/// </summary>
[MemoryDiagnoser]
public class TriageBenchmarks
{
    private DumpScopeSession _session = null!;
    private string _dump = "";

    /// <summary>Opens kd3 and triages it once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dump = Fixtures.Require("kd3/vmcore.kdump-zlib-d31");
        _session = Open(_dump);
        if (_session.Run("triage").Failed) throw new InvalidOperationException("triage failed on kd3");
    }

    /// <summary>Closes the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>triage on the open session.</summary>
    [Benchmark]
    public int TriageWarm() => _session.Run("triage").Blocks.Count;

    /// <summary>Open kd3, triage, close: a fresh session each time (nothing cached but the OS's file cache).</summary>
    [Benchmark]
    public int OpenAndTriage()
    {
        using var session = Open(_dump);
        return session.Run("triage").Blocks.Count;
    }

    private static DumpScopeSession Open(string dump) => DumpScopeSession.Create(new SessionOptions
    {
        DumpPath = dump,
        SearchDefaultPluginDirectory = false,
        InProcessPlugins = [typeof(TriagePlugin).Assembly],
    });
}
