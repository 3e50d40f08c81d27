namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>One loaded module at one moment.</summary>
/// <param name="Name">The module's name.</param>
/// <param name="Address">Its struct module.</param>
/// <param name="Size">Bytes of its memory regions.</param>
/// <param name="State">LIVE, COMING, GOING, UNFORMED.</param>
public sealed record ModuleSnapshot(string Name, ulong Address, ulong Size, string State);
