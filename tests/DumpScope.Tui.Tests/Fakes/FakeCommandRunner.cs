using System.Collections.Concurrent;
using DumpScope.Host.Session;

namespace DumpScope.Tui.Tests.Fakes;

/// <summary>An <see cref="ICommandRunner"/> answering from handlers registered per command line; unknown lines fail like the real one.</summary>
public sealed class FakeCommandRunner : ICommandRunner
{
    private readonly Dictionary<string, Func<CancellationToken, IProgress<CommandProgress>?, CommandResult>> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _calls = new();

    /// <summary>Creates a runner with the given plugins and commands.</summary>
    public FakeCommandRunner(IReadOnlyList<PluginDescriptor> plugins, IReadOnlyList<CommandDescriptor> commands, string? dumpPath = "/dumps/vmcore")
    {
        Plugins = plugins;
        Commands = commands;
        DumpPath = dumpPath;
    }

    /// <inheritdoc/>
    public IReadOnlyList<CommandDescriptor> Commands { get; }

    /// <inheritdoc/>
    public IReadOnlyList<PluginDescriptor> Plugins { get; }

    /// <inheritdoc/>
    public string? DumpPath { get; }

    /// <summary>Command lines run so far, in order.</summary>
    public IReadOnlyList<string> Calls => _calls.ToArray();

    /// <summary>Answers <paramref name="line"/> with a handler.</summary>
    public FakeCommandRunner On(string line, Func<CancellationToken, IProgress<CommandProgress>?, CommandResult> handler)
    {
        _handlers[line] = handler;
        return this;
    }

    /// <summary>Answers <paramref name="line"/> with a fixed result.</summary>
    public FakeCommandRunner On(string line, CommandResult result) => On(line, (_, _) => result);

    /// <inheritdoc/>
    public CommandResult Run(string commandLine, CancellationToken cancellation = default, IProgress<CommandProgress>? progress = null)
    {
        _calls.Enqueue(commandLine);
        return _handlers.TryGetValue(commandLine.Trim(), out var handler)
            ? handler(cancellation, progress)
            : CommandResult.Fail($"unknown command: {commandLine}");
    }
}
