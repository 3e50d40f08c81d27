using DumpScope.Sdk.Linux.Time;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>mach</c>: machine facts — type, memory size (the e820 RAM ranges), CPUs, processor speed
/// (<c>cpu_khz</c>), HZ (from <c>tick_nsec</c>), page size, the kernel's address-space bases, stack sizes and each
/// CPU's IRQ and exception stacks. <c>-m</c>: the e820 memory map. <c>-c</c>: each CPU's <c>cpuinfo_x86</c> (vendor,
/// model, family, stepping, cache, flags named from the kernel's own <c>x86_cap_flags</c>).
/// </summary>
[Command("mach", Help = "machine facts: type, memory, CPUs, speed, HZ, page size, address-space bases, stacks (mach [-m|-c])",
    Examples = ["mach  machine facts and per-CPU stacks", "mach -m  the e820 memory map", "mach -c  each CPU's cpuinfo_x86"], SeeAlso = ["sys", "irq"])]
public sealed class MachCommand : ICommand
{
    /// <summary>Memory map.</summary>
    [Option("-m", Help = "the e820 physical memory map")]
    public bool MemoryMap { get; set; }

    /// <summary>CPU data.</summary>
    [Option("-c", Help = "each CPU's cpuinfo_x86 (per-cpu cpu_info)")]
    public bool CpuInfo { get; set; }

