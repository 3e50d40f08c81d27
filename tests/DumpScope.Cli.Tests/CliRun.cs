namespace DumpScope.Cli.Tests;

/// <summary>Runs the CLI in-process with captured streams.</summary>
internal static class CliRun
{
    public static (int Exit, string Out, string Err) RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(args, new StringReader(stdin), output, error, interactive: false);
        return (exit, output.ToString(), error.ToString());
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWithInput("", args);
}
