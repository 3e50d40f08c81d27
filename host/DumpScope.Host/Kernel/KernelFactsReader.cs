using DumpScope.Host.Dumps;

namespace DumpScope.Host.Kernel;

/// <summary>
/// Reads the kernel facts every analysis needs from dump memory, by symbol, with the C type each global
/// has (BTF carries no types for most globals): <c>unsigned int nr_cpu_ids</c>, <c>unsigned int
/// nr_node_ids</c>, <c>struct cpumask __cpu_possible_mask</c> (an array of unsigned long),
/// <c>unsigned long __per_cpu_offset[NR_CPUS]</c>. Each fallback is recorded in the notes.
/// </summary>
internal static class KernelFactsReader
{
    /// <summary>Largest nr_cpu_ids believed (NR_CPUS is at most 8192 on x86-64; headroom for the future).</summary>
    public const uint MaxCpuIds = 1 << 16;

    /// <summary>Largest nr_node_ids believed (MAX_NUMNODES = 1 &lt;&lt; NODES_SHIFT, NODES_SHIFT ≤ 10).</summary>
    public const uint MaxNodeIds = 1 << 10;

    public static KernelFacts Read(IDumpSource dump, IKernelMemory memory, ISymbolTable symbols, ulong kaslrOffset, List<string> notes)
    {
        var info = dump.VmcoreInfo;
        string release = ReadRelease(dump, info, memory, symbols, notes);
        int pageSize = info?.PageSize ?? dump.PageSize;

        uint nrCpuIds = ReadCount(memory, symbols, "nr_cpu_ids", MaxCpuIds, notes) ?? FallbackCpuCount(dump, notes);
        uint nrNodeIds = ReadCount(memory, symbols, "nr_node_ids", MaxNodeIds, notes) ?? FallbackNodeCount(notes);

        var all = CpuMask.FirstN((int)nrCpuIds);
        // The masks are __cpu_*_mask since the 4.5 commit "kernel/cpu.c: change type of cpu_possible_bits and
        // friends", cpu_*_bits before.
        var possible = ReadMask(memory, symbols, nrCpuIds, ["__cpu_possible_mask", "cpu_possible_bits"], "possible", all, notes);
        var online = ReadMask(memory, symbols, nrCpuIds, ["__cpu_online_mask", "cpu_online_bits"], "online", all, notes);
        var present = ReadMask(memory, symbols, nrCpuIds, ["__cpu_present_mask", "cpu_present_bits"], "present", possible, notes);
        if (present.Count == 0)
        {
            notes.Add("cpu present mask: empty; taken as the possible CPUs");
            present = possible;
        }

        ulong[]? perCpu = null;
        MemoryFault? perCpuFault = null;
        if (symbols.TryGetAddress("__per_cpu_offset", out var perCpuAddress))
        {
            var bytes = new byte[nrCpuIds * 8];
            var read = memory.ReadVirtual(perCpuAddress, bytes);
            if (read.Fault is { } fault)
            {
                perCpuFault = fault.WithContext("__per_cpu_offset");
                notes.Add($"__per_cpu_offset unreadable ({perCpuFault.Message}): per-cpu data cannot be located");
            }
            else
            {
                perCpu = new ulong[nrCpuIds];
                for (int i = 0; i < perCpu.Length; i++) perCpu[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
            }
        }
        else
        {
            notes.Add("__per_cpu_offset: symbol missing (uniprocessor kernel?); per-cpu offsets taken as 0");
        }
        return new KernelFacts(release, pageSize, kaslrOffset, nrCpuIds, nrNodeIds, possible, online, present, perCpu, perCpuFault, notes);
    }

    private static string ReadRelease(IDumpSource dump, VmcoreInfo? info, IKernelMemory memory, ISymbolTable symbols, List<string> notes)
    {
        if (info?.OsRelease is { Length: > 0 } release) return release;
        if (dump is IKdumpHeaderInfo { UtsRelease: { Length: > 0 } headerRelease })
        {
            notes.Add("release: no VMCOREINFO OSRELEASE; taken from the kdump header's utsname");
            return headerRelease;
        }
        // "Linux version 6.1.0-56-cloud-amd64 (debian-kernel@…) …": the third word is the release.
        if (symbols.TryGetAddress("linux_banner", out var banner))
        {
            try
            {
                var text = memory.ReadCString(banner, 512, "linux_banner");
                var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 3 && words[0] == "Linux" && words[1] == "version")
                {
                    notes.Add("release: no VMCOREINFO OSRELEASE; taken from linux_banner");
                    return words[2];
                }
                notes.Add($"release: linux_banner does not start with 'Linux version': \"{text[..Math.Min(text.Length, 40)]}\"");
            }
            catch (MemoryFaultException e)
            {
                notes.Add($"release: linux_banner unreadable: {e.Fault.Message}");
            }
        }
        notes.Add("release: unknown (no VMCOREINFO OSRELEASE, no readable linux_banner)");
        return "unknown";
    }