    // __START_KERNEL_map and MODULES_VADDR (arch/x86/include/asm/page_64_types.h, pgtable_64_types.h): constants of
    // the x86-64 layout, not variables in the kernel.
    private const ulong StartKernelMap = 0xffffffff80000000;
    private const ulong ModulesVaddr = 0xffffffffc0000000;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if (MemoryMap && CpuInfo) throw new UsageException("mach: -m and -c exclude each other");
        if (MemoryMap) return E820(kernel);
        if (CpuInfo) return Cpus(kernel);
        return Facts(kernel);
    }

    private static IReadOnlyList<(ulong Start, ulong End, string Type)> E820Ranges(IKernel kernel, out string? problem)
    {
        problem = null;
        var ranges = new List<(ulong, ulong, string)>();
        if (!kernel.Symbols.TryGetAddress("e820_table", out var pointer))
        {
            problem = $"e820_table is not in {kernel.Symbols.Source}";
            return ranges;
        }
        try
        {
            var table = kernel.Object("struct e820_table", kernel.Memory.ReadU64(pointer, "e820_table"));
            ulong count = table["nr_entries"].ReadUnsigned();
            var entries = table["entries"];
            ulong max = entries.Type.Resolve().ArrayLength;
            if (count > max) { problem = $"e820_table nr_entries {count} exceeds {max}"; count = max; }
            for (ulong i = 0; i < count; i++)
            {
                var entry = entries.Index(i);
                ulong addr = entry["addr"].ReadUnsigned(), size = entry["size"].ReadUnsigned();
                string type = entry["type"].EnumName() ?? $"type {entry["type"].ReadUnsigned()}";
                // crash names the types without "_TYPE" (E820_RAM), as the kernel spelled them before enum e820_type.
                ranges.Add((addr, addr + size, type.ToUpperInvariant().Replace("E820_TYPE_", "E820_", StringComparison.Ordinal)));
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = $"e820_table: {KernelDataErrors.Reason(e)}";
        }
        return ranges;
    }

    private static CommandResult E820(IKernel kernel)
    {
        var ranges = E820Ranges(kernel, out var problem);
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("START", CellKind.Address), new Column("END", CellKind.Address), new Column("TYPE", CellKind.Enum)) { TextFromRows = true });
        bool first = true;
        foreach (var (start, end, type) in ranges)
        {
            var row = table.AddRow(Cell.Address(start), Cell.Address(end), Cell.Enum(type));
            row.Text = $"{(first ? "      PHYSICAL ADDRESS RANGE         TYPE\n" : "")}{start:x16} - {end:x16}  {type}";
            first = false;
        }
        if (problem is not null) result.Warnings.Add($"mach -m: {problem}");
        return result;
    }

    private static CommandResult Facts(IKernel kernel)
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock());
        record.Add("MACHINE TYPE", Cell.Text(kernel.Architecture));
        bool x86 = kernel.Architecture == "x86_64";
        string? problem = null;
        ulong ram = 0;
        bool known;
        if (x86)
        {
            var ranges = E820Ranges(kernel, out problem);
            foreach (var (start, end, type) in ranges)
                if (type.EndsWith("RAM", StringComparison.Ordinal) && !type.Contains("RESERVED", StringComparison.Ordinal)) ram += end - start;
            known = ranges.Count > 0;
        }
        else known = MemblockMemory(kernel, out ram, out problem); // no e820 elsewhere: memblock.memory, which arm64 keeps after boot
        record.Add("MEMORY SIZE", "memory_bytes", known
            ? Cell.Size(ram).Displayed(ram >= 1UL << 30 ? $"{ram / (double)(1UL << 30):0.#} GB" : $"{ram / (double)(1UL << 20):0.#} MB")
            : Cell.Unreadable(problem ?? "no e820 table", CellKind.Size));
        record.Add("CPUS", Cell.Int(kernel.OnlineCpus.Count));
        record.Add("PROCESSOR SPEED", "processor_mhz", KernelGlobals.TryReadInteger(kernel, "cpu_khz", "unsigned int", out var khz, out var why)
            ? Cell.Int(khz / 1000).Displayed($"{khz / 1000} Mhz") : Cell.Unreadable(why, CellKind.Integer));
        // HZ is a build constant: tick_nsec gives it back, or jiffies against the timekeeper on kernels without it.
        record.Add("HZ", Timekeeping.Hz(kernel, out _, out var hzWhy) is { } hz
            ? Cell.Int(hz) : Cell.Unreadable(hzWhy ?? "HZ unknown", CellKind.Integer));
        record.Add("PAGE SIZE", Cell.Int(kernel.PageSize));
        // The direct-map and struct page bases are the host's memory model (checked against the dump at open).
        // The direct map's first address: PAGE_OFFSET (x86-64's page_offset_base maps physical 0; arm64's linear map
        // starts at PHYS_OFFSET, the first frame of RAM).
        record.Add("KERNEL VIRTUAL BASE", Cell.Address(kernel.MemoryModel.DirectMapBase + kernel.MemoryModel.MinPfn * (ulong)kernel.PageSize));
        if (x86) Base(kernel, record, "KERNEL VMALLOC BASE", "vmalloc_base");
        else FromVmcoreInfo(kernel, record, "KERNEL VMALLOC BASE", "VMALLOC_START");
        record.Add("KERNEL VMEMMAP BASE", Cell.Address(kernel.MemoryModel.VmemmapBase));
        if (x86)
        {
            record.Add("KERNEL START MAP", Cell.Address(StartKernelMap));
            record.Add("KERNEL MODULES BASE", Cell.Address(ModulesVaddr));
        }
        else
        {
            // arm64's kernel image and module areas move with KASLR; VMCOREINFO gives the module area, kallsyms the image.
            record.Add("KERNEL IMAGE BASE", kernel.Symbols.TryGetAddress("_text", out var text)
                ? Cell.Address(text) : Cell.Unreadable($"_text is not in {kernel.Symbols.Source}", CellKind.Address));
            FromVmcoreInfo(kernel, record, "KERNEL MODULES BASE", "MODULES_VADDR");
        }
        var stacks = new KernelStackAreas(kernel);
        record.Add("KERNEL STACK SIZE", Cell.Int((long)stacks.StackSize));
        var byName = new SortedDictionary<int, (string Name, ulong Size, List<(int Cpu, ulong Start)> Cpus)>();
        var order = new List<string>();
        // The present CPUs, as crash lists them: a possible CPU that never came up has no IRQ stack, and its
        // cpu_entry_area stacks (mapped for every possible CPU) were never run on.
        foreach (int cpu in kernel.ForEachPresentCpu())
        {
            var (areas, problems) = stacks.CpuStacks(cpu);
            foreach (var p in problems) result.Warnings.Add($"mach: {p}");
            foreach (var area in areas)
            {
                string name = area.Name.Replace(" exception stack", "", StringComparison.Ordinal).Replace(" stack", "", StringComparison.Ordinal);
                if (!order.Contains(name)) order.Add(name);
                int key = order.IndexOf(name);
                if (!byName.TryGetValue(key, out var entry)) byName[key] = entry = (name, area.End - area.Start, []);
                entry.Cpus.Add((cpu, area.Start));
            }
        }
        foreach (var (name, size, cpus) in byName.Values)
        {
            record.Add($"{name} STACK SIZE", $"{name.ToLowerInvariant()}_stack_size", Cell.Int((long)size));
            record.Add($"{name} STACKS", $"{name.ToLowerInvariant()}_stacks", Cell.Text("").Displayed(""));
            foreach (var (cpu, start) in cpus)
            {
                // A stack the kernel never mapped (the #VC stacks without SEV-ES: cea_map_stack runs only then)
                // is marked, as crash marks it; its address is still where the layout puts it.
                var mapped = kernel.Memory.Translate(start + size - 8);
                record.Add($"CPU {cpu}", $"{name.ToLowerInvariant()}_stack_cpu{cpu}", mapped.Success
                    ? Cell.Address(start) : Cell.Address(start).Displayed($"{start:x16} [unavailable]"));
            }
        }
        if (problem is not null) result.Warnings.Add($"mach: {problem}");
        return result;
    }

    private static void FromVmcoreInfo(IKernel kernel, RecordBlock record, string label, string number)
    {
        if (kernel.VmcoreInfo is { } info && info.TryGetNumber(number, out var value)) record.Add(label, Cell.Address((ulong)value));
        else record.Add(label, Cell.Unreadable($"VMCOREINFO has no NUMBER({number})", CellKind.Address));
    }

    // The RAM memblock registered at boot: memblock.memory's regions (cnt of them), bounded by its own max.
    private static bool MemblockMemory(IKernel kernel, out ulong bytes, out string? problem)
    {
        bytes = 0;
        problem = null;
        if (!kernel.Symbols.TryGetAddress("memblock", out var memblock))
        {
            problem = $"neither e820_table nor memblock is in {kernel.Symbols.Source}";
            return false;
        }
        try
        {
            var memory = kernel.Object("struct memblock", memblock)["memory"];
            ulong count = memory["cnt"].ReadUnsigned(), max = memory["max"].ReadUnsigned();
            if (count == 0 || count > max || max > 1 << 20)
            {
                problem = $"memblock.memory: cnt {count} of max {max} is not a region count";
                return false;
            }
            ulong regions = memory["regions"].ReadPointer();
            var regionType = kernel.Types.Require("struct memblock_region");
            for (ulong i = 0; i < count; i++)
                bytes += new KernelObject(kernel, regionType, regions + i * regionType.Size)["size"].ReadUnsigned();
            return true;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = $"memblock.memory: {KernelDataErrors.Reason(e)}";
            return false;
        }
    }

    private static void Base(IKernel kernel, RecordBlock record, string label, string symbol)
    {
        if (kernel.Symbols.TryGetAddress(symbol, out var at) && kernel.Memory.TryReadU64(at, out var value, out _))
            record.Add(label, Cell.Address(value));
        else
            record.Add(label, Cell.Unreadable(kernel.Symbols.TryGetAddress(symbol, out _) ? $"{symbol}: unreadable" : $"{symbol} is not in {kernel.Symbols.Source}", CellKind.Address));
    }

    private static CommandResult Cpus(IKernel kernel)
    {
        var result = new CommandResult();
        if (!kernel.Symbols.TryGetAddress("cpu_info", out var cpuInfo) || kernel.Types.FindType("struct cpuinfo_x86") is null)
            return CommandResult.Fail($"mach -c: no per-cpu cpu_info (struct cpuinfo_x86) in this kernel");
        var flags = CapabilityNames(kernel);
        foreach (int cpu in kernel.ForEachPresentCpu())
        {
            var record = result.Add(new RecordBlock { Title = $"CPU {cpu}:" });
            try
            {
                var info = kernel.PerCpu("cpu_info", "struct cpuinfo_x86", cpu);
                record.Add("vendor_id", Cell.Text(info["x86_vendor_id"].ReadString(16)));
                record.Add("model name", "model_name", Cell.Text(info["x86_model_id"].ReadString(64)));
                record.Add("cpu family", "family", Cell.Int((long)info["x86"].ReadUnsigned()));
                record.Add("model", Cell.Int((long)info["x86_model"].ReadUnsigned()));
                record.Add("stepping", Cell.Int((long)info["x86_stepping"].ReadUnsigned()));
                record.Add("cpuid level", "cpuid_level", Cell.Int(info["cpuid_level"].ReadSigned()));
                record.Add("cache size", "cache_size_kib", Cell.Int(info["x86_cache_size"].ReadSigned()).Displayed($"{info["x86_cache_size"].ReadSigned()} KB"));
                record.Add("address sizes", "address_sizes", Cell.Text($"{info["x86_phys_bits"].ReadUnsigned()} bits physical, {info["x86_virt_bits"].ReadUnsigned()} bits virtual"));
                record.Add("apicid", Cell.Int((long)info["apicid"].ReadUnsigned()));
                record.Add("loops_per_jiffy", Cell.Int((long)info["loops_per_jiffy"].ReadUnsigned()));
                var caps = info["x86_capability"];
                ulong words = caps.Type.Resolve().ArrayLength;
                var set = new List<string>();
                for (ulong w = 0; w < words; w++)
                {
                    uint word = (uint)caps.Index(w).ReadUnsigned();
                    for (int bit = 0; bit < 32; bit++)
                        if ((word & (1u << bit)) != 0)
                        {
                            int index = (int)w * 32 + bit;
                            // Unnamed bits (NULL in x86_cap_flags) are left out, as /proc/cpuinfo leaves them out.
                            if (index < flags.Count && flags[index] is { Length: > 0 } name) set.Add(name);
                        }
                }
                record.Add("flags", Cell.Text(string.Join(' ', set)));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                record.Add("error", Cell.Unreadable(KernelDataErrors.Reason(e)));
            }
        }
        return result;
    }

    /// <summary>The kernel's own feature names (x86_cap_flags[NCAPINTS * 32], NULL for unnamed bits), as /proc/cpuinfo prints them.</summary>
    private static IReadOnlyList<string?> CapabilityNames(IKernel kernel)
    {
        var names = new List<string?>();
        if (!kernel.Symbols.TryGetAddress("x86_cap_flags", out var table)) return names;
        ulong words = kernel.Types.FindType("struct cpuinfo_x86")?.Resolve().FindMember("x86_capability").Type.Resolve().ArrayLength ?? 0;
        for (ulong i = 0; i < words * 32; i++)
        {
            if (!kernel.Memory.TryReadU64(table + i * 8, out var ptr, out _)) { names.Add(null); continue; }
            try { names.Add(ptr == 0 ? null : kernel.Memory.ReadCString(ptr, 32, "x86_cap_flags")); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { names.Add(null); }
        }
        return names;
    }
}
