using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Testing;

/// <summary>Runs command classes as the host does after binding (no parser: the test sets the options).</summary>
public static class CommandRuns
{
    /// <summary>Runs <paramref name="command"/> with <paramref name="services"/> and the typed <paramref name="line"/>.</summary>
    public static CommandResult Run(this IServiceProvider services, ICommand command, string line = "test") =>
        command.Execute(new CommandContext(services, line, CancellationToken.None));

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