    private static uint? ReadCount(IKernelMemory memory, ISymbolTable symbols, string symbol, uint max, List<string> notes)
    {
        if (!symbols.TryGetAddress(symbol, out var address))
        {
            notes.Add($"{symbol}: symbol missing");
            return null;
        }
        Span<byte> b = stackalloc byte[4];
        var read = memory.ReadVirtual(address, b);
        if (read.Fault is { } fault)
        {
            notes.Add($"{symbol}: unreadable ({fault.WithContext(symbol).Message})");
            return null;
        }
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(b);
        if (value == 0 || value > max)
        {
            notes.Add($"{symbol}: holds {value}, outside 1..{max}; not believed");
            return null;
        }
        return value;
    }

    private static uint FallbackCpuCount(IDumpSource dump, List<string> notes)
    {
        if (dump.Cpus.Count > 0)
        {
            notes.Add($"nr_cpu_ids: taken as {dump.Cpus.Count}, the number of CPU notes (PRSTATUS) in the dump");
            return (uint)dump.Cpus.Count;
        }
        if (dump is IKdumpHeaderInfo { NrCpus: > 0 } header && (uint)header.NrCpus <= MaxCpuIds)
        {
            notes.Add($"nr_cpu_ids: taken as {header.NrCpus}, the kdump header's nr_cpus (the dump has no CPU notes)");
            return (uint)header.NrCpus;
        }
        notes.Add("nr_cpu_ids: the dump has no CPU notes or header CPU count either; assumed 1");
        return 1;
    }

    private static uint FallbackNodeCount(List<string> notes)
    {
        notes.Add("nr_node_ids: assumed 1");
        return 1;
    }

    private static CpuMask ReadMask(IKernelMemory memory, ISymbolTable symbols, uint nrCpuIds, string[] candidates, string what,
        CpuMask fallback, List<string> notes)
    {
        // struct cpumask is DECLARE_BITMAP(bits, NR_CPUS): unsigned longs; only the first nr_cpu_ids bits matter.
        int words = (int)((nrCpuIds + 63) / 64);
        foreach (var symbol in candidates)
        {
            if (!symbols.TryGetAddress(symbol, out var address)) continue;
            var bytes = new byte[words * 8];
            var read = memory.ReadVirtual(address, bytes);
            if (read.Fault is { } fault)
            {
                notes.Add($"cpu {what} mask: {symbol} unreadable ({fault.Message}); assumed CPUs {fallback}");
                return fallback;
            }
            var values = new ulong[words];
            for (int i = 0; i < words; i++) values[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8));
            int extra = (int)(nrCpuIds % 64);
            if (extra != 0) values[^1] &= (1UL << extra) - 1;
            return new CpuMask(values);
        }
        notes.Add($"cpu {what} mask: no {string.Join(" or ", candidates)} symbol; assumed CPUs {fallback}");
        return fallback;
    }
}
