using DumpScope.Testing.DumpWriters;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// The scale benchmarks' SLUB kernel laid out at arm64 addresses (<see cref="SlubScaleAddresses.Arm64"/>: linear map
/// from PAGE_OFFSET above PHYS_OFFSET, the vmemmap of 5.11+, per-cpu data in the image) and written as an arm64 dump
/// with KASLR (<see cref="Arm64KernelDumpFile"/>): kmem -s gives what the kernel was built with, through arm64 page
/// tables and the memory model the host computes from VMCOREINFO.
/// </summary>
public sealed class Arm64SlubDumpTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dumpscope-arm64-slub-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(48, false, false)]
    [InlineData(39, true, true)]
    public void Kmem_s_over_an_arm64_dump_gives_every_cache_as_built(int vaBits, bool kdump, bool memSection)
    {
        var layout = new Arm64Layout { VaBits = vaBits, RamSize = 512UL << 20 };
        var built = SlubScaleKernel.Build(new SlubScaleKernelSpec
        {
            Caches = 6, ObjectsPerCache = 1500, PartialEvery = 4, Tasks = 0, Addresses = SlubScaleAddresses.Arm64(layout),
        });
        var files = Arm64KernelDumpFile.Write(built.Kernel, layout, Path.Combine(_folder, $"slub-{vaBits}"), ReferenceTypes.Debian61Bytes,
            new Arm64KernelDumpFile.Options { Kdump = kdump, MemSection = memSection });
        using var session = FixtureSession.Open(new SessionOptions { DumpPath = files.Dump, SystemMapPath = files.SystemMap, BtfPath = files.Btf },
            typeof(SlabPlugin).Assembly);
        var kernel = session.Kernel();
        kernel.Architecture.Should().Be("aarch64");
        kernel.MemoryModel.VmemmapBase.Should().Be(layout.Vmemmap, "mem_section's encoding, else VMEMMAP_START = -2^(VA_BITS - VMEMMAP_SHIFT), confirmed against the tables");
        kernel.MemoryModel.MinPfn.Should().Be(layout.PhysOffset / 4096);
        if (memSection) kernel.MemoryModel.Notes.Should().BeEmpty("the kernel's own mem_section decided");
        else kernel.MemoryModel.Notes.Should().ContainSingle().Which.Should().Contain("mem_section not read", "the era's formula was used, and said so");

        var table = session.KmemSTable();
        table.Rows.Should().OnlyContain(r => r.Problem == null);
        table.CrashLines().Should().Equal(built.Expected.Select(e =>
            $"{e.Address:x16} {e.ObjectSize} {e.Allocated} {e.Total} {e.Slabs} {e.SlabBytes / 1024}k {e.Name}"));
        built.Expected.Should().OnlyContain(e => e.Allocated < e.Total);
    }
}
