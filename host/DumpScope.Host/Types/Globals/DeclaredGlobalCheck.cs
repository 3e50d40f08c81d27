namespace DumpScope.Host.Types.Globals;

/// <summary>How a declared global fared against one kernel.</summary>
/// <param name="Name">The global.</param>
/// <param name="Type">The type chosen, or null when no alternative fits.</param>
/// <param name="Chosen">The alternative chosen, as written.</param>
/// <param name="Notes">Why alternatives were refused (or that the symbol is missing), in order.</param>
public sealed record DeclaredGlobalCheck(string Name, KernelType? Type, string? Chosen, IReadOnlyList<string> Notes);
