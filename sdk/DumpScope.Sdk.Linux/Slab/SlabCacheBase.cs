namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// What the caches of both allocators share: the struct kmem_cache loaded once through its live (trimmed) size, the
/// geometry read from it, the node pointers below nr_node_ids, and one slab's objects with their states.
/// </summary>
public abstract class SlabCacheBase : ISlabCache
{
    private protected SlabCacheBase(IKernel kernel, SlabLayout layout, ulong address)
    {
        Kernel = kernel;
        Layout = layout;
        Address = address;
        // Load() reads exactly the registered runtime size: never the declared array[NR_CPUS] or node[MAX_NUMNODES].
        Cache = new KernelObject(kernel, layout.KmemCache, address).Load();
    }

    /// <summary>The kernel the cache is in.</summary>
    private protected IKernel Kernel { get; }

    /// <summary>The layout probed for this kernel.</summary>
    private protected SlabLayout Layout { get; }

    /// <summary>The struct kmem_cache, loaded.</summary>
    private protected KernelObject Cache { get; }

    /// <inheritdoc/>
    public ulong Address { get; }

    /// <inheritdoc/>
    public ulong Size { get; private protected init; }

    /// <inheritdoc/>
    public ulong ObjectSize { get; private protected init; }

    /// <inheritdoc/>
    public uint ObjectsPerSlab { get; private protected init; }

    /// <inheritdoc/>
    public int Order { get; private protected init; }

    /// <inheritdoc/>
    public ulong SlabBytes => (ulong)Kernel.PageSize << Order;

    /// <inheritdoc/>
    public string Name => Cache["name"].ReadString(64);

    /// <summary>
    /// The non-NULL kmem_cache.node[] (or per_node[].node) pointers, for node ids below nr_node_ids only (the rest is
    /// past the live size).
    /// </summary>
    private protected IEnumerable<(int Node, ulong Address)> NodeArray() => PerNodePointers(Layout.NodePointerPath);

    /// <summary>The non-NULL per_node[].barn pointers (7.1+), empty when barns hang off kmem_cache_node or are absent.</summary>
    private protected IEnumerable<(int Node, ulong Address)> BarnArray() =>
        Layout.BarnPointerPath is { } path ? PerNodePointers(path) : [];

    private IEnumerable<(int Node, ulong Address)> PerNodePointers(string pathFormat)
    {
        uint count = Math.Max(1u, Kernel.NrNodeIds);
        for (uint n = 0; n < count; n++)
            if (Cache[string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, n)].ReadPointer() is var p and not 0)
                yield return ((int)n, p);
    }

    /// <summary>Each object of <paramref name="slab"/>, <see cref="Size"/> apart, with its state from <paramref name="states"/>.</summary>
    private protected SlabContents ContentsOf(SlabInfo slab, SlabFreeMap states)
    {
        var objects = new SlabObject[slab.Objects];
        for (uint i = 0; i < slab.Objects; i++)
        {
            ulong address = slab.Memory + i * Size;
            objects[i] = new SlabObject(address, slab.Descriptor, states.StateOf(address));
        }
        return new SlabContents(slab, objects);
    }

    /// <inheritdoc/>
    public abstract SlabCacheStatistics Statistics(string? name, CancellationToken cancellation);

    /// <inheritdoc/>
    public abstract SlabCacheContents Contents(CancellationToken cancellation);

    /// <inheritdoc/>
    public virtual SlabCacheWalk Walk(CancellationToken cancellation) => SlabCacheWalk.Of(Contents(cancellation));

    /// <inheritdoc/>
    public abstract IEnumerable<ulong> ForEachAllocatedObject(Action<string>? problem = null, CancellationToken cancellation = default);
}
