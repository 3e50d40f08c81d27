namespace DumpScope.Tui.Model;

/// <summary>Lines of text with a filter (for <see cref="DumpScope.Sdk.Commands.TextBlock"/>, warnings and help).</summary>
internal sealed class TextBlockModel : BlockModel
{
    private readonly IReadOnlyList<string> _lines;

    /// <summary>Creates a model over <paramref name="lines"/>.</summary>
    public TextBlockModel(string title, IReadOnlyList<string> lines)
        : base(title)
    {
        _lines = lines;
        VisibleLines = lines;
    }

    /// <summary>The lines the filter leaves.</summary>
    public IReadOnlyList<string> VisibleLines { get; private set; }

    /// <summary>All lines.</summary>
    public int TotalLines => _lines.Count;

    /// <summary>The first line shown, remembered when the page is left.</summary>
    public int TopLine { get; set; }

    /// <inheritdoc/>
    protected override void Refilter() =>
        VisibleLines = Filter.Length == 0 ? _lines : _lines.Where(Matches).ToList();
}
