using DumpScope.Plugins.Diff.Comparison;
using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Commands;

/// <summary>
/// <c>diff NEW</c>: the open dump (old) against a later dump of the same boot, for leak hunting: slab caches ranked by
/// growth, tasks that appeared, vanished or changed state, RSS growth, kmem -i's counters and modules. The host opens
/// NEW (<see cref="IOtherDumps"/>); dumps of another kernel build are refused, of another boot refused unless asked.
/// </summary>
[Command("diff", Help = "compare the open dump (old) with NEW, a later dump of the same boot: slab growth, tasks, RSS, memory, modules",
    Examples = ["diff vmcore.later  what grew between the two dumps", "diff --sort objects --top 5 vmcore.later  the five caches with the most new objects",
        "diff --other-boot vmcore.other  compare with a dump of another boot of the same build (tasks matched by pid)"],
    SeeAlso = ["kmem -s", "ps", "kmem -i", "mod"])]
public sealed class DiffCommand(IOtherDumps dumps) : ICommand
{
    /// <summary>The later dump.</summary>
    [Argument(0, Name = "NEW", Required = true, Help = "the later dump of the same running system")]
    public string NewDump { get; set; } = "";

    /// <summary>Compare dumps of different boots of the same kernel build.</summary>
    [Option("--other-boot", Help = "compare with a dump of another boot of the same kernel build (tasks matched by pid and comm)")]
    public bool OtherBoot { get; set; }

    /// <summary>List unchanged caches and memory counters too.</summary>
    [Option("-a", "--all", Help = "list unchanged caches and counters too")]
    public bool All { get; set; }

    /// <summary>What ranks the caches.</summary>
    [Option("--sort", Help = "rank caches by growth of: bytes (default), objects, slabs", ValueName = "WHAT")]
    public DiffSort Sort { get; set; } = DiffSort.Bytes;

    /// <summary>Bars in the chart of top growers.</summary>
    [Option("--top", Help = "caches in the chart of top growers (default 10)", Minimum = 1, ValueName = "N")]
    public int Top { get; set; } = 10;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var oldKernel = context.Kernel;
        var other = dumps.Open(NewDump, context.Cancellation);
        var verdict = SameSystemCheck.Check(KernelIdentity.Of(oldKernel), KernelIdentity.Of(other.Kernel), OtherBoot);
        if (verdict.Refusal is not null) return CommandResult.Fail($"diff: {verdict.Refusal}");

        var old = SnapshotReader.Read(oldKernel, context.Cancellation, part => context.Report(0, 2, $"old dump: {part}"));
        var @new = SnapshotReader.Read(other.Kernel, context.Cancellation, part => context.Report(1, 2, $"new dump: {part}"));
        var comparison = DumpComparison.Compare(old, @new, verdict.SameBoot);
        var result = DiffTables.Render(comparison, old, new DiffView(NewDump, Sort, Top, All, verdict.SameBoot));
        result.Warnings.AddRange(verdict.Warnings);
        result.Warnings.AddRange(other.Notes.Select(n => $"new dump: {n}"));
        result.Warnings.AddRange(comparison.Problems);
        return result;
    }
}
