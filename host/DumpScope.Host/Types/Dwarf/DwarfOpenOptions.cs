namespace DumpScope.Host.Types.Dwarf;

/// <summary>How <see cref="DwarfTypeCatalog.Open"/> indexes a file.</summary>
public sealed class DwarfOpenOptions
{
    /// <summary>The defaults: cache under ~/.cache/dumpscope/dwarf-index, one thread per core.</summary>
    public static DwarfOpenOptions Default { get; } = new();

    /// <summary>Where index caches live; null for $XDG_CACHE_HOME/dumpscope/dwarf-index (else ~/.cache/…).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Read and write the persistent index cache (keyed by the file's build-id).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Threads used to index (at most one per unit chunk); 0 for one per processor.</summary>
    public int Parallelism { get; init; }
}
