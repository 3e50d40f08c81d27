namespace DumpScope.Plugins.Diff.Commands;

/// <summary>What the slab cache table of diff is ranked by.</summary>
public enum DiffSort
{
    /// <summary>Growth of the bytes held in slabs.</summary>
    Bytes,
    /// <summary>Growth of the allocated objects.</summary>
    Objects,
    /// <summary>Growth of the number of slabs.</summary>
    Slabs,
}
