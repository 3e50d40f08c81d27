namespace DumpScope.Fuzz;

/// <summary>An input that crashed or hung a harness, and where it was saved.</summary>
/// <param name="Harness">The harness name.</param>
/// <param name="What">The exception (type, message, top of stack) or "hang".</param>
/// <param name="SavedTo">The file holding the input, or null when it could not be saved.</param>
public sealed record SmokeFinding(string Harness, string What, string? SavedTo);
