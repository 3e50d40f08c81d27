namespace DumpScope.Sdk.Memory;

/// <summary>Why a read of kernel memory did not return data.</summary>
public enum MemoryFaultKind
{
    /// <summary>The page exists in RAM but the dump tool left it out (makedumpfile's dump level).</summary>
    Excluded,
    /// <summary>The physical address is not described by the dump at all.</summary>
    NotInDump,
    /// <summary>The virtual address has no translation in the kernel page tables.</summary>
    NotMapped,
    /// <summary>The dump file ends before the page's data.</summary>
    Truncated,
    /// <summary>The address is not canonical for the architecture.</summary>
    NonCanonical,
    /// <summary>The dump's data for the page is damaged (does not decompress, wrong size).</summary>
    Corrupt,
}

/// <summary>
/// A precise account of a failed read: which address, which kind of failure, and optionally what the
/// reader was trying to read (the "type" in crash's <c>page excluded: kernel virtual address: … type: "…"</c>).
/// </summary>
/// <param name="Address">The first address that could not be read.</param>
/// <param name="Kind">Why it could not be read.</param>
/// <param name="IsPhysical">True when <paramref name="Address"/> is physical, false when kernel virtual.</param>
/// <param name="Context">What was being read, e.g. "kmem_cache"; null when unknown.</param>
/// <param name="Detail">Extra detail from the layer that failed (file offset, page-table level…).</param>
public sealed record MemoryFault(ulong Address, MemoryFaultKind Kind, bool IsPhysical, string? Context = null, string? Detail = null)
{
    /// <summary>The same fault, saying what was being read.</summary>
    public MemoryFault WithContext(string context) => this with { Context = context };

    /// <summary>Short words for the kind, as crash prints them.</summary>
    public static string Describe(MemoryFaultKind kind) => kind switch
    {
        MemoryFaultKind.Excluded => "page excluded",
        MemoryFaultKind.NotInDump => "not in dump",
        MemoryFaultKind.NotMapped => "not mapped",
        MemoryFaultKind.Truncated => "dump truncated",
        MemoryFaultKind.NonCanonical => "non-canonical address",
        MemoryFaultKind.Corrupt => "corrupt page data",
        _ => kind.ToString(),
    };

    /// <summary>A one-line message like crash's: <c>page excluded: kernel virtual address: ffff8801263d6000 type: "kmem_cache"</c>.</summary>
    public string Message
    {
        get
        {
            var text = $"{Describe(Kind)}: {(IsPhysical ? "physical" : "kernel virtual")} address: {Address:x}";
            if (Context is not null) text += $" type: \"{Context}\"";
            if (Detail is not null) text += $" ({Detail})";
            return text;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>The outcome of a read: how many bytes were read before the first fault, and that fault if any.</summary>
/// <param name="BytesRead">Bytes copied into the destination, from its start.</param>
/// <param name="Fault">The fault that stopped the read, or null when the read completed.</param>
public readonly record struct ReadResult(int BytesRead, MemoryFault? Fault)
{
    /// <summary>True when every requested byte was read.</summary>
    public bool IsComplete => Fault is null;

    /// <summary>A completed read of <paramref name="count"/> bytes.</summary>
    public static ReadResult Complete(int count) => new(count, null);
}

/// <summary>Thrown by the convenience readers when memory cannot be read; carries the precise fault.</summary>
public sealed class MemoryFaultException : Exception
{
    /// <summary>Creates the exception for a fault.</summary>
    public MemoryFaultException(MemoryFault fault) : base(fault.Message) => Fault = fault;

    /// <summary>The fault that stopped the read.</summary>
    public MemoryFault Fault { get; }
}
