namespace DumpScope.Tui.Model;

/// <summary>One key the key bar can show.</summary>
/// <param name="Key">The key as shown ("F9", "Alt+←").</param>
/// <param name="Label">What it does ("Cmd").</param>
/// <param name="Priority">Lower is kept longer when the bar is too narrow for all keys.</param>
internal sealed record KeyBarItem(string Key, string Label, int Priority);

/// <summary>The key bar's line: the keys in their order, dropping the least important ones until the line fits.</summary>
internal static class KeyBar
{
    /// <summary>Between two keys.</summary>
    public const string Separator = "  ";

    /// <summary>The line for <paramref name="width"/> columns.</summary>
    public static string Format(IReadOnlyList<KeyBarItem> items, int width)
    {
        ArgumentNullException.ThrowIfNull(items);
        var shown = items.ToList();
        while (shown.Count > 0 && Length(shown) > width)
            shown.Remove(shown.MaxBy(i => i.Priority)!);
        return string.Join(Separator, shown.Select(Text));
    }

    private static string Text(KeyBarItem item) => $"{item.Key} {item.Label}";

    private static int Length(List<KeyBarItem> items) =>
        items.Sum(i => Text(i).Length) + Separator.Length * Math.Max(items.Count - 1, 0);
}
