using DumpScope.Host.Types.Btf;
using DumpScope.Host.Arch;
using DumpScope.Host.Arch.Arm64;
using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Dumps;
using DumpScope.Host.Symbols;
using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Host.Kernel;

/// <summary>
/// Composes a <see cref="DumpKernel"/> from a dump: physical memory → the architecture's address space
/// (<see cref="KernelArchitecture"/>: x86-64 or arm64; page tables and KASLR from VMCOREINFO) → symbols (kallsyms decoded from the dump, then a vmlinux .symtab and a System.map
/// when given, each checked against the dump) → direct-map base → types → kernel facts.
/// </summary>
/// <remarks>
/// A dump without VMCOREINFO (a QEMU dump of a guest run without <c>-device vmcoreinfo</c>) says neither the
/// KASLR offset nor where the page tables are. It opens only with a user-supplied offset
/// (<see cref="KernelOpenOptions.KaslrOffset"/>, the "Kernel Offset:" of the panic message) and a System.map or
/// vmlinux; the page tables are then found through a CPU's CR3 from the dump's notes.
/// </remarks>
public static class KernelLoader
{
    private const ulong DefaultDirectMap4Level = 0xffff888000000000UL;
    private const ulong DefaultDirectMap5Level = 0xff11000000000000UL;

