namespace DumpScope.Tui.Model;

/// <summary>
/// The OSC 52 escape sequence that asks the terminal to put text on the clipboard (xterm, tmux with set-clipboard,
/// kitty, iTerm2, Windows Terminal); it works over ssh, where a local clipboard tool would not.
/// </summary>
internal static class Osc52
{
    /// <summary>The sequence setting the clipboard ("c") to <paramref name="text"/>.</summary>
    public static string Sequence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return "\u001b]52;c;" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text)) + "\u0007";
    }
}
