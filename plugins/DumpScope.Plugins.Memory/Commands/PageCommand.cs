namespace DumpScope.Plugins.Memory.Commands;

/// <summary><c>page ADDR</c>: the same as <c>kmem -p ADDR</c> (a verb of its own, since an alias cannot carry a selector).</summary>
[Command("page", Help = "struct page of a frame: page ADDR | page --pfn N (same as kmem -p)",
    Examples = ["page ffffea0000040000  a struct page", "page --pfn 4096  by frame number"], SeeAlso = ["kmem -p"])]
public sealed class PageCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>The addresses (or frame numbers with --pfn).</summary>
    [Argument(0, Name = "ADDR|PFN", Help = "struct page address, kernel virtual address, or physical address (hex); a frame number with --pfn")]
    public string[] Targets { get; set; } = [];

    /// <summary>Take the arguments as page frame numbers.</summary>
    [Option("--pfn", Help = "the arguments are page frame numbers (decimal, or hex with 0x)")]
    public bool Pfn { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => PageCommandCore.Run(analyzer, Targets, Pfn, context);
}
