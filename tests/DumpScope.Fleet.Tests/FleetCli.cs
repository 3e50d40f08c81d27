using System.Text.Json;
using DumpScope.Cli;

namespace DumpScope.Fleet.Tests;

/// <summary>The dumpscope CLI in-process (batch and fleet start their child processes from the apphost beside the tests).</summary>
internal static class FleetCli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(args, new StringReader(""), output, error, interactive: false);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>The JSON lines of a batch or worker output.</summary>
    public static List<JsonElement> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}
