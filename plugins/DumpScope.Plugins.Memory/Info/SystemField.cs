namespace DumpScope.Plugins.Memory.Info;

/// <summary>A field of <c>sys</c>: crash's name, the value (or why it is missing) and where it came from.</summary>
/// <param name="Name">"RELEASE", "UPTIME"…</param>
/// <param name="Value">The value cell.</param>
/// <param name="Source">Where it came from.</param>
public sealed record SystemField(string Name, Cell Value, string Source);
