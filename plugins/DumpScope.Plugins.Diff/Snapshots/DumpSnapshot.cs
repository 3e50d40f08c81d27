namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>
/// What diff compares of one dump: its identity, slab caches, tasks, kmem -i counters and modules. Each part that
/// could not be read at all is null with the reason in <see cref="Problems"/>; an entry that could not be read is
/// kept, marked, so that the comparison shows it instead of counting it as gone.
/// </summary>
public sealed class DumpSnapshot
{
    /// <summary>Kernel build and boot.</summary>
    public required KernelIdentity Identity { get; init; }

    /// <summary>Slab caches, null when the allocator could not be read.</summary>
    public IReadOnlyList<CacheSnapshot>? Caches { get; init; }

    /// <summary>Tasks, null when the task list could not be read.</summary>
    public IReadOnlyList<TaskSnapshot>? Tasks { get; init; }

    /// <summary>kmem -i rows (pages), null when not read.</summary>
    public IReadOnlyList<MemoryInfoRow>? Memory { get; init; }

    /// <summary>Bytes per page (for the memory rows).</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>Modules, null when the module list could not be read.</summary>
    public IReadOnlyList<ModuleSnapshot>? Modules { get; init; }

    /// <summary>Parts that could not be read or were read only partly.</summary>
    public List<string> Problems { get; } = [];
}
