namespace DumpScope.Host.Types;

/// <summary>How <see cref="StructPrinter"/> prints an object.</summary>
public sealed record StructPrintOptions
{
    /// <summary>Array elements shown before the rest are summarised in one row.</summary>
    public int ArrayElements { get; init; } = 16;

    /// <summary>Also show each member's offset and address.</summary>
    public bool ShowOffsets { get; init; }

    /// <summary>Only this member path and what lies inside it ("kobj", "node", "list.next"); null for all.</summary>
    public string? Member { get; init; }

    /// <summary>Deepest nesting of named structs, unions and arrays that is expanded.</summary>
    public int MaxDepth { get; init; } = 16;

    /// <summary>Most rows produced; the rest is cut with a warning.</summary>
    public int MaxRows { get; init; } = 50_000;

    /// <summary>Longest string read for a char array or char pointer.</summary>
    public int MaxStringLength { get; init; } = 256;
}
