using DumpScope.Host.Session;
using DumpScope.Sdk.Linux.Slab;
using DumpScope.Sdk.Linux.Slab.Slub;
using DumpScope.Testing;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>
/// The slab plugin on the real k510 dump (Debian 11's 5.10: SLUB with the slab fields in struct page,
/// kmem_cache_cpu.page, cpu partial chains with pages/pobjects), against crash 8.0.2 with the 5.10 DWARF vmlinux.
/// Opened with its System.map until kallsyms is found in the image.
/// </summary>
public class K510SlabTests
{
    private static DumpScopeSession Open() => DumpScopeSession.Create(new SessionOptions
    {
        DumpPath = Fixtures.Require("k510/vmcore.kdump-zlib-d31"),
        SystemMapPath = Fixtures.Require("k510/kernel/System.map-5.10.0-32-cloud-amd64"),
        SearchDefaultPluginDirectory = false,
        InProcessPlugins = [typeof(SlabPlugin).Assembly],
    });

    [SkippableFact]
    public void Kmem_s_equals_crash_for_every_cache()
    {
        var expected = new List<string>();
        bool inKmem = false;
        foreach (var line in File.ReadAllLines(Fixtures.Require("k510/crash-vmcore.kdump-zlib-d31.out")))
        {
            if (line.StartsWith("crash> ", StringComparison.Ordinal)) inKmem = line == "crash> kmem -s";
            else if (inKmem && line.StartsWith("ffff", StringComparison.Ordinal)) expected.Add(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
        expected.Should().HaveCount(126);
        using var session = Open();
        var result = session.Run("kmem -s");
        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().Single();
        var actual = table.Rows.Select(r => string.Join(' ',
            $"{(ulong)r.Cells[0].Value!:x16}", r.Cells[1].Value, r.Cells[2].Value, r.Cells[3].Value, r.Cells[4].Value,
            DumpScope.Host.Rendering.CellFormatter.FormatSize((ulong)r.Cells[5].Value!), r.Cells[6].Value)).ToList();
        actual.Should().Equal(expected);
        table.Rows.Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void The_allocator_is_SLUB_of_the_struct_page_era_and_every_object_has_one_state()
    {
        using var session = Open();
        var kernel = (IKernel)session.Services.GetService(typeof(IKernel))!;
        var allocator = (SlubAllocator)SlabHelpers.SlabAllocatorOf(kernel);
        allocator.Layout.Descriptor.Should().Be("struct page");
        allocator.CpuSlabMember.Should().Be("page");
        allocator.HasCpuPartial.Should().BeTrue();
        allocator.Sheaves.Should().BeNull();
        allocator.Layout.CacheSize.Disagreement.Should().BeNull();

        foreach (var cache in new[] { "kmalloc-64", "dentry", "task_struct" })
        {
            var result = session.Run($"kmem -S {cache}");
            result.Failed.Should().BeFalse(result.Error);
            result.Warnings.Should().BeEmpty();
            var objects = result.Blocks.OfType<TableBlock>().Single(b => b.Title == "objects").Rows;
            foreach (var row in objects)
                SlabHelpers.SlabObjectInfo(kernel, (ulong)row.Cells[0].Value!).State.Text.Should().Be((string)row.Cells[3].Value!);
            ulong address = SlabHelpers.FindSlabCache(kernel, cache)!.Value;
            var allocated = SlabHelpers.ForEachAllocatedObject(kernel, address).Count();
            allocated.Should().Be((int)SlabHelpers.SlabCacheStatistics(kernel, address).Allocated!.Value, cache);
        }
        allocator.Encoding.Should().Be(FreelistEncoding.XorSwab, "5.10 has the swab hardening (5.7)");
    }
}
