namespace DumpScope.Plugins.Slab.Commands;

/// <summary>crash's <c>kmem ADDR</c>: the slab cache, slab and object holding an address, allocated or free.</summary>
[Shows(typeof(AddressTarget), "{Address}")]
[Command("kmem", Help = "which slab cache, slab and object hold an address, and whether it is allocated (kmem ADDR)",
    Examples = ["kmem ffff89ab01042500  the cache, slab and object holding an address and its state"], SeeAlso = ["kmem -S", "rd", "struct"])]
public sealed class KmemAddressCommand(SlabAnalyzer analyzer) : ICommand
{
    /// <summary>The address.</summary>
    [Argument(0, Name = "ADDR", Required = true, Help = "kernel virtual address (hex)")]
    public string Address { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        ulong address = Arguments.ParseAddress(Address);
        var where = analyzer.Allocator.ObjectInfo(address);
        var result = new CommandResult();
        var record = result.Add(new RecordBlock());
        record.Add("ADDRESS", Cell.Address(address));
        record.Add("PAGE", Cell.Address(where.Page), new NavigationTarget("struct page", $"struct page {where.Page:x}"));
        if (!where.IsSlab)
        {
            record.Add("SLAB", Cell.Bool(false));
            result.Warnings.Add(where.Note!);
            return result;
        }
        record.Add("CACHE", Cell.Address(where.Cache), new NavigationTarget("struct kmem_cache", $"struct kmem_cache {where.Cache:x}"));
        record.Add("NAME", where.CacheName is null ? Cell.Unreadable("name unreadable") : Cell.Text(where.CacheName),
            where.CacheName is null ? null : new NavigationTarget("objects", $"kmem -S {where.CacheName}"));
        record.Add("SLAB MEMORY", Cell.Address(where.SlabMemory));
        record.Add("OBJECT", where.Object is { } o ? Cell.Address(o) : Cell.NotApplicable(CellKind.Address),
            where.Object is { } obj ? new NavigationTarget("rd", $"rd {obj:x} 8") : null);
        if (where.Object is { } start) record.Add("OFFSET", Cell.UInt(address - start));
        record.Add("STATUS", where.State.Allocated is null
            ? Cell.NotAvailable(where.State.Reason ?? where.Note ?? "unknown", CellKind.Enum)
            : Cell.Enum(where.State.Text));
        if (where.Note is not null && where.State.Allocated is not null) result.Warnings.Add(where.Note);
        return result;
    }
}
