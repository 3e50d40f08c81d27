using DumpScope.Host.Types;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>struct</c>: without an address, a struct or union's layout; with one, its member values read
/// from the dump. <c>TYPE.member</c> limits the output to one member path. Reads never go past a runtime size
/// registered for the type (the slab plugin registers the trimmed <c>struct kmem_cache</c>).
/// </summary>
[Shows(typeof(ObjectTarget), "{Type} {Address}")]
[Command("struct", Aliases = ["union"], Help = "Show a struct/union layout, or the member values of one at an address",
    Examples = ["struct task_struct  the layout with offsets", "struct task_struct ffff888003a4c000  member values of one task", "struct task_struct.comm init_task  one member", "struct -o kmem_cache ADDR  values with offsets"], SeeAlso = ["whatis", "rd", "p"])]
public sealed class StructCommand : ICommand
{
    /// <summary>The type: "kmem_cache", "struct kmem_cache", "page.flags".</summary>
    [Argument(0, Name = "TYPE", Required = true, Help = "type name, optionally .member (kmem_cache, \"struct page\", task_struct.comm)")]
    public string TypeName { get; set; } = "";

    /// <summary>The object's address (hex) or a symbol.</summary>
    [Argument(1, Name = "ADDR", Help = "address of an object (hex) or a symbol; without it the layout is shown")]
    public string? Address { get; set; }

    /// <summary>Show offsets and addresses beside values.</summary>
    [Option("-o", "--offsets", Help = "with ADDR: also show each member's offset and address (the layout always shows offsets)")]
    public bool Offsets { get; set; }

    /// <summary>Array elements printed before the rest is summarised.</summary>
    [Option("-n", "--elements", Help = "array elements shown before the rest is summarised (default 16)")]
    public int Elements { get; set; } = 16;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var (type, member) = ParseType(kernel.Types, TypeName);
        if (Elements < 0) throw new UsageException($"-n {Elements}: the element count cannot be negative");
        if (member is not null && !type.Resolve().HasMember(member))
            throw new UsageException($"{type.DisplayName} has no member '{member}'");
        var options = new StructPrintOptions { ArrayElements = Elements, ShowOffsets = Offsets, Member = member };
        if (Address is null) return StructPrinter.Layout(type, options, kernel.RuntimeSizes);
        var address = ParseAddress(kernel, Address);
        ulong size = kernel.RuntimeSizes.TryGet(type.Resolve().DisplayName, out var live) ? live.Size : type.Resolve().Size;
        if (MemoryRange.WhollyUnreadable(kernel.Memory, address, size, physical: false) is { } nothing)
            return CommandResult.Fail($"struct: {nothing.Message}");
        return StructPrinter.Values(kernel, type, address, options, context.Cancellation);
    }

    /// <summary>A type and an optional member path from "struct page.lru.next" or "kmem_cache".</summary>
    internal static (KernelType Type, string? Member) ParseType(ITypeCatalog types, string text)
    {
        // Quotes keep "struct page" one argument; a front end that passes them through must not break the name.
        var trimmed = text.Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).Trim();
        if (trimmed is "struct" or "union" or "enum")
            throw new UsageException($"give the type as one argument: \"{trimmed} NAME\" in quotes, or just NAME");
        string? member = null;
        int dot = trimmed.IndexOf('.');
        if (dot > 0)
        {
            member = trimmed[(dot + 1)..].Trim();
            trimmed = trimmed[..dot].Trim();
        }
        var type = types.TryParse(trimmed) ?? throw new UsageException($"unknown type '{trimmed}' ({types.Source})");
        return (type, member);
    }

    /// <summary>An address: hex with or without 0x, else a symbol name.</summary>
    internal static ulong ParseAddress(IKernel kernel, string text)
    {
        var t = text.Trim();
        var hex = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? t[2..] : t;
        if (ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address)) return address;
        if (kernel.Symbols.TryGetAddress(t, out address)) return address;
        throw new UsageException($"'{text}' is neither a hex address nor a symbol in {kernel.Symbols.Source}");
    }
}
