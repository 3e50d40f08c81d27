using DumpScope.Host.Expressions;
using DumpScope.Host.Types;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>struct</c> and <c>union</c>: without an address, a type's layout; with one, its member values
/// read from the dump. <c>TYPE.a,b.c</c> limits the output to those member paths (crash's member list);
/// COUNT prints that many consecutive objects; <c>-l OFFSET|TYPE.member</c> says ADDR points at a member
/// (a list_head, usually) so the object starts that far before it. ADDR is an expression
/// (<see cref="ExpressionEvaluator"/> in address mode: <c>init_task+0x10</c>, <c>runqueues:1</c>,
/// <c>ffff…</c>). Reads never go past a runtime size registered for the type (the slab plugin registers the
/// trimmed <c>struct kmem_cache</c>). A bare struct name is this command too (<c>task_struct ADDR</c>).
/// </summary>
[Shows(typeof(ObjectTarget), "{Type} {Address}")]
[Command("struct", Aliases = ["union"], Help = "Show a struct/union layout, or the member values of one at an address",
    Examples = ["struct task_struct  the layout with offsets", "struct task_struct ffff888003a4c000  member values of one task", "struct task_struct.comm,pid init_task  some members",
        "struct -o kmem_cache ADDR  values with offsets", "struct task_struct -l task_struct.tasks ADDR  ADDR is a task's tasks list_head", "task_struct ADDR 2  two tasks (a bare type name is struct)"],
    SeeAlso = ["whatis", "rd", "p"])]
public sealed class StructCommand : ICommand
{
    /// <summary>The type: "kmem_cache", "struct kmem_cache", "page.flags", "task_struct.comm,pid".</summary>
    [Argument(0, Name = "TYPE", Required = true, Help = "type name, optionally .member or .m1,m2 (kmem_cache, \"struct page\", task_struct.comm,pid)")]
    public string TypeName { get; set; } = "";

    /// <summary>The object's address: an expression.</summary>
    [Argument(1, Name = "ADDR", Help = "address of an object: hex, a symbol, or an expression (init_task+0x10, runqueues:1); without it the layout is shown")]
    public string? Address { get; set; }

    /// <summary>Objects to print, one after the other.</summary>
    [Argument(2, Name = "COUNT", Help = "number of consecutive objects (default 1)")]
    public int Count { get; set; } = 1;

    /// <summary>Show offsets and addresses beside values.</summary>
    [Option("-o", "--offsets", Help = "with ADDR: also show each member's offset and address (the layout always shows offsets)")]
    public bool Offsets { get; set; }

    /// <summary>ADDR is the address of this member (an offset, or TYPE.member) inside the object.</summary>
    [Option("-l", "--list-member", Help = "ADDR points at this member of the object (OFFSET, or TYPE.member such as task_struct.tasks): the object starts before it")]
    public string? ListMember { get; set; }

    /// <summary>Array elements printed before the rest is summarised.</summary>
    [Option("-n", "--elements", Help = "array elements shown before the rest is summarised (default 16)")]
    public int Elements { get; set; } = 16;

    /// <summary>Most objects one command prints.</summary>
    public const int MaxCount = 10_000;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        bool union = context.CommandLine.TrimStart().StartsWith("union", StringComparison.Ordinal);
        var (type, members) = ParseTypeAndMembers(kernel.Types, TypeName, union);
        if (Elements < 0) throw new UsageException($"-n {Elements}: the element count cannot be negative");
        if (Count < 1 || Count > MaxCount) throw new UsageException($"COUNT must be 1..{MaxCount}, not {Count}");
        foreach (var member in members)
            if (!type.Resolve().HasMember(member)) throw new UsageException($"{type.DisplayName} has no member '{member}'");
        var options = new StructPrintOptions { ArrayElements = Elements, ShowOffsets = Offsets };
        if (Address is null)
        {
            if (ListMember is not null) throw new UsageException("-l needs ADDR (the address of the member)");
            if (members.Count <= 1) return StructPrinter.Layout(type, options with { Member = members.FirstOrDefault() }, kernel.RuntimeSizes);
            var layout = StructPrinter.Layout(type, options with { Member = members[0] }, kernel.RuntimeSizes);
            foreach (var member in members.Skip(1)) AppendRows(layout, StructPrinter.Layout(type, options with { Member = member }, kernel.RuntimeSizes));
            return layout;
        }