    /// <summary>Opens the kernel in <paramref name="dump"/>.</summary>
    /// <exception cref="NotSupportedException">The dump lacks what translation needs (no VMCOREINFO and no user-supplied offset, …).</exception>
    /// <exception cref="UsageException">
    /// A System.map or vmlinux does not match the dump and <see cref="KernelOpenOptions.Force"/> is off (the message
    /// lists what differs), or the options contradict the dump (a KASLR offset other than VMCOREINFO's).
    /// </exception>
    /// <exception cref="InvalidDataException">A symbol file is malformed.</exception>
    public static DumpKernel Open(IDumpSource dump, KernelOpenOptions options)
    {
        ArgumentNullException.ThrowIfNull(dump);
        ArgumentNullException.ThrowIfNull(options);
        var notes = new List<string>();
        var physical = new DumpPhysicalMemory(dump, options.ZeroFillExcluded);
        ulong maxPhysical = dump.MaxPfn * (ulong)dump.PageSize;
        var info = dump.VmcoreInfo;
        var (machine, machineHow) = KernelArchitecture.Detect(dump);
        bool arm64 = machine == KernelArchitecture.Aarch64;

        IKernelAddressSpace? space = null;
        string? arm64How = null;
        ulong kaslr;
        SymbolTable? kallsyms = null;
        string kallsymsOrigin = "not read (the dump has no VMCOREINFO)";
        if (arm64 && info is null)
            throw new NotSupportedException($"{dump.FilePath}: an arm64 dump ({machineHow}) without VMCOREINFO: kimage_voffset, PHYS_OFFSET and swapper_pg_dir are unknown (capture with kdump, or QEMU with -device vmcoreinfo)");
        if (info is not null)
        {
            if (arm64)
            {
                var layout = Arm64KernelLayout.FromVmcoreInfo(physical, info, maxPhysical, dump.FilePath);
                space = layout.Space;
                arm64How = layout.How;
                notes.AddRange(layout.Notes);
            }
            else
            {
                long? headerPhysBase = (dump as IKdumpHeaderInfo)?.PhysBase;
                if (!info.TryGetNumber("phys_base", out _) && headerPhysBase is { } fromHeader)
                    notes.Add($"phys_base: VMCOREINFO has no NUMBER(phys_base); {fromHeader} taken from the kdump sub-header");
                space = X86_64AddressSpace.FromVmcoreInfo(physical, info, maxPhysical, dump.FilePath, headerPhysBase);
            }
            kaslr = KaslrFromVmcoreInfo(info, options, notes);
            var decoded = KallsymsReader.TryRead(space, info, out var problem);
            kallsyms = decoded?.Table;
            kallsymsOrigin = decoded is null ? $"not decoded from the dump: {problem}" : decoded.HowFound;
            if (decoded is null) notes.Add($"kallsyms: not decoded from the dump: {problem}");
            else if (!KallsymsReader.IsAvailable(info))
                notes.Add($"kallsyms: VMCOREINFO names no kallsyms table (a kernel before 6.0); {decoded.Table.Count} symbols found by searching the kernel image (dumpinfo says where)");
        }
        else
        {
            kaslr = options.KaslrOffset ?? throw NoVmcoreInfo(dump, options);
            if (options.SystemMapPath is null && options.VmlinuxPath is null) throw NoVmcoreInfo(dump, options);
        }

        ulong imageStart = arm64 ? SymbolRelocation.Arm64KernelHalf : SymbolRelocation.KernelImageStart;
        var fileSymbols = new List<SymbolTable>();
        if (options.VmlinuxPath is { } vmlinuxPath)
        {
            var elf = ElfSymbolReader.Read(vmlinuxPath, kaslr, imageStart);
            var differences = new List<string>();
            if (elf.BuildId is not null && info?.BuildId is { } dumpBuildId && !string.Equals(elf.BuildId, dumpBuildId, StringComparison.OrdinalIgnoreCase))
                differences.Add($"its build-id is {elf.BuildId} but VMCOREINFO says {dumpBuildId}");
            differences.AddRange(SymbolConsistency.Compare(elf.Table, kallsyms, info, kaslr));
            Accept(vmlinuxPath, differences, options, notes);
            fileSymbols.Add(elf.Table);
        }
        if (options.SystemMapPath is { } mapPath)
        {
            var map = SystemMapReader.Read(mapPath, kaslr, imageStart);
            Accept(mapPath, SymbolConsistency.Compare(map, kallsyms, info, kaslr), options, notes);
            fileSymbols.Add(map);
        }

        var sources = new List<ISymbolTable>();
        if (kallsyms is not null) sources.Add(kallsyms);
        sources.AddRange(fileSymbols);
        if (sources.Count == 0) throw NoSymbols(dump, kallsymsOrigin);
        var symbols = new CompositeSymbolTable(sources);

        if (space is null)
        {
            space = AddressSpaceFromCr3(dump, physical, maxPhysical, symbols, notes);
            notes.Add($"KASLR offset {kaslr:x} supplied by the user (the dump has no VMCOREINFO)");
        }

        IKernelAddressSpace kernelSpace = space;
        foreach (var table in fileSymbols)
            CheckBanner(space, table, info, options, notes);
        if (space is X86_64AddressSpace x86) ConfigureDirectMap(x86, symbols, notes);
        if (space is Arm64AddressSpace arm) ConfigureKernelImage(arm, symbols, notes);

        var types = options.Types ?? options.TypeCatalogFactory?.Invoke(space, symbols) ?? EmptyTypeCatalog.Instance;
        var facts = KernelFactsReader.Read(dump, space, symbols, kaslr, notes);
        // Established on first use: sizeof(struct page) needs the types, which may be parsed lazily.
        var memoryModel = new Lazy<Sdk.Memory.IMemoryModel>(() => kernelSpace switch
        {
            Arm64AddressSpace a => Arm64MemoryModelReader.Read(a, info, symbols, types, facts.PageSize, dump.MaxPfn, Arm64ImagePhysical(a, symbols, info)),
            X86_64AddressSpace x => MemoryModelReader.Read(dump, x, symbols, types, facts.PageSize),
            _ => throw new NotSupportedException($"no memory model for {kernelSpace.Architecture}"),
        });
        var kernel = new DumpKernel(dump, space, symbols, types, facts, memoryModel);
        HostKernelFeatures.Record(kernel, KallsymsFeature(kallsyms, kallsymsOrigin, fileSymbols), KaslrHow(info, options),
            arm64How ?? (info is null ? "the CPU notes' CR4.LA57 (no VMCOREINFO)" : PagingHow(info)));
        if (arm64) kernel.Features.Record(KernelFeatureNames.Architecture, machine, machineHow, "host");
        // Module symbols come from each module's kallsyms in memory, read through the kernel's own types.
        symbols.AttachModules(() => ModuleSymbolTable.Read(kernel));
        // Module types come from each module's split BTF in memory, on top of the kernel's own BTF.
        if (types is BtfTypeCatalog { FirstTypeId: 1 } btf) btf.AttachModules(new ModuleBtfLoader(kernel, btf));
        return kernel;
    }

