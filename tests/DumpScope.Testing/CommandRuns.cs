using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Testing;

/// <summary>Runs command classes as the host does after binding (no parser: the test sets the options).</summary>
public static class CommandRuns
{
    /// <summary>
    /// Runs <paramref name="command"/> with <paramref name="services"/> and the typed <paramref name="line"/>; streamed
    /// tables are materialized, as the host's Run does (a row source's exception propagates to the test).
    /// </summary>
    public static CommandResult Run(this IServiceProvider services, ICommand command, string line = "test")
    {
        var result = command.Execute(new CommandContext(services, line, CancellationToken.None));
        result.Materialize();
        return result;
    }

    /// <summary>
    /// Builds <typeparamref name="TCommand"/> from <paramref name="services"/> (its constructor's analyzers come
    /// from there), sets its options with <paramref name="options"/> and runs it.
    /// </summary>
    public static CommandResult Run<TCommand>(this IServiceProvider services, string line, Action<TCommand>? options = null)
        where TCommand : ICommand
    {
        var command = ActivatorUtilities.CreateInstance<TCommand>(services);
        options?.Invoke(command);
        return services.Run(command, line);
    }
}
