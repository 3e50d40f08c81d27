using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>A module loaded (<see cref="Change.Appeared"/>), unloaded (<see cref="Change.Vanished"/>) or reloaded / changed state (<see cref="Change.Changed"/>).</summary>
public sealed record ModuleChange(Change Change, ModuleSnapshot? Old, ModuleSnapshot? New)
{
    /// <summary>The module as last seen.</summary>
    public ModuleSnapshot Module => New ?? Old!;
}
