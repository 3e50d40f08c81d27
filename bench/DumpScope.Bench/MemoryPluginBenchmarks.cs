using BenchmarkDotNet.Attributes;
using DumpScope.Plugins.Memory;
using DumpScope.Plugins.Memory.Pages;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// The memory plugin on kd1 (kdump zlib): reading the whole printk ring buffer, kmem -i (with its struct page
/// scan) and sys. The session, symbols and types are opened once; the dump's page cache is warm after the first
/// iteration, so these are warm numbers.
/// </summary>
[MemoryDiagnoser]
public class MemoryPluginBenchmarks() : SessionBenchmark(() => Fixtures.Kd1Zlib, typeof(MemoryPlugin).Assembly)
{
    private MemoryAnalyzer _analyzer = null!;
    private PageInspector _pages = null!;

    /// <inheritdoc/>
    protected override void Opened()
    {
        _analyzer = (MemoryAnalyzer)Session.Services.GetService(typeof(MemoryAnalyzer))!;
        _pages = _analyzer.Pages;
    }

    /// <summary>Reads every record of the printk ring buffer (what `log` does before formatting).</summary>
    [Benchmark]
    public int Log() => KernelLogReader.Read(_analyzer.Kernel).Records.Count;

    /// <summary>kmem -i's rows, including the scan of every struct page for SHARED.</summary>
    [Benchmark]
    public int KmemInfo() => MemoryInfoReader.Read(_analyzer.Kernel, _pages.ScanMemMap).Rows.Count;

    /// <summary>The `log` command end to end (the log is read once per session, then formatted).</summary>
    [Benchmark]
    public int LogCommand() => Session.Run("log").Blocks.Count;
}
