namespace DumpScope.Plugins.Sched;

/// <summary>
/// crash's centered columns (its hrtimer listing): a value centered in its column's width, the odd space going left
/// for numbers (right-justified columns) and right for addresses and words.
/// </summary>
internal static class Centered
{
    /// <summary><paramref name="text"/> centered in <paramref name="width"/>.</summary>
    public static string Number(string text, int width) => Pad(text, width, (width - text.Length + 1) / 2);

    /// <inheritdoc cref="Number"/>
    public static string Word(string text, int width) => Pad(text, width, (width - text.Length) / 2);

    private static string Pad(string text, int width, int left) =>
        text.Length >= width ? text : new string(' ', left) + text + new string(' ', width - text.Length - left);
}
