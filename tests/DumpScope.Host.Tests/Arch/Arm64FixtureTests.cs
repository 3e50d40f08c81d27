using DumpScope.Host.Arch.Arm64;
using DumpScope.Host.Kernel;
using DumpScope.Host.Rendering;
using DumpScope.Plugins.Memory;
using DumpScope.Plugins.Slab;
using DumpScope.Plugins.Tasks;

namespace DumpScope.Host.Tests.Arch;

/// <summary>
/// The real arm64 fixture (../shared/fixtures/arm64: Debian's 6.1.0-56-cloud-arm64 under qemu-system-aarch64,
/// captured by kdump + makedumpfile; tests/fixtures/make-kdump.sh --arch arm64) against its own VMCOREINFO and the
/// guest's ground truth. An optional fixture, not in the real CI's ../shared: every test skips without it.
/// </summary>
public sealed class Arm64FixtureTests : IDisposable
{
    private const string Release = "6.1.0-56-cloud-arm64";
    private static string Shared(string relative) => Path.Combine(Fixtures.Root ?? "/nonexistent", relative);
    private static readonly string Dump = Shared("arm64/vmcore.kdump-zlib-d31");
    private static readonly string SystemMap = Shared($"kernel-{Release}/System.map-{Release}");
    private static readonly string Btf = Shared($"kernel-{Release}/vmlinux.btf");

    // Every test starts here (or at the session, which calls it): without the optional fixture it skips before
    // reading any of the fixture's files.
    private static void RequireFixture() =>
        Skip.IfNot(File.Exists(Dump) && File.Exists(SystemMap) && File.Exists(Btf), $"{Dump} (or its System.map/BTF) is absent: the arm64 fixture is optional");

    // A file of the shared arm64 fixture, once it is known to be there.
    private static string SharedFile(string relative)
    {
        RequireFixture();
        return Shared(relative);
    }

    private readonly Lazy<DumpScopeSession> _session = new(() =>
    {
        RequireFixture();
        return FixtureSession.Open(new SessionOptions { DumpPath = Dump, SystemMapPath = SystemMap, BtfPath = Btf },
            typeof(SlabPlugin).Assembly, typeof(TasksPlugin).Assembly, typeof(MemoryPlugin).Assembly);
    });

    private DumpScopeSession Session => _session.Value;

