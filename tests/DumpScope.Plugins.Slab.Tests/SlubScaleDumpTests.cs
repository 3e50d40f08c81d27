using DumpScope.Testing.DumpWriters;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// The scale benchmarks' SLUB kernel (<see cref="SlubScaleKernel"/>, written by <see cref="KernelDumpFile"/> as a
/// kdump file with a System.map and BTF beside it) at a small size: the host opens it like a real dump, and
/// kmem -s and kmem -S give what the kernel was built with. The 10-million-object one is the same code
/// (bench/DumpScope.Bench make-slab-kernel), never built in the test run.
/// </summary>
public sealed class SlubScaleDumpTests : IDisposable
{
    private readonly SlubScaleKernel _built;
    private readonly WrittenKernelDump _dump;

    public SlubScaleDumpTests()
    {
        _built = SlubScaleKernel.Build(new SlubScaleKernelSpec { Caches = 12, ObjectsPerCache = 3000, PartialEvery = 5, Tasks = 0 });
        _dump = new WrittenKernelDump(_built.Kernel, _built.MaxPfn);
    }

    public void Dispose() => _dump.Dispose();

    private DumpScopeSession Open() => _dump.Open(typeof(SlabPlugin).Assembly);

    [Fact]
    public void Kmem_s_over_the_written_dump_gives_every_cache_as_built()
    {
        using var session = Open();
        var table = session.KmemSTable();
        table.Rows.Should().OnlyContain(r => r.Problem == null);
        table.CrashLines().Should().Equal(_built.Expected.Select(e =>
            $"{e.Address:x16} {e.ObjectSize} {e.Allocated} {e.Total} {e.Slabs} {e.SlabBytes / 1024}k {e.Name}"));
        _built.Expected.Should().OnlyContain(e => e.Allocated < e.Total, "every cache has free objects on cpu, cpu partial and node partial slabs");
    }

    [Fact]
    public void Kmem_S_finds_every_free_object_of_a_cache_with_multi_page_slabs()
    {
        using var session = Open();
        var cache = _built.Expected.First(e => e.SlabBytes > 4096);
        var result = session.Run($"kmem -S {cache.Name}");
        result.Failed.Should().BeFalse(result.Error);
        var states = result.ObjectStates();
        states.Values.Count(s => s != "allocated").Should().Be((int)(cache.Total - cache.Allocated),
            "the free objects of the cpu, cpu partial and node partial slabs, each once");
        states.Values.Should().Contain("free (cpu 0 cache)").And.Contain("allocated");
    }
}
