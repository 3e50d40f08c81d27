using System.Collections.Concurrent;
using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The ORC unwind data of a dumped kernel, from its own memory: vmlinux's tables between
/// <c>__start_orc_unwind_ip</c>/<c>__stop_orc_unwind_ip</c> and <c>__start_orc_unwind</c>, the
/// <c>orc_lookup</c> fast table (one index per 256 bytes of core text from _stext, filled by unwind_init at
/// boot), and each module's <c>mod->arch</c> tables. The entry layout is probed from the data.
/// </summary>
public sealed class KernelOrc
{
    // LOOKUP_BLOCK_ORDER: the fast table has one entry per 2^8 bytes of text (unchanged since ORC began).
    private const int LookupBlockShift = 8;

    private readonly IKernelMemory _memory;
    private readonly KernelCode _code;
    private readonly ulong _lookup;
    private readonly uint _lookupBlocks;
    private readonly ulong _vmlinuxStart, _vmlinuxEnd;
    private readonly Dictionary<string, OrcTable> _modules = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ulong, (OrcEntry? Entry, string? Problem)> _cache = new();

    private KernelOrc(IKernel kernel, KernelCode code, OrcTable vmlinux, OrcLayoutProbeResult probe, ulong lookup, uint lookupBlocks, List<string> notes)
    {
        _memory = kernel.Memory;
        _code = code;
        Vmlinux = vmlinux;
        Layout = vmlinux.Layout;
        Evidence = probe.Evidence;
        _lookup = lookup;
        _lookupBlocks = lookupBlocks;
        _vmlinuxStart = kernel.Symbols.TryGetAddress("_text", out var t) ? t : code.TextStart;
        _vmlinuxEnd = kernel.Symbols.TryGetAddress("_end", out var e) ? e : code.TextEnd;
        Notes = notes;
        foreach (var module in code.Modules)
        {
            if (module.Orc is not { Count: > 0 } orc || orc.IpTable == 0 || orc.EntryTable == 0) continue;
            try
            {
                _modules[module.Name] = new OrcTable(kernel.Memory, module.Name, orc.IpTable, orc.EntryTable, orc.Count, Layout);
            }
            catch (InvalidDataException ex)
            {
                notes.Add(ex.Message);
            }
        }
    }

    /// <summary>vmlinux's table.</summary>
    public OrcTable Vmlinux { get; }

    /// <summary>The entry layout found.</summary>
    public OrcLayout Layout { get; }

    /// <summary>What the layout decision rests on.</summary>
    public string Evidence { get; }

    /// <summary>Things worth knowing (a BTF layout that disagrees with the data, a module table refused).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The modules with ORC tables.</summary>
    public IReadOnlyCollection<string> ModulesWithOrc => _modules.Keys;

