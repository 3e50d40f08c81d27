namespace DumpScope.Tui.Model;

/// <summary>What a row sorts by in one column: absent values last, numbers as numbers, else text ignoring case.</summary>
/// <param name="Absent">The cell has no value (it sorts last in either direction).</param>
/// <param name="Number">The numeric value, when the cell holds a number.</param>
/// <param name="Text">The display text.</param>
internal readonly record struct SortKey(bool Absent, double? Number, string Text)
{
    /// <summary>The key of <paramref name="row"/> in <paramref name="column"/>.</summary>
    public static SortKey Of(RowModel row, int column)
    {
        var cell = row.Cells[column];
        return new SortKey(cell is { HasValue: false }, cell?.Number, row.Texts[column]);
    }

    /// <summary>Orders two keys; <paramref name="descending"/> flips values but keeps absent ones last.</summary>
    public static int Compare(in SortKey a, in SortKey b, bool descending)
    {
        if (a.Absent || b.Absent)
            return a.Absent == b.Absent ? 0 : a.Absent ? 1 : -1;
        int result;
        if (a.Number is { } na && b.Number is { } nb)
            result = na.CompareTo(nb);
        else
        {
            result = string.Compare(a.Text, b.Text, StringComparison.OrdinalIgnoreCase);
            if (result == 0)
                result = string.CompareOrdinal(a.Text, b.Text);
        }
        return descending ? -result : result;
    }
}
