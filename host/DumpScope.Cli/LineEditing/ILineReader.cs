namespace DumpScope.Cli.LineEditing;

/// <summary>Where the REPL's lines come from: the line editor on a terminal, or plain lines otherwise.</summary>
internal interface ILineReader
{
    /// <summary>Shows the prompt and returns the next line, or null at the end of input.</summary>
    string? ReadLine(string prompt);

    /// <summary>Records a line that was run (the editor keeps it in the history; plain input keeps nothing).</summary>
    void Remember(string line);
}

/// <summary>Lines from a reader (redirected input, tests): the prompt is written, nothing is edited or remembered.</summary>
internal sealed class PlainLineReader(TextReader input, TextWriter output) : ILineReader
{
    public string? ReadLine(string prompt)
    {
        output.Write(prompt);
        output.Flush();
        return input.ReadLine();
    }

    public void Remember(string line) { }
}