    /// <summary>
    /// Reads the kernel's ORC tables, or returns null with the reason (a kernel built with frame pointers
    /// has none; a table whose entries decode in no known layout is refused).
    /// </summary>
    public static KernelOrc? TryRead(IKernel kernel, KernelCode code, out string problem)
    {
        var symbols = kernel.Symbols;
        if (!symbols.TryGetAddress("__start_orc_unwind_ip", out var ipStart) || !symbols.TryGetAddress("__stop_orc_unwind_ip", out var ipStop)
            || !symbols.TryGetAddress("__start_orc_unwind", out var entries))
        {
            problem = "the kernel has no ORC tables (__start_orc_unwind_ip not in the symbols: built without CONFIG_UNWINDER_ORC)";
            return null;
        }
        if (ipStop <= ipStart || (ipStop - ipStart) % 4 != 0 || (ipStop - ipStart) / 4 > OrcTable.MaxEntries)
        {
            problem = $"ORC IP table {ipStart:x}-{ipStop:x} has an impossible size";
            return null;
        }
        uint count = (uint)((ipStop - ipStart) / 4);
        if (symbols.TryGetAddress("__stop_orc_unwind", out var entriesStop) && entriesStop - entries != (ulong)count * OrcEntry.Size)
        {
            problem = $"ORC tables disagree: {count} IPs but {(entriesStop - entries) / OrcEntry.Size} entries";
            return null;
        }
        var sample = OrcTable.Sample(kernel.Memory, entries, count);
        var probe = OrcLayoutProbe.Probe(sample);
        if (probe.Layout is not { } layout)
        {
            problem = $"ORC entries at {entries:x} decode in no known layout: {probe.Evidence}";
            return null;
        }
        var notes = new List<string>();
        // struct orc_entry's bit fields cannot tell register numberings apart: compare the bits only
        if (BtfLayout(kernel) is { } declared && declared != (layout == OrcLayout.TypeSignalRenumbered ? OrcLayout.TypeSignal : layout))
            notes.Add($"the type struct orc_entry says {declared} but the entries decode as {layout}; the entries decide");

        ulong lookup = 0;
        uint blocks = 0;
        if (symbols.TryGetAddress("orc_lookup", out var lookupStart) && symbols.TryGetAddress("orc_lookup_end", out var lookupEnd)
            && lookupEnd > lookupStart && (lookupEnd - lookupStart) % 4 == 0 && code.TextStart != 0)
        {
            lookup = lookupStart;
            blocks = (uint)Math.Min((lookupEnd - lookupStart) / 4, uint.MaxValue);
            // unwind_init fills the last slot with the entry covering _etext; zero there means it never ran.
            uint tail = 0;
            try
            {
                tail = kernel.Memory.ReadU32(lookupStart + (blocks - 1) * 4UL, "orc_lookup");
            }
            catch (MemoryFaultException)
            {
                notes.Add("orc_lookup is unreadable; searching the whole table");
            }
            if (tail == 0)
            {
                if (notes.Count == 0 || !notes[^1].StartsWith("orc_lookup", StringComparison.Ordinal))
                    notes.Add("orc_lookup is empty (unwind_init did not run); searching the whole table");
                lookup = 0;
            }
        }
        problem = "";
        return new KernelOrc(kernel, code, new OrcTable(kernel.Memory, "vmlinux", ipStart, entries, count, layout), probe, lookup, blocks, notes);
    }

    /// <summary>
    /// The ORC entry for a code address, or null with the reason: no table covers it (not kernel text), or
    /// the table is unreadable there.
    /// </summary>
    public OrcEntry? Find(ulong ip, out string? problem)
    {
        var (entry, why) = _cache.GetOrAdd(ip, Lookup);
        problem = why;
        return entry;
    }

    private (OrcEntry?, string?) Lookup(ulong ip)
    {
        try
        {
            if (ip >= _vmlinuxStart && ip < _vmlinuxEnd)
            {
                if (_lookup != 0 && ip >= _code.TextStart && ip < _code.TextEnd)
                {
                    ulong index = (ip - _code.TextStart) >> LookupBlockShift;
                    if (index + 1 < _lookupBlocks)
                    {
                        uint start = _memory.ReadU32(_lookup + index * 4, "orc_lookup");
                        uint stop = _memory.ReadU32(_lookup + (index + 1) * 4, "orc_lookup") + 1;
                        if (start < Vmlinux.Count && stop <= Vmlinux.Count && start < stop)
                            return Found(Vmlinux.Find(ip, start, stop), ip, "vmlinux");
                    }
                }
                return Found(Vmlinux.Find(ip), ip, "vmlinux");
            }
            if (_code.ModuleTextAt(ip) is { } module)
                return _modules.TryGetValue(module.Name, out var table)
                    ? Found(table.Find(ip), ip, module.Name)
                    : (null, $"module {module.Name} has no ORC tables");
            return (null, $"{ip:x} is not kernel text");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, $"ORC data for {ip:x} unreadable: {KernelDataErrors.Reason(e)}");
        }
    }

    private static (OrcEntry?, string?) Found(OrcEntry? entry, ulong ip, string table) =>
        entry is null ? (null, $"no ORC entry at or below {ip:x} in {table}") : (entry, null);

    // struct orc_entry's bit fields as the kernel's own types declare them, when the type source has it.
    private static OrcLayout? BtfLayout(IKernel kernel)
    {
        var type = kernel.Types.FindType("struct orc_entry")?.Resolve();
        if (type is null) return null;
        if (type.Members.FirstOrDefault(m => m.Name == "type") is not { } typeField) return null;
        if (typeField.BitSize == 3) return OrcLayout.TypeSignal;
        return type.Members.Any(m => m.Name == "signal") ? OrcLayout.TypeEndSignal : OrcLayout.TypeEnd;
    }
}
