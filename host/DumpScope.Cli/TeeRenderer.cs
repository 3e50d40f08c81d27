using DumpScope.Host.Rendering;

namespace DumpScope.Cli;

/// <summary>Writes each result with the output format and also hands it to the --html page.</summary>
internal sealed class TeeRenderer(IResultRenderer output, IResultRenderer page) : IResultRenderer
{
    /// <inheritdoc/>
    public bool EchoesCommands => output.EchoesCommands;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter stdout, TextWriter errors)
    {
        output.Write(commandLine, result, stdout, errors);
        page.Write(commandLine, result, stdout, errors);
    }
}
