namespace DumpScope.Plugins.Slab.Commands;

/// <summary>
/// The struct a cache's objects are, when the cache is named after it: "task_struct", "dentry" (the name itself),
/// "ext4_inode_cache" → ext4_inode_info, "files_cache" → files_struct, "inode_cache" → inode. A name that is no C
/// identifier (kmalloc-64, :0000064) has no type. The struct may be larger than the cache's objects: x86's
/// task_struct cache holds arch_task_struct_size bytes, less than sizeof(struct task_struct) whose FPU state at the
/// end is sized at boot.
/// </summary>
internal static class CacheObjectType
{
    private const string CacheSuffix = "_cache";

    /// <summary>The type's name without "struct" ("task_struct"), or null.</summary>
    public static string? Find(ITypeCatalog types, string cacheName)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (cacheName.Length == 0 || char.IsDigit(cacheName[0]) || !cacheName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            return null;
        var candidates = new List<string> { cacheName };
        if (cacheName.EndsWith(CacheSuffix, StringComparison.Ordinal) && cacheName.Length > CacheSuffix.Length)
        {
            var stem = cacheName[..^CacheSuffix.Length];
            candidates.AddRange([stem + "_info", stem + "_struct", stem]);
        }
        foreach (var candidate in candidates)
        {
            if (types.TryParse("struct " + candidate) is { } type && type.Resolve() is { Kind: TypeKind.Struct, Size: > 0 })
                return candidate;
        }
        return null;
    }
}
