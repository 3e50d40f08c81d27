using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.TestPlugins.Echo;

/// <summary>A service the plugin registers, to prove constructor injection into commands.</summary>
public sealed class Greeting
{
    /// <summary>The greeting word.</summary>
    public string Word => "hello";
}

/// <summary>A test plugin whose commands need no dump.</summary>
public sealed class EchoPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "echo";
    /// <inheritdoc/>
    public string Version => "1.2.3";
    /// <inheritdoc/>
    public string Description => "test plugin: echoes its arguments";
    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<Greeting>();
}

/// <summary>Echoes its words in a table, with options of every supported kind.</summary>
[Command("echo", Aliases = ["say"], Help = "echo words", NeedsDump = false)]
public sealed class EchoCommand(Greeting greeting) : ICommand
{
    /// <summary>Upper-case the words.</summary>
    [Option("-u", "--upper", Help = "upper case")]
    public bool Upper { get; set; }

    /// <summary>Repeat count.</summary>
    [Option("-n", "--times", Help = "repeat")]
    public int Times { get; set; } = 1;

    /// <summary>An address.</summary>
    [Option("-a", Help = "an address")]
    public ulong Address { get; set; }

    /// <summary>The words.</summary>
    [Argument(0, Name = "WORD", Required = true)]
    public string[] Words { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("WORD"), new Column("N", CellKind.Integer), new Column("ADDR", CellKind.Address)));
        for (int i = 0; i < Times; i++)
            foreach (var w in Words)
                table.AddRow(Cell.Text(Upper ? w.ToUpperInvariant() : w), Cell.Int(i), Cell.Address(Address)).WithTarget("again", $"echo {w}");
        result.Add(new TextBlock([greeting.Word]));
        return result;
    }
}

/// <summary>A command that needs a dump.</summary>
[Command("needsdump", Help = "needs a dump")]
public sealed class NeedsDumpCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => CommandResult.FromText(context.Kernel.Release);
}

/// <summary>A command that crashes, as a buggy plugin would.</summary>
[Command("crashme", Help = "throws", NeedsDump = false)]
public sealed class CrashCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => throw new InvalidOperationException("plugin bug");
}

/// <summary>Two commands sharing a verb, told apart by selector flags.</summary>
[Command("multi", Selector = "-x", Help = "multi -x", NeedsDump = false)]
public sealed class MultiXCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => CommandResult.FromText("x");
}

/// <summary>The default of the verb "multi".</summary>
[Command("multi", Help = "multi default", NeedsDump = false)]
public sealed class MultiDefaultCommand : ICommand
{
    /// <summary>Anything.</summary>
    [Argument(0, Name = "ARG")]
    public string? Arg { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context) => CommandResult.FromText("default " + Arg);
}

/// <summary>A streamed table of numbers, optionally failing part way (bad data) to test the host's handling.</summary>
[Command("count", Help = "count, streamed", NeedsDump = false)]
public sealed class CountCommand : ICommand
{
    /// <summary>Rows to make.</summary>
    [Option("-n", Help = "rows")]
    public int Rows { get; set; } = 10;

    /// <summary>The row at which the source throws, or -1.</summary>
    [Option("--fail-at", Help = "throw InvalidDataException at this row")]
    public int FailAt { get; set; } = -1;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("N", CellKind.Integer)));
        table.Streamed(Numbers());
        IEnumerable<TableRow> Numbers()
        {
            for (int i = 0; i < Rows; i++)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (i == FailAt) throw new System.IO.InvalidDataException($"row {i} is bad");
                yield return table.NewRow(Cell.Int(i)).WithTarget("again", $"echo {i}");
            }
        }
        return result;
    }
}
