namespace DumpScope.Fleet.Store;

/// <summary>
/// One schema step: its version (1, 2, … with no gaps), what it does, and its statements. <c>{id}</c> in a statement
/// is the dialect's auto-numbered primary key column type.
/// </summary>
public sealed record Migration(int Version, string Description, IReadOnlyList<string> Statements);