    private DumpKernel Kernel => (DumpKernel)Session.Kernel();

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }

    private static VmcoreInfo SavedVmcoreInfo() => VmcoreInfo.Parse(File.ReadAllText(SharedFile("arm64/vmcoreinfo.txt")));

    private static string[] GroundTruthSection(string header)
    {
        var lines = File.ReadAllLines(SharedFile("arm64/groundtruth-guest.txt"));
        int start = Array.FindIndex(lines, l => l.StartsWith(header, StringComparison.Ordinal));
        return [.. lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal) && !l.StartsWith("GT-END", StringComparison.Ordinal))];
    }

    [SkippableFact]
    public void The_layout_is_what_the_kernel_computed_from_its_vmcoreinfo()
    {
        var info = SavedVmcoreInfo();
        var kernel = Kernel;
        kernel.Architecture.Should().Be("aarch64");
        kernel.Release.Should().Be(Release);
        kernel.PageSize.Should().Be(info.PageSize);
        kernel.KaslrOffset.Should().Be(info.KernelOffset);
        var space = kernel.AddressSpace.Should().BeOfType<Arm64AddressSpace>().Subject;
        info.TryGetNumber("VA_BITS", out var vaBits).Should().BeTrue();
        info.TryGetNumber("PHYS_OFFSET", out var physOffset).Should().BeTrue();
        info.TryGetNumber("VMEMMAP_START", out var vmemmapStart).Should().BeTrue();
        space.Options.VaBits.Should().Be((int)vaBits);
        space.Levels.Should().Be(4);
        space.PageOffset.Should().Be(0UL - (1UL << (int)vaBits), "PAGE_OFFSET = -2^VA_BITS (the flipped layout)");
        info.TryGetSymbol("swapper_pg_dir", out var swapper).Should().BeTrue();
        info.TryGetNumber("kimage_voffset", out var voffset).Should().BeTrue();
        space.PageTableRoot.Should().Be(swapper - (ulong)voffset);
        var model = kernel.MemoryModel;
        model.MinPfn.Should().Be((ulong)physOffset >> 12);
        model.VmemmapBase.Should().Be((ulong)vmemmapStart - ((ulong)physOffset >> 12) * model.StructPageSize);
        model.PhysToVirt((ulong)physOffset).Should().Be(space.PageOffset!.Value);
        model.Notes.Should().BeEmpty("VMCOREINFO's VMEMMAP_START was confirmed and max_pfn read");
    }

    [SkippableFact]
    public void Fast_paths_agree_with_the_page_tables()
    {
        var kernel = Kernel;
        var space = (Arm64AddressSpace)kernel.AddressSpace;
        int compared = 0;
        foreach (var name in new[] { "_stext", "init_task", "linux_banner", "swapper_pg_dir", "__per_cpu_offset", "slab_caches" })
        {
            kernel.Symbols.TryGetAddress(name, out var va).Should().BeTrue(name);
            space.TryFastPath(va, out var fast, out var region).Should().BeTrue(name);
            region.Should().Be("kernel image");
            var walk = space.Walk(va);
            walk.Success.Should().BeTrue(walk.Fault?.Message);
            walk.PhysicalAddress.Should().Be(fast, name);
            space.TryFastPath(space.PageOffset!.Value + (fast - space.Options.PhysOffset), out var linear, out _).Should().BeTrue();
            linear.Should().Be(fast, "the image's pages are in the linear map too");
            compared++;
        }
        compared.Should().Be(6);
    }

    [SkippableFact]
    public void The_cpu_notes_hold_arm64_registers_of_the_panic()
    {
        var kernel = Kernel;
        kernel.Dump.Cpus.Should().HaveCount(2);
        var panicking = kernel.Dump.Cpus.Single(c => c.Pid == 1);
        foreach (var register in new[] { "pc", "x30" })
            kernel.Symbols.Lookup(panicking.Registers[register]).Should().NotBeNull($"{register} is in kernel text");
        kernel.Memory.Translate(panicking.Registers["sp"]).Success.Should().BeTrue("sp is on a mapped (vmalloc'ed) stack");
        panicking.Registers["x29"].Should().BeGreaterThan(panicking.Registers["sp"], "frame records are above the stack pointer");
    }

    [SkippableFact]
    public void Ps_finds_every_task_of_the_guest()
    {
        var guest = GroundTruthSection("--- tasks").Where(l => l.Length > 0 && char.IsAsciiDigit(l[0])).Select(l => l.Split(' ')).Select(p => (Pid: int.Parse(p[0], CultureInfo.InvariantCulture), Comm: p[1])).ToList();
        guest.Should().HaveCountGreaterThan(50);
        var result = Session.Run("ps");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var rows = result.Blocks.OfType<TableBlock>().First().Rows;
        var pids = rows.Select(r => Convert.ToInt32(r.Cells[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
        pids.Should().Contain(guest.Select(g => g.Pid));
        rows.Count(r => Convert.ToInt32(r.Cells[1].Value, CultureInfo.InvariantCulture) == 0).Should().Be(2, "one idle task per CPU");
    }

    [SkippableFact]
    public void Kmem_s_lists_every_cache_of_slabinfo_with_its_slab_size()
    {
        var slabinfo = GroundTruthSection("--- slabinfo (full)").Where(l => !l.StartsWith("slabinfo", StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[0], p => long.Parse(p[5], CultureInfo.InvariantCulture) * Kernel.PageSize);
        slabinfo.Should().HaveCountGreaterThan(100);
        var result = Session.Run("kmem -s");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var table = result.Blocks.OfType<TableBlock>().Single();
        var ssize = table.Rows.ToDictionary(r => (string)r.Cells[6].Value!, r => Convert.ToInt64(r.Cells[5].Value, CultureInfo.InvariantCulture));
        ssize.Keys.Should().BeEquivalentTo(slabinfo.Keys);
        foreach (var (name, bytes) in slabinfo) ssize[name].Should().Be(bytes, $"{name}: SSIZE = pagesperslab pages of PAGESIZE");
        table.Rows.Should().OnlyContain(r => r.Problem == null);
        // TOTAL against slabinfo's num_objs: the guest listed /proc after slabinfo and slept 2 s before the panic, so
        // the caches that listing fed (proc inodes, dentries) may have grown; every other cache must agree.
        var objects = GroundTruthSection("--- slabinfo (full)").Where(l => !l.StartsWith("slabinfo", StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToDictionary(p => p[0], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        var totals = table.Rows.ToDictionary(r => (string)r.Cells[6].Value!, r => Convert.ToInt64(r.Cells[3].Value, CultureInfo.InvariantCulture));
        var differing = objects.Where(o => totals[o.Key] != o.Value).Select(o => $"{o.Key} {totals[o.Key]} vs {o.Value}").ToList();
        differing.Count.Should().BeLessThanOrEqualTo(objects.Count / 20, string.Join(", ", differing));
    }

    [SkippableFact]
    public void Log_holds_the_guests_dmesg()
    {
        var dmesg = File.ReadAllLines(SharedFile("arm64/dmesg.txt")).Where(l => l.Length > 0).ToList();
        var result = Session.Run("log");
        result.Failed.Should().BeFalse(result.Error);
        var text = TextRenderer.Render(result);
        foreach (var line in dmesg.Take(100)) text.Should().Contain(line);
        text.Should().Contain("sysrq triggered crash");
    }

    [SkippableFact]
    public void Sys_and_vtop_read_the_arm64_kernel()
    {
        var sys = TextRenderer.Render(Session.Run("sys"));
        sys.Should().Contain("MACHINE: aarch64").And.Contain($"RELEASE: {Release}").And.Contain("Kernel panic - not syncing: sysrq triggered crash");
        var meminfo = GroundTruthSection("--- meminfo").Single(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        long totalKb = long.Parse(meminfo.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        TextRenderer.Render(Session.Run("kmem -i")).Should().Contain($"TOTAL MEM  {totalKb * 1024 / Kernel.PageSize}  {totalKb}k");
        var vtop = Session.Run("vtop init_task");
        vtop.Blocks.OfType<TableBlock>().Single().Rows.Select(r => (string)r.Cells[0].Value!).Should().Equal("PGD", "PUD", "PMD", "PTE");
    }
}
