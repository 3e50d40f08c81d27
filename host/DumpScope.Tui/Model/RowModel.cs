using DumpScope.Host.Rendering;

namespace DumpScope.Tui.Model;

/// <summary>A row as a table shows it: the typed cells (null for the marker column), their texts and where it leads.</summary>
/// <param name="Cells">Typed cells, one per displayed column; null where the column is the TUI's own.</param>
/// <param name="Texts">Display texts, one per displayed column.</param>
/// <param name="Targets">Where Enter leads, first is the default.</param>
/// <param name="Problem">What is wrong with the row, if anything.</param>
/// <param name="Index">Position in the command's own order (sorting "none" restores it).</param>
internal sealed record RowModel(Cell?[] Cells, string[] Texts, IReadOnlyList<NavigationTarget> Targets, string? Problem, int Index)
{
    private string? _searchText;

    /// <summary>All texts joined, with full absence reasons and the problem, for filtering (built on first use).</summary>
    public string SearchText => _searchText ??= string.Join('\u001f',
        Texts.Concat(Cells.Where(c => c is { HasValue: false }).Select(c => CellFormatter.FormatFull(c!.Value))).Append(Problem ?? ""));
}
