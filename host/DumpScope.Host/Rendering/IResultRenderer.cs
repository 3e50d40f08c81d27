namespace DumpScope.Host.Rendering;

/// <summary>Writes command results in one output format (<c>--format text|json|jsonl|csv</c>).</summary>
public interface IResultRenderer
{
    /// <summary>True when a batch of several commands shows each command line before its output (text).</summary>
    bool EchoesCommands { get; }

    /// <summary>True when <see cref="Write"/> writes a streamed table's rows as they are produced (it may be given a result whose tables are streamed).</summary>
    bool Streams => false;

    /// <summary>Writes one command's result: its data to <paramref name="output"/>, what is not data (text errors) to <paramref name="errors"/>.</summary>
    void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors);
}
