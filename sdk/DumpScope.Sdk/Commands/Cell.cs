namespace DumpScope.Sdk.Commands;

/// <summary>How a cell's value is formatted.</summary>
public enum CellKind
{
    /// <summary>Text, left-aligned.</summary>
    Text,
    /// <summary>A signed or unsigned integer, right-aligned decimal.</summary>
    Integer,
    /// <summary>A kernel address, 16 hex digits.</summary>
    Address,
    /// <summary>An integer shown in hex with 0x.</summary>
    Hex,
    /// <summary>A size in bytes (text renders "4k", "2m" like crash when asked; JSON the number).</summary>
    Size,
    /// <summary>A percentage (double).</summary>
    Percent,
    /// <summary>A symbolic value (enum name, state letters).</summary>
    Enum,
    /// <summary>true/false.</summary>
    Bool,
    /// <summary>A number with a fraction (a load average), right-aligned; JSON a number.</summary>
    Real,
    /// <summary>
    /// A fixed list of typed values (the three load averages): text joins the items with ", ", JSON writes an
    /// array of the items' typed values, so a field that is several numbers needs no display string.
    /// </summary>
    List,
}

/// <summary>Why a cell has no value (Volatility's typed absent values).</summary>
public enum Absence
{
    /// <summary>The cell has a value.</summary>
    None,
    /// <summary>The memory holding it could not be read.</summary>
    Unreadable,
    /// <summary>The memory was read but holds an impossible value.</summary>
    Corrupt,
    /// <summary>The field does not apply to this row.</summary>
    NotApplicable,
    /// <summary>This kernel does not provide the information.</summary>
    NotAvailable,
}

/// <summary>A typed value, or a typed reason why there is none.</summary>
public readonly record struct Cell
{
    private Cell(CellKind kind, object? value, Absence absence, string? reason)
    {
        Kind = kind;
        Value = value;
        Absence = absence;
        Reason = reason;
    }

    /// <summary>How the value is formatted.</summary>
    public CellKind Kind { get; }

    /// <summary>The value: string, long, ulong, double, bool or (for a list) IReadOnlyList&lt;Cell&gt;; null when absent.</summary>
    public object? Value { get; }

    /// <summary>Why there is no value.</summary>
    public Absence Absence { get; }

    /// <summary>The reason text for an absent value ("page excluded: kernel virtual address …").</summary>
    public string? Reason { get; }

    /// <summary>
    /// How people read the value when it differs from the plain formatting ("511.5 MB" for a size in bytes,
    /// "00:00:12" for seconds); text outputs show it, JSON and CSV keep the typed <see cref="Value"/>.
    /// </summary>
    public string? Display { get; init; }

    /// <summary>The same value shown to people as <paramref name="text"/>.</summary>
    public Cell Displayed(string text) => this with { Display = text };

    /// <summary>True when the cell holds a value.</summary>
    public bool HasValue => Absence == Absence.None;

    /// <summary>A text cell.</summary>
    public static Cell Text(string value) => new(CellKind.Text, value, Absence.None, null);
    /// <summary>A signed integer cell.</summary>
    public static Cell Int(long value) => new(CellKind.Integer, value, Absence.None, null);
    /// <summary>An unsigned integer cell.</summary>
    public static Cell UInt(ulong value) => new(CellKind.Integer, value, Absence.None, null);
    /// <summary>An address cell.</summary>
    public static Cell Address(ulong value) => new(CellKind.Address, value, Absence.None, null);
    /// <summary>A hex cell.</summary>
    public static Cell Hex(ulong value) => new(CellKind.Hex, value, Absence.None, null);
    /// <summary>A size-in-bytes cell.</summary>
    public static Cell Size(ulong bytes) => new(CellKind.Size, bytes, Absence.None, null);
    /// <summary>A percentage cell.</summary>
    public static Cell Percent(double value) => new(CellKind.Percent, value, Absence.None, null);
    /// <summary>A symbolic cell.</summary>
    public static Cell Enum(string name) => new(CellKind.Enum, name, Absence.None, null);
    /// <summary>A boolean cell.</summary>
    public static Cell Bool(bool value) => new(CellKind.Bool, value, Absence.None, null);
    /// <summary>A real-number cell.</summary>
    public static Cell Real(double value) => new(CellKind.Real, value, Absence.None, null);
    /// <summary>A list of typed cells (each may itself be absent).</summary>
    public static Cell List(IReadOnlyList<Cell> items) => new(CellKind.List, items, Absence.None, null);

    /// <summary>The items of a list cell; empty for any other cell.</summary>
    public IReadOnlyList<Cell> Items => Value as IReadOnlyList<Cell> ?? [];
    /// <summary>A cell whose memory could not be read.</summary>
    public static Cell Unreadable(string reason, CellKind kind = CellKind.Text) => new(kind, null, Absence.Unreadable, reason);
    /// <summary>A cell whose memory holds an impossible value.</summary>
    public static Cell Corrupt(string reason, CellKind kind = CellKind.Text) => new(kind, null, Absence.Corrupt, reason);
    /// <summary>A cell that does not apply.</summary>
    public static Cell NotApplicable(CellKind kind = CellKind.Text) => new(kind, null, Absence.NotApplicable, null);
    /// <summary>A cell this kernel cannot provide.</summary>
    public static Cell NotAvailable(string reason, CellKind kind = CellKind.Text) => new(kind, null, Absence.NotAvailable, reason);

    /// <summary>The value as an unsigned number when it is one (for sorting).</summary>
    public double? Number => Value switch
    {
        long l => l,
        ulong u => u,
        double d => d,
        int i => i,
        _ => null,
    };
}
