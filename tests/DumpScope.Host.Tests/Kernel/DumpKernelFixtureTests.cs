using DumpScope.Host.Arch;
using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Kernel;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Tests.Kernel;

public class DumpKernelFixtureTests
{
    public static TheoryData<string> Kd1Kernels => new() { "kd1-zlib", "kd1-elf" };
    public static TheoryData<string> AllKernels => new() { "kd1-zlib", "kd1-elf", "q1" };

    [SkippableTheory]
    [MemberData(nameof(Kd1Kernels))]
    public void Kallsyms_from_the_dump_resolves_the_guest_recorded_addresses(string which)
    {
        var kernel = OpenedKernels.ByName(which);
        kernel.Symbols.Source.Should().StartWith(KallsymsReader.SourceName);
        var guest = FixtureFacts.Kd1GuestKallsyms();
        guest.Keys.Should().Contain(["init_task", "nr_cpu_ids", "nr_node_ids", "page_offset_base", "_stext"]);
        foreach (var (name, address) in guest)
        {
            kernel.Symbols.TryGetAddress(name, out var found).Should().BeTrue(name);
            found.Should().Be(address, name);
        }
        kernel.Symbols.Count.Should().BeGreaterThan(80_000);
    }

    [SkippableTheory]
    [MemberData(nameof(AllKernels))]
    public void Kallsyms_agrees_with_System_map_plus_KERNELOFFSET(string which)
    {
        var kernel = OpenedKernels.ByName(which);
        var map = SystemMapReader.Read(Fixtures.SystemMap, kernel.KaslrOffset);
        var kallsyms = (SymbolTable)((CompositeSymbolTable)kernel.Symbols).Sources[0];
        var counts = kallsyms.All.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Count());
        int compared = 0;
        var differing = new List<string>();
        foreach (var symbol in kallsyms.All)
        {
            if (counts[symbol.Name] != 1 || !map.TryGetSymbol(symbol.Name, out var mapped)) continue;
            compared++;
            if (mapped.Address != symbol.Address) differing.Add($"{symbol.Name}: kallsyms {symbol.Address:x}, map {mapped.Address:x}");
            // scripts/kallsyms --absolute-percpu marks a per-cpu symbol at 0 as absolute ('A'); the map says 'D'.
            else if (symbol.Type != 'A' && char.ToUpperInvariant(mapped.Type) != char.ToUpperInvariant(symbol.Type)) differing.Add($"{symbol.Name}: type {symbol.Type} vs {mapped.Type}");
        }
        compared.Should().BeGreaterThan(50_000);
        differing.Should().BeEmpty();
    }

    [SkippableFact]
    public void Q1_is_another_boot_with_the_kaslr_offset_of_its_panic_message()
    {
        var kernel = OpenedKernels.Q1;
        kernel.KaslrOffset.Should().Be(FixtureFacts.KernelOffsetFromConsole("q1/console.log"));
        kernel.KaslrOffset.Should().NotBe(OpenedKernels.Kd1Zlib.KaslrOffset);
        var map = SystemMapReader.Read(Fixtures.SystemMap, kernel.KaslrOffset);
        foreach (var name in new[] { "init_task", "_stext", "nr_cpu_ids", "page_offset_base", "linux_banner" })
        {
            map.TryGetAddress(name, out var expected).Should().BeTrue();
            kernel.Symbols.TryGetAddress(name, out var actual).Should().BeTrue();
            actual.Should().Be(expected, name);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Kd1Kernels))]
    public void Kd1_cpu_and_node_facts_are_read_from_memory(string which)
    {
        var kernel = OpenedKernels.ByName(which);
        kernel.NrCpuIds.Should().Be((uint)FixtureFacts.Kd1Crash("nr_cpu_ids"));
        kernel.NrNodeIds.Should().Be((uint)FixtureFacts.Kd1Crash("nr_node_ids"));
        kernel.PossibleCpus.ToString().Should().Be(FixtureFacts.Kd1Guest("cpu_possible"));
        kernel.OnlineCpus.ToString().Should().Be(FixtureFacts.Kd1Guest("cpu_online"));
        kernel.PresentCpus.ToString().Should().Be(FixtureFacts.Kd1Guest("cpu_present"));
        kernel.FactNotes.Should().NotContain(n => n.StartsWith("nr_cpu_ids") || n.StartsWith("nr_node_ids") || n.StartsWith("cpu "));
        kernel.Release.Should().Be("6.1.0-56-cloud-amd64");
        kernel.PageSize.Should().Be(4096);
        kernel.Architecture.Should().Be("x86_64");
        kernel.KaslrOffset.Should().Be(kernel.VmcoreInfo!.KernelOffset);
    }

    [SkippableFact]
    public void Q1_cpu_masks_agree_with_crash()
    {
        var kernel = OpenedKernels.Q1;
        var (cpus, offline) = FixtureFacts.CrashCpus("q1/crash-vmcore.elf.out");
        kernel.NrCpuIds.Should().Be((uint)cpus);
        kernel.PossibleCpus.Count.Should().Be(cpus);
        kernel.OnlineCpus.Count.Should().Be(cpus - offline, "the panicking CPU stopped the others, which went offline");
    }

    [SkippableFact]
    public void Per_cpu_offsets_match_the_gs_base_qemu_saved_for_each_cpu()
    {
        // On x86-64 the kernel's GS base is the CPU's per-cpu area: __per_cpu_offset[cpu] (+ 0 for fixed_percpu_data).
        var kernel = OpenedKernels.Q1;
        kernel.Symbols.TryGetAddress("fixed_percpu_data", out var fixedPercpu).Should().BeTrue();
        foreach (var cpu in kernel.Dump.Cpus)
        {
            var offset = kernel.PerCpuOffset(cpu.Cpu);
            var bases = new[] { cpu.Registers.GetValueOrDefault("gs_base"), cpu.Registers.GetValueOrDefault("kernel_gs_base") };
            bases.Should().Contain(offset + fixedPercpu, $"CPU {cpu.Cpu}'s GS base is its per-cpu area");
        }
        FluentActions.Invoking(() => kernel.PerCpuOffset((int)kernel.NrCpuIds)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => kernel.PerCpuOffset(-1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [SkippableTheory]
    [MemberData(nameof(AllKernels))]
    public void Linux_banner_names_the_vmcoreinfo_release(string which)
    {
        var kernel = OpenedKernels.ByName(which);
        kernel.Symbols.TryGetAddress("linux_banner", out var banner).Should().BeTrue();
        var text = kernel.Memory.ReadCString(banner, 512, "linux_banner");
        text.Should().StartWith("Linux version ").And.Contain(kernel.VmcoreInfo!.OsRelease);
    }

    [SkippableTheory]
    [MemberData(nameof(AllKernels))]
    public void Fast_paths_agree_with_the_page_table_walk(string which)
    {
        var kernel = OpenedKernels.ByName(which);
        var space = kernel.AddressSpace;
        space.DirectMapBase.Should().NotBeNull("page_offset_base was read and confirmed");
        kernel.Symbols.TryGetAddress("page_offset_base", out var pob).Should().BeTrue();
        space.ReadU64(pob).Should().Be(space.DirectMapBase!.Value);

        int checkedAddresses = 0;
        foreach (var name in new[] { "_stext", "init_task", "linux_banner", "nr_cpu_ids", "page_offset_base", "__per_cpu_offset", "init_top_pgt" })
        {
            kernel.Symbols.TryGetAddress(name, out var text).Should().BeTrue(name);
            space.TryFastPath(text, out var fast, out var region).Should().BeTrue();
            region.Should().Be("kernel image");
            var walk = space.Walk(text);
            walk.Success.Should().BeTrue($"{name} is mapped: {walk.Fault}");
            walk.PhysicalAddress.Should().Be(fast, name);

            // The same physical page seen through the direct map.
            ulong direct = space.DirectMapBase.Value + fast;
            space.TryFastPath(direct, out var fastDirect, out region).Should().BeTrue();
            region.Should().Be("direct map");
            space.Walk(direct).PhysicalAddress.Should().Be(fastDirect, $"{name} via the direct map");
            fastDirect.Should().Be(fast);
            checkedAddresses += 2;
        }

        // Per-cpu areas are direct-map (or vmalloc) pointers taken from memory, not computed.
        for (int cpu = 0; cpu < kernel.NrCpuIds; cpu++)
        {
            ulong area = kernel.PerCpuOffset(cpu);
            var walk = space.Walk(area);
            walk.Success.Should().BeTrue();
            space.Translate(area).PhysicalAddress.Should().Be(walk.PhysicalAddress);
            checkedAddresses++;
        }

        // Every 2 MiB of RAM below the kernel's max_pfn (a QEMU dump also holds device memory, which is not
        // RAM): the direct map covers all RAM, and arithmetic must agree with it.
        kernel.Symbols.TryGetAddress("max_pfn", out var maxPfnSymbol).Should().BeTrue();
        ulong maxPfn = space.ReadU64(maxPfnSymbol);
        maxPfn.Should().BeLessThanOrEqualTo(kernel.Dump.MaxPfn);
        int mapped = 0;
        for (ulong pfn = 0x100; pfn < maxPfn; pfn += 512)
        {
            if (kernel.Dump.GetPageState(pfn) != Sdk.Dumps.PageState.Present) continue;
            ulong pa = pfn * 4096 + 0x123;
            var walk = space.Walk(space.DirectMapBase.Value + pa);
            walk.Success.Should().BeTrue($"RAM at {pa:x} is in the direct map: {walk.Fault}");
            walk.PhysicalAddress.Should().Be(pa);
            space.TryFastPath(space.DirectMapBase.Value + pa, out var fastPa, out _).Should().BeTrue();
            fastPa.Should().Be(pa);
            mapped++;
        }
        mapped.Should().BeGreaterThan(10);
        space.TryFastPath(space.DirectMapBase.Value + maxPfn * 4096, out _, out _).Should().BeFalse("the arithmetic stops at max_pfn");
        checkedAddresses.Should().BeGreaterThan(10);
    }

    [SkippableTheory]
    [MemberData(nameof(AllKernels))]
    public void Bad_addresses_are_faults_not_exceptions(string which)
    {
        var memory = OpenedKernels.ByName(which).Memory;
        var buffer = new byte[64];

        var nonCanonical = memory.ReadVirtual(0x0000_8000_0000_1000UL, buffer);
        nonCanonical.BytesRead.Should().Be(0);
        nonCanonical.Fault!.Kind.Should().Be(MemoryFaultKind.NonCanonical);

        // The guard hole between the modules area and the fixmap end is never mapped, nor is user space.
        var user = memory.ReadVirtual(0x0000_0000_0040_0000UL, buffer);
        user.Fault!.Kind.Should().Be(MemoryFaultKind.NotMapped);
        user.Fault.Address.Should().Be(0x400000UL);
        memory.Translate(0xffff_8000_0000_0000UL).Fault!.Kind.Should().Be(MemoryFaultKind.NotMapped);

        FluentActions.Invoking(() => memory.ReadU64(0xdead_0000_0000_0000UL)).Should().Throw<MemoryFaultException>()
            .Which.Fault.Kind.Should().Be(MemoryFaultKind.NonCanonical);
    }

    [SkippableFact]
    public void Excluded_pages_of_a_d31_dump_read_as_excluded_with_the_virtual_address()
    {
        var kernel = OpenedKernels.Kd1Zlib;
        var space = kernel.AddressSpace;
        ulong excludedPfn = 0;
        for (ulong pfn = 0x1000; pfn < kernel.Dump.MaxPfn; pfn++)
            if (kernel.Dump.GetPageState(pfn) == Sdk.Dumps.PageState.Excluded) { excludedPfn = pfn; break; }
        excludedPfn.Should().NotBe(0UL, "-d 31 excludes free pages");
        ulong va = space.DirectMapBase!.Value + excludedPfn * 4096;
        var result = space.ReadVirtual(va - 8, new byte[16]);
        result.BytesRead.Should().Be(kernel.Dump.GetPageState(excludedPfn - 1) == Sdk.Dumps.PageState.Present ? 8 : 0);
        result.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        result.Fault.IsPhysical.Should().BeFalse();
        if (result.BytesRead == 8) result.Fault.Address.Should().Be(va);
        result.Fault.Message.Should().StartWith("page excluded: kernel virtual address: ");
    }
}
