using DumpScope.Host.History;

namespace DumpScope.Cli.LineEditing;

/// <summary>
/// The line editor on a real terminal: keys from Console.ReadKey (Ctrl-C arrives as a key while a line is edited,
/// so it clears the line instead of ending the program), the line redrawn in place with ANSI sequences, and a
/// Tab's candidates listed under it. All editing decisions are <see cref="LineEditor"/>'s.
/// </summary>
internal sealed class ConsoleLineReader(CommandHistory history, Func<string, int, Completion>? complete) : ILineReader
{
    private readonly LineEditor _editor = new(history, complete);

    /// <summary>True when both ends are a terminal, so keys can be read and the line redrawn.</summary>
    public static bool Available => !Console.IsInputRedirected && !Console.IsOutputRedirected;

    public string? ReadLine(string prompt)
    {
        var output = Console.Out;
        bool treatControlC = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        try
        {
            _editor.Begin();
            Draw(output, prompt);
            while (true)
            {
                var outcome = _editor.Handle(Console.ReadKey(intercept: true));
                switch (outcome)
                {
                    case EditOutcome.Accept:
                        Draw(output, prompt, showSearch: false);
                        output.Write('\n');
                        return _editor.Text;
                    case EditOutcome.EndOfInput:
                        output.Write('\n');
                        return null;
                    case EditOutcome.Interrupt:
                        output.Write("^C\n");
                        _editor.Begin();
                        break;
                }
                if (_editor.Listing is { } listing)
                {
                    output.Write('\n');
                    WriteColumns(output, listing);
                }
                Draw(output, prompt);
            }
        }
        finally
        {
            Console.TreatControlCAsInput = treatControlC;
        }
    }

    public void Remember(string line) => history.Add(line);

    /// <summary>
    /// Redraws the prompt and the line on the current row and puts the terminal's cursor at the editor's. A line
    /// wider than the terminal is shown as the window around the cursor, so the row never wraps.
    /// </summary>
    private void Draw(TextWriter output, string prompt, bool showSearch = true)
    {
        var shownPrompt = showSearch ? _editor.Prompt(prompt) : prompt;
        var text = _editor.Text;
        int cursor = _editor.Cursor;
        int width = Math.Max(20, SafeWidth() - shownPrompt.Length - 1);
        int from = text.Length <= width ? 0 : Math.Clamp(cursor - width / 2, 0, text.Length - width);
        var visible = text.Substring(from, Math.Min(width, text.Length - from));
        output.Write('\r');
        output.Write(shownPrompt);
        output.Write(visible);
        output.Write("\u001b[K");
        int back = visible.Length - (cursor - from);
        if (back > 0) output.Write($"\u001b[{back}D");
        output.Flush();
    }

    private static void WriteColumns(TextWriter output, IReadOnlyList<string> words)
    {
        int cell = words.Max(w => w.Length) + 2;
        int perRow = Math.Max(1, SafeWidth() / cell);
        for (int i = 0; i < words.Count; i++)
        {
            output.Write(i % perRow == perRow - 1 || i == words.Count - 1 ? words[i] + "\n" : words[i].PadRight(cell));
        }
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
