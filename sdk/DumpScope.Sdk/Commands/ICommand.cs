using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Sdk.Commands;

/// <summary>
/// A command: argument checking plus orchestration; the analysis lives in services. Instances are created
/// per invocation through the session's service provider (constructor injection works) and their
/// attributed properties are bound from the command line. Commands never write to the console: they return
/// data and the host renders it.
/// </summary>
public interface ICommand
{
    /// <summary>Runs the command.</summary>
    CommandResult Execute(CommandContext context);
}

/// <summary>Progress of a long command, for the TUI's indicator.</summary>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all, 0 when unknown.</param>
/// <param name="What">What is being done ("reading caches").</param>
public readonly record struct CommandProgress(long Done, long Total, string What);

/// <summary>What a running command gets from the host.</summary>
public sealed class CommandContext(IServiceProvider services, string commandLine, CancellationToken cancellation,
    IProgress<CommandProgress>? progress = null)
{
    /// <summary>The session's services (kernel, plugins' services).</summary>
    public IServiceProvider Services { get; } = services;

    /// <summary>The command line as typed.</summary>
    public string CommandLine { get; } = commandLine;

    /// <summary>Cancellation (Ctrl-C in the REPL, Esc in the TUI); check it in loops.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Progress sink, may be null.</summary>
    public IProgress<CommandProgress>? Progress { get; } = progress;

    /// <summary>True when a dump is open.</summary>
    public bool HasDump => Services.GetService<IKernel>() is not null;

    /// <summary>The open dump's kernel; throws <see cref="NoDumpException"/> when none is open.</summary>
    public IKernel Kernel => Services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>
    /// The current task set with <c>set</c> (<see cref="ICurrentContext"/>), or null: what a task command run with
    /// no PID or task argument shows, before its own default (the panicking task).
    /// </summary>
    public ulong? CurrentTask => Services.GetService<ICurrentContext>()?.Task;

    /// <summary>A required service.</summary>
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Reports progress.</summary>
    public void Report(long done, long total, string what) => Progress?.Report(new CommandProgress(done, total, what));
}

/// <summary>A command that needs a dump ran without one.</summary>
public sealed class NoDumpException() : Exception("no dump is open");

/// <summary>The user's input is wrong (bad option, missing argument, unknown name): printed without a stack trace.</summary>
public sealed class UsageException(string message) : Exception(message);
