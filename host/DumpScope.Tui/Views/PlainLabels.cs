using Terminal.Gui.ViewBase;

namespace DumpScope.Tui.Views;

/// <summary>
/// Switches Terminal.Gui's hotkey marker off for a view and everything ever added below it. Terminal.Gui 2.5.0
/// gives every view the marker '_' and hides the first one in a title or text ("kmem -S fscrypt_info" shows as
/// "fscryptinfo"); kernel names are full of underscores and the TUI binds no key through a title, so the window
/// applies this once to itself instead of each Title/Text setter escaping its text.
/// </summary>
internal static class PlainLabels
{
    /// <summary>The specifier Terminal.Gui documents as "no hotkey".</summary>
    private static readonly Rune None = new(0xFFFF);

    /// <summary>Turns the marker off on <paramref name="view"/>, its subviews, its border's views (tab headers), and every view added later.</summary>
    public static void Apply(View view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.HotKeySpecifier != None)
        {
            view.HotKeySpecifier = None;
            // A title or text set before this was measured without its first '_': set it again so it is laid out whole.
            Reassign(view.Title, t => view.Title = t);
            Reassign(view.Text, t => view.Text = t);
            view.SubViewAdded += (_, e) =>
            {
                if (e.SubView is { } added)
                    Apply(added);
            };
        }
        foreach (var sub in view.SubViews.ToList())
            Apply(sub);
        if (view.Border?.View is { } border)
            Apply(border);
    }

    private static void Reassign(string text, Action<string> set)
    {
        if (!text.Contains('_', StringComparison.Ordinal))
            return;
        set("");
        set(text);
    }
}
