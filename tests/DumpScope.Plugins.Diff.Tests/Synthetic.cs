using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Tests;

/// <summary>Hand-made snapshots for the comparison logic (what the fixtures lack: vanished caches, corruption, pid reuse).</summary>
internal static class Synthetic
{
    public static readonly KernelIdentity Identity = new("6.1.0-56-cloud-amd64", "3b43fad5034874490492495d552c0af6a5fab235", 0x10200000, true);

    public static CacheSnapshot Cache(string name, long allocated, long slabs, ulong slabSize = 4096, string? problem = null, ulong objectSize = 64) =>
        new(name, 0xffff888000100000UL + (ulong)name.GetHashCode() % 0x1000 * 0x100, objectSize, problem is null ? allocated : null, problem is null ? slabs : null, slabSize, problem);

    public static TaskSnapshot Task(int pid, string comm, string state, long rss = 0, int? ppid = 1, ulong? address = null, int? tgid = null, string? problem = null) =>
        new(address ?? 0xffff888004000000UL + (ulong)pid * 0x2000, pid, tgid ?? pid, ppid, comm, state, rss, problem);

    public static DumpSnapshot Snapshot(IEnumerable<CacheSnapshot>? caches = null, IEnumerable<TaskSnapshot>? tasks = null,
        IEnumerable<MemoryInfoRow>? memory = null, IEnumerable<ModuleSnapshot>? modules = null) => new()
        {
            Identity = Identity,
            Caches = caches?.ToList() ?? [],
            Tasks = tasks?.ToList() ?? [],
            Memory = memory?.ToList() ?? [],
            Modules = modules?.ToList() ?? [],
        };

    public static MemoryInfoRow Row(string name, long? pages) =>
        new(name, pages, pages is null ? Absence.Unreadable : Absence.None, pages is null ? "page excluded" : null, null, "test", 0);
}