        var address = ExpressionEvaluator.EvaluateAddress(kernel, Address);
        if (ListMember is { } listMember) address = unchecked(address - MemberOffset(kernel.Types, type, listMember));
        ulong size = kernel.RuntimeSizes.TryGet(type.Resolve().DisplayName, out var live) ? live.Size : type.Resolve().Size;
        if (MemoryRange.WhollyUnreadable(kernel.Memory, address, size, physical: false) is { } nothing)
            return CommandResult.Fail($"struct: {nothing.Message}");

        CommandResult? result = null;
        for (int i = 0; i < Count; i++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ulong at = unchecked(address + (ulong)i * type.Size);
            foreach (var member in members.Count == 0 ? [null] : members.Cast<string?>())
            {
                var one = StructPrinter.Values(kernel, type, at, options with { Member = member }, context.Cancellation);
                if (one.Failed) return one;
                if (result is null) result = one;
                else if (member != members.FirstOrDefault()) AppendRows(result, one);
                else
                {
                    result.Blocks.AddRange(one.Blocks);
                    result.Warnings.AddRange(one.Warnings);
                }
            }
        }
        return result!;
    }

    /// <summary>Adds the rows of <paramref name="more"/>'s last table to <paramref name="into"/>'s last table (one table for a member list).</summary>
    private static void AppendRows(CommandResult into, CommandResult more)
    {
        var target = into.Blocks.OfType<TableBlock>().LastOrDefault();
        var source = more.Blocks.OfType<TableBlock>().LastOrDefault();
        if (target is null || source is null) return;
        target.Rows.AddRange(source.Rows);
        into.Warnings.AddRange(more.Warnings.Except(into.Warnings));
    }

    /// <summary>The byte offset -l names: a number, "member.path" of the type, or "TYPE.member".</summary>
    private static ulong MemberOffset(ITypeCatalog types, KernelType type, string text)
    {
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && ExpressionLexer.TryHexWord(t[2..], out var hex)) return hex;
        if (ulong.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return number;
        if (type.Resolve().TryFindMember(t, out var own)) return own.Offset;
        var (owner, members) = ParseTypeAndMembers(types, t, union: false);
        if (members.Count != 1) throw new UsageException($"-l {text}: give an offset or one TYPE.member");
        if (!owner.Resolve().TryFindMember(members[0], out var location))
            throw new UsageException($"-l {text}: {owner.DisplayName} has no member '{members[0]}'");
        return location.Offset;
    }

    /// <summary>A type and its member list from "task_struct.comm,pid" ("union" prefers the union of that name).</summary>
    internal static (KernelType Type, List<string> Members) ParseTypeAndMembers(ITypeCatalog types, string text, bool union)
    {
        // Quotes keep "struct page" one argument; a front end that passes them through must not break the name.
        var trimmed = text.Replace("\"", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal).Trim();
        if (trimmed is "struct" or "union" or "enum")
            throw new UsageException($"give the type as one argument: \"{trimmed} NAME\" in quotes, or just NAME");
        var members = new List<string>();
        int dot = trimmed.IndexOf('.');
        if (dot > 0)
        {
            members.AddRange(trimmed[(dot + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
            if (members.Count == 0) throw new UsageException($"'{text}': no member after '.'");
            trimmed = trimmed[..dot].Trim();
        }
        var type = (union && !trimmed.Contains(' ') ? types.FindType("union " + trimmed) : null) ?? types.TryParse(trimmed)
            ?? throw new UsageException($"unknown type '{trimmed}' ({types.Source})");
        return (type, members);
    }
}
