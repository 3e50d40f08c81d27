namespace DumpScope.Sdk.Linux.Mm;

/// <summary>The answers of kmem -i: rows in crash's order, the page size, and notes on sources and fallbacks.</summary>
public sealed class MemoryInfo
{
    /// <summary>Creates the result.</summary>
    public MemoryInfo(IReadOnlyList<MemoryInfoRow> rows, int pageSize, IReadOnlyList<string> notes, MemMapCounts? memMap)
    {
        MemMap = memMap;
        Rows = rows;
        PageSize = pageSize;
        Notes = notes;
    }

    /// <summary>Rows in display order.</summary>
    public IReadOnlyList<MemoryInfoRow> Rows { get; }

    /// <summary>Bytes per page.</summary>
    public int PageSize { get; }

    /// <summary>Notes: fallbacks taken, cross-check disagreements.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The struct page scan behind SHARED, when it ran.</summary>
    public MemMapCounts? MemMap { get; }

    /// <summary>A row by name; throws when absent from the list.</summary>
    public MemoryInfoRow this[string name] => Rows.First(r => r.Name == name);

    /// <summary>The pages of a row, or null.</summary>
    public long? Pages(string name) => Rows.FirstOrDefault(r => r.Name == name)?.Pages;
}
