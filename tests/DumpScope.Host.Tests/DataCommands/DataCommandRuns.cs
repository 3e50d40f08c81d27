using DumpScope.Host.Rendering;
using DumpScope.Host.Session;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.DataCommands;

/// <summary>Runs the data commands (list, tree, search, dis) on kd1 and on synthetic kernels, and finds the crash references kept in the repository.</summary>
internal static class DataCommandRuns
{
    private static readonly Lazy<DumpScopeSession> Kd1Lazy = new(() => FixtureSession.Open(Fixtures.Kd1Zlib));

    /// <summary>A session over kd1 (no plugins: these are the host's commands), opened once.</summary>
    public static DumpScopeSession Kd1 => Kd1Lazy.Value;

    private static readonly Lazy<DumpScopeSession> Kd3Lazy = new(() => FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31")));

    /// <summary>A session over kd3 (4 CPUs, 88 tasks; no plugins), opened once.</summary>
    public static DumpScopeSession Kd3 => Kd3Lazy.Value;

    /// <summary>The command's text output as crash would print it (the result's text, no echo).</summary>
    public static string Text(this DumpScopeSession session, string command)
    {
        var result = session.Run(command);
        result.Error.Should().BeNull(command);
        return TextRenderer.Render(result);
    }

    /// <summary>A reference output produced with crash 8.0.2 and kept under tests/fixtures/.</summary>
    public static string Reference(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PluginHost.sln"))) dir = dir.Parent;
        dir.Should().NotBeNull("the tests run inside the repository");
        return File.ReadAllText(Path.Combine(dir!.FullName, "tests", "fixtures", relative));
    }

    /// <summary>Runs <paramref name="command"/> (bound from <paramref name="line"/>'s words like the session does) on a synthetic kernel.</summary>
    public static CommandResult Run(this SyntheticKernel kernel, ICommand command, string line)
    {
        var registered = new Commands.CommandRegistry();
        registered.Add(command.GetType(), "host");
        var words = Commands.CommandLineSplitter.Split(line);
        var (resolved, arguments) = registered.Resolve(words);
        Commands.CommandBinder.Bind(resolved, command, arguments);
        var services = new ServiceCollection().AddSingleton<IKernel>(kernel).BuildServiceProvider();
        return command.Execute(new CommandContext(services, line, CancellationToken.None));
    }

    /// <summary>Lines without trailing blanks, for comparing with crash's output (crash pads some lines).</summary>
    public static string[] Lines(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToArray();
}
