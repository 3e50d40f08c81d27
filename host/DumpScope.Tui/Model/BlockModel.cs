namespace DumpScope.Tui.Model;

/// <summary>One block of a result as the TUI holds it: its title and what the filter leaves visible.</summary>
internal abstract class BlockModel
{
    /// <summary>Creates a block model with a title for its tab.</summary>
    protected BlockModel(string title) => Title = title;

    /// <summary>Tab title.</summary>
    public string Title { get; }

    /// <summary>The filter text in force ("" for none).</summary>
    public string Filter { get; private set; } = "";

    /// <summary>Keeps only the rows or lines that contain <paramref name="filter"/> (case-insensitive).</summary>
    public void SetFilter(string? filter)
    {
        Filter = filter?.Trim() ?? "";
        Refilter();
    }

    /// <summary>Recomputes the visible rows from <see cref="Filter"/>.</summary>
    protected abstract void Refilter();

    /// <summary>True when <paramref name="text"/> passes the filter.</summary>
    protected bool Matches(string text) => Filter.Length == 0 || text.Contains(Filter, StringComparison.OrdinalIgnoreCase);
}
