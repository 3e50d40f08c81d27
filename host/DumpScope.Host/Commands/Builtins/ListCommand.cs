using DumpScope.Host.Expressions;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>list</c>: the entries of a linked list. Without <c>-h</c>/<c>-H</c> the list is a chain of objects whose
/// next pointer (at OFFSET) holds the next object's address, from ADDR until NULL or back at ADDR. With <c>-h</c>, ADDR
/// is an object embedding a <c>struct list_head</c> at OFFSET (it is the first entry); with <c>-H HEAD</c>, HEAD is a
/// standalone list_head (not an entry); entries are the list_heads minus OFFSET, walked through <c>next</c>, or
/// <c>prev</c> with <c>-r</c>. Bounded (<c>--max</c>) and cycle-aware: a damaged list shows the entries before the
/// damage and a warning saying why it stopped.
/// </summary>
[Command("list", Help = "walk a linked list: list [-o OFFSET|T.member] [-s T[.member,…]] [-H HEAD] [-h] [-r] [--max N] ADDR",
    Examples = ["list task_struct.tasks -s task_struct.pid,comm -h init_task  every task's pid and comm",
        "list -o task_struct.tasks -H ffffffff9e41ae88  the entries of a list head",
        "list -r task_struct.tasks -h init_task  the same list backwards"],
    SeeAlso = ["tree", "struct"])]
public sealed class ListCommand : ICommand
{
    /// <summary>The default bound on entries.</summary>
    public const int DefaultMax = 1_000_000;

    /// <summary>-o: where the next pointer or list_head lies in an entry.</summary>
    [Option("-o", Help = "offset of the next pointer / list_head in an entry: bytes (decimal, 0x-hex) or T.member", ValueName = "OFFSET")]
    public string? Offset { get; set; }

    /// <summary>-s: the members to print of each entry.</summary>
    [Option("-s", Help = "print these members of each entry: T.member[,member…], or T for all", ValueName = "T.member")]
    public string? Members { get; set; }

    /// <summary>-H: a standalone list head.</summary>
    [Option("-H", Help = "start at this standalone list_head (not itself an entry)", ValueName = "HEAD")]
    public string? Head { get; set; }

    /// <summary>-h: ADDR is an entry embedding a list_head at OFFSET.</summary>
    [Option("-h", Help = "ADDR is an entry that embeds a list_head at OFFSET (it is shown first)")]
    public bool EmbeddedHead { get; set; }

    /// <summary>-r: walk through prev.</summary>
    [Option("-r", Help = "walk backwards through prev (list_head lists only)")]
    public bool Reverse { get; set; }

    /// <summary>--max: the entry bound.</summary>
    [Option("--max", Help = "stop after N entries (default 1000000)", Minimum = 1)]
    public int Max { get; set; } = DefaultMax;

    /// <summary>[T.member] ADDR.</summary>
    [Argument(0, Name = "[T.member] ADDR", Help = "the offset as T.member (like -o), then the first entry: hex, symbol or symbol+offset")]
    public string[] Words { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var words = Words.ToList();
        int needed = Head is null ? 1 : 0;
        if (words.Count > needed + 1 || words.Count < needed)
            throw new UsageException(Head is null ? "list: give ADDR (or -H HEAD), optionally after T.member" : "list: with -H give at most T.member, no ADDR");
        string? offsetText = Offset;
        if (words.Count > needed)
        {
            if (offsetText is not null) throw new UsageException("list: give the offset once, as -o or as T.member");
            offsetText = words[0];
            words.RemoveAt(0);
        }
        var (offset, entryType) = ParseOffset(kernel, offsetText);
        bool listHead = EmbeddedHead || Head is not null;
        if (Reverse && !listHead) throw new UsageException("list: -r follows list_head prev pointers: give -h or -H");
        if (EmbeddedHead && Head is not null) throw new UsageException("list: give -h ADDR or -H HEAD, not both");
        var entries = EntryMembers.Parse(kernel, Members, entryType);

        WalkResult<ulong> walk;
        if (Head is not null)
        {
            ulong head = ExpressionEvaluator.EvaluateAddress(kernel, Head);
            walk = Walk(kernel.Memory, head, context.Cancellation).Select(node => node - offset);
        }
        else
        {
            ulong start = ExpressionEvaluator.EvaluateAddress(kernel, words[0]);
            if (EmbeddedHead)
            {
                var rest = Walk(kernel.Memory, start + offset, context.Cancellation);
                walk = new WalkResult<ulong>([start, .. rest.Items.Select(node => node - offset)], rest.End, rest.Problem);
            }
            else walk = KernelLists.Chain(kernel.Memory, start, offset, Max, context.Cancellation);
        }
        if (walk.End == WalkEnd.Cancelled) context.Cancellation.ThrowIfCancellationRequested();

        var result = new CommandResult();
        var table = result.Add(entries.NewTable(null));
        foreach (var entry in walk.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            entries.AddRow(table, entry, []);
        }
        if (walk.Problem is not null) result.Warnings.Add($"list: {Describe(walk.End)}: {walk.Problem}");
        return result;
    }

    private WalkResult<ulong> Walk(IKernelMemory memory, ulong head, CancellationToken cancellation) =>
        Reverse ? KernelLists.ListForEachPrev(memory, head, Max, cancellation) : KernelLists.ListForEach(memory, head, Max, cancellation);

    /// <summary>Why a walk stopped early, in a few words.</summary>
    internal static string Describe(WalkEnd end) => end switch
    {
        WalkEnd.Cycle => "cycle",
        WalkEnd.BoundReached => "entry limit reached",
        WalkEnd.Fault => "unreadable link",
        WalkEnd.CorruptLink => "corrupt link",
        WalkEnd.Cancelled => "cancelled",
        _ => "stopped",
    };

    /// <summary>An offset as bytes (decimal or 0x-hex) or T.member, with the entry type T when given.</summary>
    internal static (ulong Offset, KernelType? Type) ParseOffset(IKernel kernel, string? text)
    {
        if (text is null) return (0, null);
        var t = text.Trim();
        if (Arguments.TryParseNumber(t, out var bytes)) return (bytes, null);
        int dot = t.IndexOf('.');
        if (dot <= 0) throw new UsageException($"offset '{text}': give bytes (decimal, 0x-hex) or T.member");
        var type = kernel.Types.TryParse(t[..dot]) ?? throw new UsageException($"offset '{text}': unknown type '{t[..dot]}' ({kernel.Types.Source})");
        if (!type.Resolve().TryFindMember(t[(dot + 1)..], out var member))
            throw new UsageException($"offset '{text}': {type.DisplayName} has no member '{t[(dot + 1)..]}'");
        return (member.Offset, type);
    }
}
