namespace DumpScope.Plugins.Memory.Pages;

/// <summary>
/// Names of page flag bits. Preferred source: the kernel's own <c>pageflag_names</c> (mm/debug.c), an array of
/// <c>struct trace_print_flags { unsigned long mask; const char *name; }</c> ended by a NULL name — the names
/// the kernel prints in dump_page(). Fallback: the enumerators of <c>enum pageflags</c> without "PG_" (the
/// first name of each value; later aliases such as PG_checked for PG_owner_priv_1 are skipped).
/// </summary>
public sealed class PageFlagNames
{
    /// <summary>Most entries read from pageflag_names before it is taken as corrupt.</summary>
    public const int MaxEntries = 128;

    private readonly List<(ulong Mask, string Name)> _names;

    private PageFlagNames(List<(ulong Mask, string Name)> names, string source)
    {
        _names = names;
        Source = source;
    }

    /// <summary>Where the names came from.</summary>
    public string Source { get; }

    /// <summary>(mask, name) pairs in the source's order.</summary>
    public IReadOnlyList<(ulong Mask, string Name)> Entries => _names;

    /// <summary>Loads the names from the kernel.</summary>
    public static PageFlagNames Load(IKernel kernel, int flagBits)
    {
        string? problem = null;
        if (kernel.Symbols.TryGetAddress("pageflag_names", out var address) && kernel.Types.FindType("struct trace_print_flags") is { } type)
        {
            var names = new List<(ulong, string)>();
            try
            {
                ulong size = type.Size;
                var resolved = type.Resolve();
                ulong maskOffset = resolved.FindMember("mask").Offset, nameOffset = resolved.FindMember("name").Offset;
                for (int i = 0; i < MaxEntries; i++)
                {
                    ulong entry = address + (ulong)i * size;
                    ulong namePointer = kernel.Memory.ReadU64(entry + nameOffset, "pageflag_names");
                    if (namePointer == 0) break;
                    ulong mask = kernel.Memory.ReadU64(entry + maskOffset, "pageflag_names");
                    names.Add((mask, kernel.Memory.ReadCString(namePointer, 64, "pageflag_names")));
                }
                if (names.Count > 0) return new PageFlagNames(names, "pageflag_names");
                problem = "pageflag_names is empty";
            }
            catch (MemoryFaultException e)
            {
                problem = $"pageflag_names unreadable: {e.Fault.Message}";
            }
        }
        var fromEnum = new List<(ulong, string)>();
        var seen = new HashSet<long>();
        if (kernel.Types.FindType("enum pageflags")?.Resolve() is { Kind: TypeKind.Enum } pageflags)
        {
            foreach (var e in pageflags.Enumerators)
            {
                if (!e.Name.StartsWith("PG_", StringComparison.Ordinal) || e.Value < 0 || e.Value >= flagBits || !seen.Add(e.Value)) continue;
                fromEnum.Add((1UL << (int)e.Value, e.Name[3..]));
            }
        }
        return new PageFlagNames(fromEnum, problem is null ? "enum pageflags" : $"enum pageflags ({problem})");
    }

    /// <summary>The names of the flags set in <paramref name="flags"/>, in the source's order.</summary>
    public IReadOnlyList<string> Decode(ulong flags)
    {
        var set = new List<string>();
        foreach (var (mask, name) in _names)
            if (mask != 0 && (flags & mask) == mask) set.Add(name);
        return set;
    }
}
