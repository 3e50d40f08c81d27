using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Kernel;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Kernel;

public sealed class KernelLoaderFixtureTests : IDisposable
{
    private readonly List<string> _temporaryFiles = [];

    public void Dispose()
    {
        foreach (var file in _temporaryFiles) File.Delete(file);
    }

    private string WriteMap(Func<string[], IEnumerable<string>> edit)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dumpscope-test-{Guid.NewGuid():n}.map");
        File.WriteAllLines(path, edit(File.ReadAllLines(Fixtures.SystemMap)));
        _temporaryFiles.Add(path);
        return path;
    }

    private static string Shift(string line, ulong delta)
    {
        var parts = line.Split(' ', 3);
        ulong address = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (address >= 0xffffffff80000000UL) address += delta;
        return $"{address:x16} {parts[1]} {parts[2]}";
    }

    [SkippableFact]
    public void The_matching_System_map_loads_behind_kallsyms()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        var kernel = KernelLoader.Open(dump, new KernelOpenOptions { SystemMapPath = Fixtures.SystemMap });
        var composite = (CompositeSymbolTable)kernel.Symbols;
        composite.Sources.Select(s => s.Source).Should().Equal(KallsymsReader.SourceName, "System.map System.map-6.1.0-56-cloud-amd64");
        kernel.FactNotes.Should().BeEmpty();
        kernel.Symbols.Source.Should().Contain("87347 symbols").And.Contain("87361 symbols");
    }

    [SkippableFact]
    public void A_System_map_of_another_kernel_is_refused_saying_what_differs()
    {
        var shifted = WriteMap(lines => lines.Select(l => Shift(l, 0x200000)));
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);

        var refused = FluentActions.Invoking(() => KernelLoader.Open(dump, new KernelOpenOptions { SystemMapPath = shifted }))
            .Should().Throw<UsageException>().Which;
        refused.Message.Should().StartWith($"{shifted} does not match the dump: ")
            .And.Contain("_stext is ffffffff9cc00000 (after adding KASLR offset 1ba00000) but VMCOREINFO says ffffffff9ca00000")
            .And.Contain("init_task is")
            .And.Contain("symbols it shares with the dump's kallsyms are at other addresses")
            .And.EndWith("Use --force to load it anyway.");

        var forced = KernelLoader.Open(dump, new KernelOpenOptions { SystemMapPath = shifted, Force = true });
        forced.FactNotes.Should().Contain(n => n.Contains("does not match the dump but was forced") && n.Contains("_stext"))
            .And.Contain(n => n.Contains("linux_banner"), "the shifted map puts linux_banner on other bytes");
        forced.Symbols.TryGetAddress("init_task", out var initTask).Should().BeTrue();
        initTask.Should().Be(FixtureFacts.Kd1GuestKallsyms()["init_task"], "kallsyms from the dump is asked first");
    }

    [SkippableFact]
    public void A_System_map_with_renamed_symbols_is_refused()
    {
        var renamed = WriteMap(lines => lines.Select(l => l.EndsWith(" init_task", StringComparison.Ordinal) ? l + "_renamed" : l));
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        FluentActions.Invoking(() => KernelLoader.Open(dump, new KernelOpenOptions { SystemMapPath = renamed }))
            .Should().Throw<UsageException>().WithMessage("*it has no init_task*");
    }

    [SkippableFact]
    public void A_kaslr_offset_contradicting_vmcoreinfo_is_a_usage_error()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        FluentActions.Invoking(() => KernelLoader.Open(dump, new KernelOpenOptions { KaslrOffset = 0x1000000 }))
            .Should().Throw<UsageException>().WithMessage("*1000000*1ba00000*");
    }

    [SkippableFact]
    public void Without_vmcoreinfo_the_error_says_what_to_supply()
    {
        using var dump = new DumpWithVmcoreInfo(DumpOpener.Open(Fixtures.Q1Elf), null);
        FluentActions.Invoking(() => KernelLoader.Open(dump, KernelOpenOptions.Default))
            .Should().Throw<NotSupportedException>()
            .WithMessage("*has no VMCOREINFO note*--kaslr OFFSET*Kernel Offset*--system-map / --vmlinux*");
    }

    [SkippableFact]
    public void Without_vmcoreinfo_a_user_supplied_offset_and_System_map_open_the_kernel_through_cr3()
    {
        ulong kaslr = FixtureFacts.KernelOffsetFromConsole("q1/console.log");
        using var dump = new DumpWithVmcoreInfo(DumpOpener.Open(Fixtures.Q1Elf), null);
        var kernel = KernelLoader.Open(dump, new KernelOpenOptions { KaslrOffset = kaslr, SystemMapPath = Fixtures.SystemMap });

        var reference = OpenedKernels.Q1;
        kernel.KaslrOffset.Should().Be(kaslr);
        kernel.Release.Should().Be(reference.Release);
        kernel.NrCpuIds.Should().Be(reference.NrCpuIds);
        kernel.NrNodeIds.Should().Be(reference.NrNodeIds);
        ((X86_64AddressSpace)kernel.AddressSpace).Options.PhysBase.Should().Be(((X86_64AddressSpace)reference.AddressSpace).Options.PhysBase, "phys_base is derived from where _stext maps");
        kernel.AddressSpace.PageTableRoot.Should().Be(reference.AddressSpace.PageTableRoot, "init_top_pgt is found through the map");
        kernel.AddressSpace.DirectMapBase.Should().Be(reference.AddressSpace.DirectMapBase);
        kernel.PerCpuOffset(1).Should().Be(reference.PerCpuOffset(1));
        kernel.FactNotes.Should().Contain(n => n.StartsWith("KASLR offset", StringComparison.Ordinal) && n.Contains("supplied by the user"))
            .And.Contain(n => n.StartsWith("release:", StringComparison.Ordinal) && n.Contains("linux_banner"));
    }

    [SkippableFact]
    public void Without_vmcoreinfo_a_wrong_offset_is_refused()
    {
        ulong wrong = FixtureFacts.KernelOffsetFromConsole("q1/console.log") + 0x200000;
        using var dump = new DumpWithVmcoreInfo(DumpOpener.Open(Fixtures.Q1Elf), null);
        var thrown = FluentActions.Invoking(() => KernelLoader.Open(dump, new KernelOpenOptions { KaslrOffset = wrong, SystemMapPath = Fixtures.SystemMap }))
            .Should().Throw<Exception>().Which;
        (thrown is UsageException or NotSupportedException).Should().BeTrue(thrown.ToString());
        thrown.Message.Should().ContainAny("linux_banner", "KASLR offset right");
    }

    [SkippableFact]
    public void Without_vmcoreinfo_and_without_cr3_the_error_says_so()
    {
        using var dump = new DumpWithVmcoreInfo(DumpOpener.Open(Fixtures.Kd1Zlib), null);
        FluentActions.Invoking(() => KernelLoader.Open(dump, new KernelOpenOptions { KaslrOffset = 0x1ba00000, SystemMapPath = Fixtures.SystemMap }))
            .Should().Throw<NotSupportedException>().WithMessage("*no CR3*");
    }
}
