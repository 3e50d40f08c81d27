using System.Text.RegularExpressions;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>The slab plugin on the real kd1 dumps, checked against crash 8.0.2's output for the same files.</summary>
public class RealDumpSlabTests
{
    private static DumpScopeSession Open(string dump) => FixtureSession.Open(dump, typeof(SlabPlugin).Assembly);

    public static TheoryData<string, string> Formats => new()
    {
        { "kd1/vmcore.kdump-zlib-d31", "kd1/crash-vmcore.kdump-zlib-d31.out" },
        { "kd1/vmcore.kdump-lzo-d31", "kd1/crash-vmcore.kdump-lzo-d31.out" },
        { "kd1/vmcore.kdump-zlib-d31.flat", "kd1/crash-vmcore.kdump-zlib-d31.out" },
        { "kd1/vmcore.elf-d31", "kd1/crash-vmcore.elf-d31.out" },
    };

    [SkippableTheory]
    [MemberData(nameof(Formats))]
    public void Kmem_s_equals_crash_for_every_cache(string dump, string crashOutput)
    {
        var expected = CrashOutput.KmemSlabLines(crashOutput);
        expected.Should().HaveCountGreaterThan(100);
        using var session = Open(Fixtures.Require(dump));
        var table = session.KmemSTable();
        var actual = table.CrashLines();
        actual.Should().BeEquivalentTo(expected, "every cache line equals crash's (same order too)");
        actual.Should().Equal(expected);
        table.Rows.Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void The_trimmed_kmem_cache_size_comes_from_the_boot_cache_and_matches_the_arithmetic()
    {
        using var session = Open(Fixtures.Kd1Zlib);
        session.Run("kmem -s kmem_cache").Failed.Should().BeFalse();
        var kernel = session.Kernel();
        kernel.RuntimeSizes.TryGet("struct kmem_cache", out var live).Should().BeTrue();
        live.Size.Should().Be(224, "offsetof(struct kmem_cache, node) = 216 plus nr_node_ids (1) pointers");
        live.Source.Should().Contain("object_size of the boot cache");
        kernel.Types.Require("struct kmem_cache").Size.Should().Be(8408, "node[1024] as declared");
    }

    [SkippableFact]
    public void Struct_kmem_cache_shows_only_the_live_part_even_as_the_first_command()
    {
        using var session = Open(Fixtures.Kd1Zlib);
        var result = session.Run("struct kmem_cache ffff89ab011be000");
        result.Failed.Should().BeFalse(result.Error);
        var rows = result.Blocks.OfType<TableBlock>().SelectMany(t => t.Rows).ToList();
        rows.Should().Contain(r => (r.Cells[0].Value as string) == "node[0]" && r.Cells[2].HasValue);
        var beyond = rows.Single(r => (r.Cells[0].Value as string) == "node[1..1023]");
        beyond.Cells[2].Absence.Should().Be(Absence.NotAvailable);
        beyond.Cells[2].Reason.Should().Contain("not part of the live object (runtime size 224 of declared 8408)");
    }

    [SkippableTheory]
    [InlineData("dentry", "kmem-S-dentry.txt")]
    [InlineData("kmalloc-64", "kmem-S-kmalloc-64.txt")]
    [InlineData("shmem_inode_cache", "kmem-S-shmem_inode_cache.txt")]
    public void Kmem_S_object_states_equal_crash(string cache, string crashFile)
    {
        var lines = File.ReadAllLines(Fixtures.Require($"kd1/gt-vmcore.kdump-zlib-d31/{crashFile}"));
        var allocated = new HashSet<string>();
        var free = new Dictionary<string, string>();
        foreach (var line in lines)
        {
            var a = Regex.Match(line, @"^\s+\[([0-9a-f]{16})\]\s*$");
            if (a.Success) { allocated.Add(a.Groups[1].Value); continue; }
            var f = Regex.Match(line, @"^\s{3}([0-9a-f]{16})\s*(\(cpu (\d+) cache\))?\s*$");
            if (f.Success) free[f.Groups[1].Value] = f.Groups[3].Success ? $"free (cpu {f.Groups[3].Value} cache)" : "free (slab freelist)";
        }
        (allocated.Count + free.Count).Should().BeGreaterThan(0);

        using var session = Open(Fixtures.Kd1Zlib);
        var result = session.Run($"kmem -S {cache}");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var objects = result.ObjectStates().ToDictionary(o => $"{o.Key:x16}", o => o.Value);
        objects.Where(o => o.Value == "allocated").Select(o => o.Key).Should().BeEquivalentTo(allocated);
        objects.Where(o => o.Value != "allocated").ToDictionary(o => o.Key, o => o.Value).Should().BeEquivalentTo(free);
    }

    [SkippableFact]
    public void Kmem_address_names_cache_object_and_state()
    {
        using var session = Open(Fixtures.Kd1Zlib);
        // From crash's kmem -S dentry: ffff89ab025cf300 allocated, ffff89ab025cf3c0 free on CPU 0's lockless freelist.
        var allocated = SlabScenario.Fields(session.Run("kmem ffff89ab025cf310"));
        allocated["NAME"].Should().Be("dentry");
        allocated["OBJECT"].Should().Be(0xffff89ab025cf300UL);
        allocated["OFFSET"].Should().Be(0x10UL);
        allocated["STATUS"].Should().Be("allocated");
        var free = SlabScenario.Fields(session.Run("kmem ffff89ab025cf3c0"));
        free["STATUS"].Should().Be("free (cpu 0 cache)");
        var cache = SlabScenario.Fields(session.Run("kmem ffff89ab011be000"));
        cache["NAME"].Should().Be("kmem_cache", "a kmem_cache lives in the kmem_cache cache");
    }

    [SkippableTheory]
    [InlineData("task_struct")]
    [InlineData("dentry")]
    public void Kmem_address_and_kmem_S_give_every_object_the_same_state(string cache)
    {
        using var session = Open(Fixtures.Kd1Zlib);
        var objects = session.Run($"kmem -S {cache}").ObjectStates();
        objects.Should().NotBeEmpty();
        var kernel = session.Kernel();
        foreach (var (address, state) in objects)
            SlabHelpers.SlabObjectInfo(kernel, address + 8).State.Text.Should().Be(state, $"object {address:x}");
        // The object the issue names: on CPU 0's active slab, on the slab's own freelist (a remote free); crash says cpu 0 cache.
        if (cache == "task_struct") SlabScenario.Fields(session.Run("kmem ffff89ab1fde1800"))["STATUS"].Should().Be("free (cpu 0 cache)");
    }

    [SkippableTheory]
    [InlineData("dentry")]
    [InlineData("kmalloc-64")]
    [InlineData("task_struct")]
    public void For_each_allocated_object_finds_as_many_objects_as_kmem_s_counts(string cache)
    {
        using var session = Open(Fixtures.Kd1Zlib);
        var kernel = session.Kernel();
        ulong address = SlabHelpers.FindSlabCache(kernel, cache)!.Value;
        var problems = new List<string>();
        var allocated = SlabHelpers.ForEachAllocatedObject(kernel, address, problems.Add).ToList();
        problems.Should().BeEmpty();
        allocated.Should().OnlyHaveUniqueItems();
        allocated.Count.Should().Be((int)SlabHelpers.SlabCacheStatistics(kernel, address).Allocated!.Value);
        var listed = session.Run($"kmem -S {cache}").ObjectStates().Where(o => o.Value == "allocated").Select(o => o.Key);
        allocated.Should().Contain(listed, "kmem -S lists the slabs SLUB tracks; the page scan finds those and the full ones");
    }

    [SkippableFact]
    public void Kmem_address_of_a_non_slab_page_says_so()
    {
        using var session = Open(Fixtures.Kd1Zlib);
        var kernel = session.Kernel();
        kernel.Symbols.TryGetAddress("init_task", out var initTask).Should().BeTrue();
        var result = session.Run($"kmem {initTask:x}");
        result.Failed.Should().BeFalse(result.Error);
        SlabScenario.Fields(result)["SLAB"].Should().Be(false);
    }
}
