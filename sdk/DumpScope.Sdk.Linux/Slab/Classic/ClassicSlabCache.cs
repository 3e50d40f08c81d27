namespace DumpScope.Sdk.Linux.Slab.Classic;

/// <summary>
/// A cache of the SLAB allocator. The trailing array of kmem_cache (array[NR_CPUS], node[MAX_NUMNODES]) is read
/// only for CPUs below nr_cpu_ids that are possible and nodes below nr_node_ids, never up to a terminator:
/// array[nr_cpu_ids] is other data (the seed's garbage limit 0xffffffffffff8801).
/// </summary>
public sealed class ClassicSlabCache : SlabCacheBase
{
    /// <summary>Largest array_cache limit believed; larger is garbage, never used as a length.</summary>
    public const uint MaxArrayCacheLimit = 1 << 16;

    /// <summary>BUFCTL_END: the end of a management slab's kmem_bufctl_t free chain.</summary>
    private const uint BufctlEnd = 0xffff_ffff;

    private readonly ClassicSlabAllocator _allocator;
    private Dictionary<ulong, string>? _cachedObjects;

    internal ClassicSlabCache(ClassicSlabAllocator allocator, ulong address) : base(allocator.Kernel, allocator.Layout, address)
    {
        _allocator = allocator;
        var type = allocator.Layout.KmemCache.Resolve();
        Size = Cache[type.HasMember("size") ? "size" : "buffer_size"].ReadUnsigned();
        ObjectSize = type.HasMember("object_size") ? Cache["object_size"].ReadUnsigned() : type.HasMember("obj_size") ? Cache["obj_size"].ReadUnsigned() : Size;
        ObjectsPerSlab = (uint)Cache["num"].ReadUnsigned();
        Order = (int)Cache["gfporder"].ReadUnsigned();
        if (Size == 0 || Size > 1 << 26 || ObjectsPerSlab == 0 || ObjectsPerSlab > 1 << 16 || Order > 20)
            throw new InvalidDataException($"kmem_cache {address:x}: size {Size}, num {ObjectsPerSlab}, gfporder {Order} are impossible");
    }

    /// <summary>The array_cache of each CPU that has one.</summary>
    public IEnumerable<(int Cpu, ulong ArrayCache)> CpuArrayCaches()
    {
        if (_allocator.HasCpuCache)
        {
            ulong perCpu = Cache["cpu_cache"].ReadPointer();
            foreach (var cpu in Kernel.ForEachPossibleCpu()) yield return (cpu, Kernel.PerCpuPtr(perCpu, cpu));
            yield break;
        }
        foreach (var cpu in Kernel.ForEachPossibleCpu())
        {
            ulong ac = Cache[$"array[{cpu}]"].ReadPointer();
            if (ac != 0) yield return (cpu, ac);
        }
    }

    /// <summary>The per-node structures (kmem_cache_node or kmem_list3) below nr_node_ids.</summary>
    public IEnumerable<(int Node, ulong Address)> Nodes()
    {
        uint count = Math.Max(1u, Kernel.NrNodeIds);
        var type = _allocator.Layout.KmemCache.Resolve();
        if (type.HasMember("node"))
        {
            foreach (var node in NodeArray()) yield return node;
            yield break;
        }
        var nodelists = Cache["nodelists"];
        var kind = nodelists.Type.Resolve().Kind;
        for (uint n = 0; n < count; n++)
        {
            ulong p = kind == TypeKind.Array ? nodelists.Index(n).ReadPointer() : Kernel.Memory.ReadU64(nodelists.ReadPointer() + n * 8, "kmem_list3 pointer");
            if (p != 0) yield return ((int)n, p);
        }
    }

    /// <summary>Objects sitting in an array_cache (avail), checked against its limit.</summary>
    public uint Avail(ulong arrayCache)
    {
        var ac = new KernelObject(Kernel, _allocator.ArrayCacheType, arrayCache).Load();
        uint avail = (uint)ac["avail"].ReadUnsigned();
        ulong limit = ac["limit"].ReadUnsigned();
        if (limit > MaxArrayCacheLimit || avail > limit)
            throw new InvalidDataException($"array_cache {arrayCache:x}: avail {avail}, limit {limit:x} are impossible");
        return avail;
    }

    /// <summary>The objects an array_cache holds (entry[0..avail), the low bit — SLAB_OBJ_PFMEMALLOC — cleared).</summary>
    public ulong[] ArrayCacheObjects(ulong arrayCache)
    {
        uint avail = Avail(arrayCache);
        if (avail == 0) return [];
        ulong entry = _allocator.ArrayCacheType.Resolve().FindMember("entry").Offset;
        var bytes = Kernel.Memory.ReadBytes(arrayCache + entry, (int)avail * 8, "array_cache.entry");
        var objects = new ulong[avail];
        for (int i = 0; i < objects.Length; i++) objects[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(i * 8)) & ~1UL;
        return objects;
    }