    private static (string Value, string How) KallsymsFeature(SymbolTable? kallsyms, string origin, List<SymbolTable> files)
    {
        string also = files.Count == 0 ? "" : $"; also {string.Join(", ", files.Select(f => f.Source))}";
        if (kallsyms is null) return ($"not decoded{also}", origin);
        string where = origin.StartsWith("found by searching", StringComparison.Ordinal) ? "found by searching the kernel image" : "named by VMCOREINFO";
        return ($"{kallsyms.Count} symbols, {where}{also}", origin);
    }

    private static string KaslrHow(VmcoreInfo? info, KernelOpenOptions options) =>
        info is { HasKernelOffset: true } ? "VMCOREINFO KERNELOFFSET"
        : options.KaslrOffset is not null ? "given with --kaslr"
        : "VMCOREINFO has no KERNELOFFSET: assumed 0";

    private static string PagingHow(VmcoreInfo info)
    {
        string l5 = info.TryGetNumber("pgtable_l5_enabled", out var levels) ? $"NUMBER(pgtable_l5_enabled)={levels}" : "no NUMBER(pgtable_l5_enabled) (4 levels assumed)";
        string sme = info.TryGetNumber("sme_mask", out var mask) ? $"NUMBER(sme_mask)={mask}" : "no NUMBER(sme_mask)";
        return $"VMCOREINFO {l5}, {sme}";
    }

    // Say what is missing and which file of which package supplies it (Debian/Ubuntu names; RHEL's
    // kernel-debuginfo holds the same vmlinux under /usr/lib/debug/lib/modules/RELEASE/).
    private static NotSupportedException NoSymbols(IDumpSource dump, string kallsymsOrigin)
    {
        var release = dump.VmcoreInfo?.OsRelease ?? (dump as IKdumpHeaderInfo)?.UtsRelease ?? "RELEASE";
        // A truncated file lost the pages: symbol files would not bring them back, so no advice to give them.
        if (dump.Truncation is { } truncation)
            return new NotSupportedException($"{truncation.Message}; the kernel's symbol table (kallsyms) is among the missing pages");
        return new NotSupportedException(
            $"{dump.FilePath}: no kernel symbols: kallsyms {kallsymsOrigin}. Give the symbols of kernel {release}: " +
            $"--system-map System.map-{release} (the machine's /boot/System.map-{release}, or the kernel's -dbg/debuginfo package) " +
            $"or --vmlinux vmlinux-{release} (/usr/lib/debug/boot/vmlinux-{release} from linux-image-{release}-dbg)");
    }

    private static ulong KaslrFromVmcoreInfo(VmcoreInfo info, KernelOpenOptions options, List<string> notes)
    {
        if (info.HasKernelOffset)
        {
            if (options.KaslrOffset is { } given && given != info.KernelOffset)
                throw new UsageException($"the KASLR offset given ({given:x}) differs from the dump's VMCOREINFO KERNELOFFSET ({info.KernelOffset:x})");
            return info.KernelOffset;
        }
        if (options.KaslrOffset is { } user)
        {
            notes.Add($"KASLR offset {user:x} supplied by the user (VMCOREINFO has no KERNELOFFSET)");
            return user;
        }
        notes.Add("KASLR offset: VMCOREINFO has no KERNELOFFSET; assumed 0 (a kernel without KASLR)");
        return 0;
    }

    private static NotSupportedException NoVmcoreInfo(IDumpSource dump, KernelOpenOptions options)
    {
        var missing = new List<string>();
        if (options.KaslrOffset is null)
            missing.Add("the KASLR offset (--kaslr OFFSET: the panic message prints it as \"Kernel Offset: 0x… from 0xffffffff81000000\"; 0 for a kernel without KASLR)");
        if (options.SystemMapPath is null && options.VmlinuxPath is null)
            missing.Add("a System.map or vmlinux of the same kernel (--system-map / --vmlinux)");
        return new NotSupportedException(
            $"{dump.FilePath}: the dump has no VMCOREINFO note, so the kernel's KASLR offset and page tables are unknown; give {string.Join(" and ", missing)}");
    }

    private static void Accept(string path, List<string> differences, KernelOpenOptions options, List<string> notes)
    {
        if (differences.Count == 0) return;
        // A file of another kernel is the user's mistake: a usage error, printed without a stack trace.
        if (!options.Force)
            throw new UsageException($"{path} does not match the dump: {string.Join("; ", differences)}. Use --force to load it anyway.");
        notes.Add($"{path} does not match the dump but was forced: {string.Join("; ", differences)}");
    }

