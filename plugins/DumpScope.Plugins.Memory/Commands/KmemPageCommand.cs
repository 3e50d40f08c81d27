namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>kmem -p ADDR</c>: the struct page of a frame, its flags by name, counts, and its slab cache.</summary>
[Shows(typeof(PageTarget), "{Page}")]
[Command("kmem", Selector = "-p", Help = "struct page of a frame: kmem -p ADDR (struct page, kernel virtual or physical address) or kmem -p --pfn N",
    Examples = ["kmem -p ffffea0000040000  a struct page", "kmem -p 1000000  the page of a physical address", "kmem -p --pfn 4096  by frame number"], SeeAlso = ["page", "kmem", "struct page"])]
public sealed class KmemPageCommand(MemoryAnalyzer analyzer) : ICommand
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