    private ulong? SharedCache(ulong node)
    {
        if (!_allocator.NodeType.Resolve().HasMember("shared")) return null;
        ulong shared = new KernelObject(Kernel, _allocator.NodeType, node)["shared"].ReadPointer();
        return shared == 0 ? null : shared;
    }

    /// <inheritdoc/>
    public override SlabCacheStatistics Statistics(string? name, CancellationToken cancellation)
    {
        var problems = new List<string>();
        long cached = 0;
        foreach (var (cpu, ac) in CpuArrayCaches())
        {
            try { cached += Avail(ac); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"cpu {cpu} array_cache: {KernelDataErrors.Reason(e)}"); }
        }

        long slabs = 0, inuse = 0;
        bool complete = true;
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var (list, descriptors) in NodeLists(node, cancellation))
            {
                if (!descriptors.IsComplete) { problems.Add($"node {nodeId} {list}: {descriptors.Problem}"); complete = false; }
                slabs += descriptors.Items.Count;
                if (list == "slabs_full") { inuse += descriptors.Items.Count * (long)ObjectsPerSlab; continue; }
                if (list == "slabs_free") continue;
                foreach (var descriptor in descriptors.Items)
                {
                    try { inuse += InUse(descriptor); }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"node {nodeId}: {KernelDataErrors.Reason(e)}"); complete = false; }
                }
            }
            try
            {
                if (SharedCache(node) is { } shared) cached += Avail(shared);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"node {nodeId} shared array_cache: {KernelDataErrors.Reason(e)}"); }
        }
        long total = slabs * ObjectsPerSlab;
        // crash's kmem -s prints SLAB's size (the stride) as OBJSIZE; object_size stays in the statistics.
        return new SlabCacheStatistics(Address, name, ObjectSize, Size, complete ? inuse - cached : null, complete ? total : null, complete ? slabs : null,
            SlabBytes, problems) { CrashObjectSize = Size };
    }

    private IEnumerable<(string List, WalkResult<ulong> Descriptors)> NodeLists(ulong node, CancellationToken cancellation)
    {
        var nodeType = _allocator.NodeType.Resolve();
        ulong link = _allocator.Layout.SlabType.Resolve().FindMember(_allocator.Layout.SlabListMember).Offset;
        foreach (var list in new[] { "slabs_full", "slabs_partial", "slabs_free" })
            yield return (list, KernelLists.ListForEach(Kernel.Memory, node + nodeType.FindMember(list).Offset, SlabHelpers.MaxListLength, cancellation)
                .Select(entry => entry - link));
    }

    private uint InUse(ulong descriptor)
    {
        uint active = (uint)new KernelObject(Kernel, _allocator.Layout.SlabType, descriptor)[_allocator.InUseMember].ReadUnsigned();
        if (active > ObjectsPerSlab) throw new InvalidDataException($"slab {descriptor:x}: {_allocator.InUseMember} {active} > num {ObjectsPerSlab}");
        return active;
    }

    /// <summary>Reads a slab: its first object (s_mem), its in-use count and where it sits.</summary>
    public SlabInfo ReadSlab(ulong descriptor, string where, int node)
    {
        var slab = new KernelObject(Kernel, _allocator.Layout.SlabType, descriptor);
        ulong memory = slab["s_mem"].ReadPointer();
        if (!KernelAddress.IsKernel(memory)) throw new InvalidDataException($"slab {descriptor:x} ({where}): s_mem {memory:x} is not a kernel address");
        return new SlabInfo(descriptor, memory, Kernel.NrNodeIds <= 1 ? 0 : node, ObjectsPerSlab, InUse(descriptor), where, -1);
    }

    /// <summary>
    /// The states of one slab's objects: the slab's free objects (management slabs: the kmem_bufctl_t chain from
    /// slab->free; 3.13+: the freelist index array's entries from active to num), and objects held in the CPUs'
    /// and the nodes' shared array caches (in use for the slab, free for the user). An unreadable freelist leaves
    /// the other objects unknown.
    /// </summary>
    internal SlabFreeMap States(SlabInfo slab, List<string> problems)
    {
        var free = new Dictionary<ulong, string>();
        string? incomplete = null;
        try
        {
            foreach (var index in FreeIndices(slab)) free[slab.Memory + index * Size] = "slab freelist";
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add(incomplete = $"freelist of slab {slab.Descriptor:x}: {KernelDataErrors.Reason(e)}");
        }
        return new SlabFreeMap(free, CachedObjects(problems), incomplete);
    }

    private List<uint> FreeIndices(SlabInfo slab)
    {
        var indices = new List<uint>();
        var obj = new KernelObject(Kernel, _allocator.Layout.SlabType, slab.Descriptor);
        if (_allocator.ManagementSlab)
        {
            // kmem_bufctl_t bufctl[num] follows struct slab (slab_bufctl()); the chain starts at slab->free.
            ulong bufctl = slab.Descriptor + _allocator.Layout.SlabType.Size;
            var chain = Kernel.Memory.ReadBytes(bufctl, (int)ObjectsPerSlab * 4, "kmem_bufctl_t array");
            uint next = (uint)obj["free"].ReadUnsigned();
            while (next != BufctlEnd)
            {
                if (next >= ObjectsPerSlab) throw new InvalidDataException($"free chain reaches index {next}, beyond num {ObjectsPerSlab}");
                if (indices.Count >= ObjectsPerSlab) throw new InvalidDataException($"free chain is longer than the {ObjectsPerSlab} objects (a cycle)");
                indices.Add(next);
                next = BinaryPrimitives.ReadUInt32LittleEndian(chain.AsSpan((int)next * 4));
            }
            return indices;
        }
        // 3.13+: freelist points to num indices; those from active on are the free objects.
        ulong freelist = obj["freelist"].ReadPointer();
        int size = _allocator.FreelistIndexSize;
        var bytes = Kernel.Memory.ReadBytes(freelist, (int)ObjectsPerSlab * size, "slab freelist index array");
        for (uint i = slab.InUse; i < ObjectsPerSlab; i++)
        {
            uint index = size == 1 ? bytes[i] : BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)i * 2));
            if (index >= ObjectsPerSlab) throw new InvalidDataException($"freelist index {index} beyond num {ObjectsPerSlab}");
            indices.Add(index);
        }
        return indices;
    }

    /// <summary>Objects in the per-CPU and shared array caches, with where they sit.</summary>
    private Dictionary<ulong, string> CachedObjects(List<string> problems)
    {
        if (_cachedObjects is { } known) return known;
        var objects = new Dictionary<ulong, string>();
        foreach (var (cpu, ac) in CpuArrayCaches())
        {
            try { foreach (var o in ArrayCacheObjects(ac)) objects.TryAdd(o, $"cpu {cpu} cache"); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"cpu {cpu} array_cache: {KernelDataErrors.Reason(e)}"); }
        }
        foreach (var (node, address) in Nodes())
        {
            try
            {
                if (SharedCache(address) is { } shared)
                    foreach (var o in ArrayCacheObjects(shared)) objects.TryAdd(o, $"node {node} shared cache");
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"node {node} shared array_cache: {KernelDataErrors.Reason(e)}"); }
        }
        return _cachedObjects = objects;
    }

    /// <inheritdoc/>
    public override SlabCacheContents Contents(CancellationToken cancellation)
    {
        var problems = new List<string>();
        var cpuCaches = CpuArrayCaches().Select(c => new CpuCacheInfo(c.Cpu, c.ArrayCache)).ToList();
        var nodes = new List<NodeInfo>();
        var slabs = new List<SlabContents>();
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            long count = 0, partial = 0;
            foreach (var (list, descriptors) in NodeLists(node, cancellation))
            {
                if (!descriptors.IsComplete) problems.Add($"node {nodeId} {list}: {descriptors.Problem}");
                count += descriptors.Items.Count;
                if (list == "slabs_partial") partial = descriptors.Items.Count;
                string where = $"node {nodeId} {list["slabs_".Length..]}";
                foreach (var descriptor in descriptors.Items)
                {
                    try
                    {
                        var slab = ReadSlab(descriptor, where, nodeId);
                        slabs.Add(ContentsOf(slab, States(slab, problems)));
                    }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"{where} slab {descriptor:x}: {KernelDataErrors.Reason(e)}"); }
                }
            }
            nodes.Add(new NodeInfo(nodeId, node, count, partial));
        }
        return new SlabCacheContents("struct array_cache", _allocator.NodeType.DisplayName, "full, partial and free slabs", cpuCaches, nodes, slabs, problems);
    }

    /// <inheritdoc/>
    public override IEnumerable<ulong> ForEachAllocatedObject(Action<string>? problem = null, CancellationToken cancellation = default)
    {
        var problems = new List<string>();
        foreach (var (nodeId, node) in Nodes())
        {
            foreach (var (list, descriptors) in NodeLists(node, cancellation))
            {
                if (!descriptors.IsComplete) problem?.Invoke($"node {nodeId} {list}: {descriptors.Problem}");
                if (list == "slabs_free") continue;
                foreach (var descriptor in descriptors.Items)
                {
                    SlabInfo slab;
                    SlabFreeMap states;
                    problems.Clear();
                    try
                    {
                        slab = ReadSlab(descriptor, list, nodeId);
                        states = States(slab, problems);
                    }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                    {
                        problem?.Invoke($"slab {descriptor:x}: {KernelDataErrors.Reason(e)}");
                        continue;
                    }
                    foreach (var p in problems) problem?.Invoke(p);
                    for (uint i = 0; i < slab.Objects; i++)
                        if (states.StateOf(slab.Memory + i * Size).Allocated == true) yield return slab.Memory + i * Size;
                }
            }
        }
    }
}