    // Without VMCOREINFO: try each CPU's CR3 (and the kernel half of a PTI user CR3) until the kernel image
    // translates, derive phys_base from where _stext landed, then use the kernel's own init_top_pgt.
    private static X86_64AddressSpace AddressSpaceFromCr3(IDumpSource dump, IPhysicalMemory physical, ulong maxPhysical, ISymbolTable symbols, List<string> notes)
    {
        if (!symbols.TryGetAddress("_stext", out var stext) && !symbols.TryGetAddress("_text", out stext))
            throw new NotSupportedException($"{dump.FilePath}: no VMCOREINFO, and the symbol files lack _stext/_text to locate the kernel image");
        var roots = new List<(ulong Root, bool FiveLevel)>();
        foreach (var cpu in dump.Cpus)
        {
            if (!cpu.Registers.TryGetValue("cr3", out var cr3) || cr3 == 0) continue;
            bool fiveLevel = cpu.Registers.TryGetValue("cr4", out var cr4) && (cr4 & (1UL << 12)) != 0; // CR4.LA57
            ulong root = cr3 & PageTableFlags.AddressMask4K;
            roots.Add((root, fiveLevel));
            roots.Add((root & ~0x1000UL, fiveLevel)); // PTI: the user PGD is the kernel PGD + 4 KiB
        }
        if (roots.Count == 0)
            throw new NotSupportedException($"{dump.FilePath}: the dump has no VMCOREINFO and its CPU notes carry no CR3, so the page tables cannot be found");
        foreach (var (root, fiveLevel) in roots.Distinct())
        {
            var probe = new X86_64AddressSpace(physical, new X86_64AddressSpaceOptions
            {
                PageTableRoot = root, FiveLevelPaging = fiveLevel, MaxPhysicalAddress = maxPhysical, UseFastPaths = false, TranslationCacheEntries = 0,
            });
            var walk = probe.Walk(stext);
            if (!walk.Success) continue;
            long physBase = (long)(walk.PhysicalAddress - (stext - X86_64AddressSpaceOptions.StartKernelMap));
            ulong kernelRoot = root;
            if (symbols.TryGetAddress("init_top_pgt", out var top) || symbols.TryGetAddress("swapper_pg_dir", out top))
                kernelRoot = X86_64AddressSpace.KernelImageToPhysical(top, physBase);
            notes.Add($"page tables: from CR3 {root:x} (no VMCOREINFO); phys_base {physBase} derived from where _stext maps");
            return new X86_64AddressSpace(physical, new X86_64AddressSpaceOptions
            {
                PageTableRoot = kernelRoot, PhysBase = physBase, FiveLevelPaging = fiveLevel, MaxPhysicalAddress = maxPhysical,
                KernelImageSize = 1UL << 30,
            });
        }
        throw new NotSupportedException(
            $"{dump.FilePath}: no VMCOREINFO, and _stext ({stext:x}) does not translate through any CPU's CR3: is the KASLR offset right?");
    }

    // A symbol file must place linux_banner on "Linux version <release>" in this dump: a cheap, direct test
    // that the file and the KASLR offset fit the memory actually dumped.
    private static void CheckBanner(IKernelMemory space, SymbolTable table, VmcoreInfo? info, KernelOpenOptions options, List<string> notes)
    {
        if (!table.TryGetAddress("linux_banner", out var banner)) return;
        string? problem = null;
        try
        {
            var text = space.ReadCString(banner, 256, "linux_banner");
            if (!text.StartsWith("Linux version ", StringComparison.Ordinal))
                problem = $"linux_banner at {banner:x} reads \"{Printable(text)}\", not \"Linux version …\"";
            else if (info?.OsRelease is { } release && !text.Contains(release, StringComparison.Ordinal))
                problem = $"linux_banner reads \"{Printable(text)}\", which does not name release {release}";
        }
        catch (MemoryFaultException e) when (e.Fault.Kind == Sdk.Memory.MemoryFaultKind.Truncated)
        {
            // Missing from a truncated file says nothing about whether the symbol file matches.
            notes.Add($"{table.Source}: linux_banner at {banner:x} is in the missing part of the truncated dump, so it was not compared");
        }
        catch (MemoryFaultException e)
        {
            problem = $"linux_banner at {banner:x} is unreadable ({e.Fault.Message})";
        }
        if (problem is not null) Accept(table.Source, [problem], options, notes);
    }

