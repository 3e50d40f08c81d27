namespace DumpScope.Sdk.Commands;

/// <summary>
/// Runs another command of the session and returns its data, so that a plugin can build on what other
/// plugins compute (a "largest caches" view over <c>kmem -s</c>) without referencing them. Registered by the host.
/// </summary>
public interface ICommandInvoker
{
    /// <summary>Runs a command line; failures come back as a failed result, not as exceptions.</summary>
    CommandResult Invoke(string commandLine, CancellationToken cancellation = default);
}