    private static string Printable(string text)
    {
        var shown = text.Length > 48 ? text[..48] + "…" : text;
        return new string(shown.Select(c => c is >= ' ' and < '\x7f' ? c : '.').ToArray());
    }

    // arm64: the kernel image [_text, _end) translates as virtual − kimage_voffset (__kimg_to_phys) once the page
    // tables agree at _stext (the head before it, _text to _stext, need not be mapped).
    private static void ConfigureKernelImage(Arm64AddressSpace space, ISymbolTable symbols, List<string> notes)
    {
        if (!symbols.TryGetAddress("_text", out var text) || !symbols.TryGetAddress("_end", out var end) || end <= text)
        {
            notes.Add("arm64 kernel image: _text/_end unknown; kernel-image addresses go through the page tables");
            return;
        }
        ulong probe = symbols.TryGetAddress("_stext", out var stext) && stext > text && stext < end ? stext : text;
        var walk = space.Walk(probe);
        ulong expected = unchecked(probe - space.Options.KimageVoffset);
        if (!walk.Success || walk.PhysicalAddress != expected)
        {
            notes.Add($"arm64 kernel image: {probe:x} does not map to {expected:x} (virtual − kimage_voffset) ({walk.Fault?.Message ?? $"maps to {walk.PhysicalAddress:x}"}); kernel-image addresses go through the page tables");
            return;
        }
        space.ConfigureKernelImage(text, end);
    }

    private static ulong Arm64ImagePhysical(Arm64AddressSpace space, ISymbolTable symbols, VmcoreInfo? info)
    {
        ulong stext = symbols.TryGetAddress("_stext", out var s) ? s : info?.TryGetSymbol("_stext", out s) == true ? s : 0;
        return stext == 0 ? space.Options.PhysOffset : unchecked(stext - space.Options.KimageVoffset);
    }

    private static void ConfigureDirectMap(X86_64AddressSpace space, ISymbolTable symbols, List<string> notes)
    {
        ulong candidate;
        if (symbols.TryGetAddress("page_offset_base", out var variable))
        {
            if (!space.TryReadU64(variable, out candidate, out var fault))
            {
                notes.Add($"direct map: page_offset_base unreadable ({fault!.Message}); direct-map addresses go through the page tables");
                return;
            }
        }
        else
        {
            candidate = space.Options.FiveLevelPaging ? DefaultDirectMap5Level : DefaultDirectMap4Level;
            notes.Add($"direct map: no page_offset_base symbol; trying the default base {candidate:x}");
        }
        // Check the base against the page tables before trusting arithmetic with it: the kernel image's
        // own physical pages must be mapped at base + physical.
        ulong probePhysical = X86_64AddressSpace.KernelImageToPhysical(
            symbols.TryGetAddress("_stext", out var stext) ? stext : X86_64AddressSpaceOptions.StartKernelMap + (16UL << 20), space.Options.PhysBase);
        var walk = space.Walk(candidate + probePhysical);
        if (!walk.Success || walk.PhysicalAddress != probePhysical)
        {
            notes.Add($"direct map: base {candidate:x} not confirmed by the page tables ({walk.Fault?.Message ?? $"maps to {walk.PhysicalAddress:x}"}); direct-map addresses go through the page tables");
            return;
        }
        // The kernel's max_pfn bounds RAM better than the dump (a QEMU dump also holds device memory).
        ulong? size = null;
        if (symbols.TryGetAddress("max_pfn", out var maxPfnAddress) && space.TryReadU64(maxPfnAddress, out var maxPfn, out _)
            && maxPfn > 0 && (space.Options.MaxPhysicalAddress == 0 || maxPfn * 4096 <= space.Options.MaxPhysicalAddress))
            size = maxPfn * 4096;
        else
            notes.Add("direct map: max_pfn unreadable; the arithmetic covers all physical memory the dump describes");
        try
        {
            space.ConfigureDirectMap(candidate, size);
        }
        catch (InvalidDataException e)
        {
            notes.Add($"direct map: {e.Message}; direct-map addresses go through the page tables");
        }
    }
}
