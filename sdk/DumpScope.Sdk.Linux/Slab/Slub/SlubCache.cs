namespace DumpScope.Sdk.Linux.Slab.Slub;

/// <summary>
/// A SLUB cache read through its live (trimmed) size: per-CPU slabs and freelists, cpu partial chains, per-node
/// partial lists, sheaves, and the counting crash's <c>kmem -s</c> does: free = per CPU (cpu slab objects - inuse
/// + cpu freelist + Σ cpu partial objects - inuse) + per node Σ partial objects - inuse + objects in sheaves;
/// TOTAL and SLABS from the nodes' SLUB_DEBUG counters.
/// </summary>
public sealed class SlubCache : SlabCacheBase
{
    private readonly SlubAllocator _allocator;
    private Dictionary<ulong, string>? _sheafObjects;

    internal SlubCache(SlubAllocator allocator, ulong address) : base(allocator.Kernel, allocator.Layout, address)
    {
        _allocator = allocator;
        ObjectSize = Cache["object_size"].ReadUnsigned();
        Size = Cache["size"].ReadUnsigned();
        FreePointerOffset = Cache["offset"].ReadUnsigned();
        Random = Cache.HasMember("random") ? Cache["random"].ReadUnsigned() : 0;
        uint oo = (uint)Cache["oo.x"].ReadUnsigned();
        ObjectsPerSlab = oo & 0xffff;
        Order = (int)(oo >> 16);
        if (Size == 0 || Size > 1 << 26) throw new InvalidDataException($"kmem_cache {address:x}: object size {Size} is impossible");
        if (Order > 20) throw new InvalidDataException($"kmem_cache {address:x}: slab order {Order} is impossible");
    }

    /// <summary>offset: where the free pointer sits inside a free object.</summary>
    public ulong FreePointerOffset { get; }

    /// <summary>s->random for hardened freelists, 0 otherwise.</summary>
    public ulong Random { get; }

    /// <summary>The cache object (for struct printing).</summary>
    public KernelObject Object => Cache;

    /// <summary>Per-CPU state: kmem_cache_cpu address, cpu slab, raw freelist head, partial chain head.</summary>
    public IEnumerable<(int Cpu, ulong CpuCache, ulong Slab, ulong Freelist, ulong Partial)> CpuStates()
    {
        if (_allocator.CpuType is not { } cpuType) yield break;
        ulong perCpu = Cache["cpu_slab"].ReadPointer();
        foreach (var cpu in Kernel.ForEachPossibleCpu())
        {
            var c = new KernelObject(Kernel, cpuType, Kernel.PerCpuPtr(perCpu, cpu)).Load();
            yield return (cpu, c.Address, c[_allocator.CpuSlabMember].ReadPointer(), c["freelist"].ReadPointer(),
                _allocator.HasCpuPartial ? c["partial"].ReadPointer() : 0);
        }
    }

    /// <summary>The CPU whose active slab <paramref name="descriptor"/> is, with its lockless freelist head; (-1, 0) for none.</summary>
    public (int Cpu, ulong Freelist) CpuOwning(ulong descriptor)
    {
        foreach (var (cpu, _, slab, freelist, _) in CpuStates())
            if (slab == descriptor) return (cpu, freelist);
        return (-1, 0);
    }

    /// <summary>The non-NULL kmem_cache_node pointers, for node ids below nr_node_ids only.</summary>
    public IEnumerable<(int Node, ulong Address)> Nodes() => NodeArray();

    /// <summary>Reads a slab descriptor's counters.</summary>
    public SlabInfo ReadSlab(ulong descriptor, string where, int cpu, int node = -1)
    {
        var slab = new KernelObject(Kernel, _allocator.Layout.SlabType, descriptor).Load();
        uint objects = (uint)slab["objects"].ReadUnsigned();
        uint inuse = (uint)slab["inuse"].ReadUnsigned();
        if (objects == 0 || objects > 65535 || inuse > objects)
            throw new InvalidDataException($"slab {descriptor:x} ({where}): objects {objects}, inuse {inuse} are impossible");
        return new SlabInfo(descriptor, Kernel.PageToVirt(descriptor), Kernel.NrNodeIds <= 1 ? 0 : node, objects, inuse, where, cpu);
    }

    /// <summary>The slab's own freelist head (raw pointer).</summary>
    public ulong SlabFreelist(ulong descriptor) =>
        new KernelObject(Kernel, _allocator.Layout.SlabType, descriptor)["freelist"].ReadPointer();

    /// <summary>The next slab on a CPU partial chain.</summary>
    public ulong NextPartial(ulong descriptor) =>
        new KernelObject(Kernel, _allocator.Layout.SlabType, descriptor)["next"].ReadPointer();

    /// <summary>
    /// Walks a freelist from its raw head, decoding stored pointers, bounded by the slab's object count and
    /// checked to stay inside the slab: a pointer outside it or a cycle ends the walk with a problem.
    /// </summary>
    public WalkResult<ulong> WalkFreelist(ulong head, SlabInfo slab)
    {
        var encoding = _allocator.EncodingFor(this, head, slab);
        ulong start = slab.Memory, end = slab.Memory + (ulong)slab.Objects * Size;
        var walk = KernelLists.NullTerminated(Kernel.Memory, head, FreePointerOffset, (int)slab.Objects + 1,
            (stored, at) => FreelistDecoder.Decode(encoding, Random, stored, at));
        // Every node must be an object of this slab: anything else is garbage that must not be trusted.
        for (int i = 0; i < walk.Items.Count; i++)
        {
            ulong obj = walk.Items[i];
            if (obj < start || obj >= end || (obj - start) % Size != 0)
                return new WalkResult<ulong>(walk.Items.Take(i).ToArray(), WalkEnd.CorruptLink,
                    $"freelist of slab {slab.Descriptor:x} ({slab.Where}) leads to {obj:x}, outside its objects {start:x}-{end:x}");
        }
        return walk.End switch
        {
            WalkEnd.Completed => walk,
            WalkEnd.BoundReached => new WalkResult<ulong>(walk.Items, WalkEnd.Cycle, $"freelist of slab {slab.Descriptor:x} ({slab.Where}) is longer than its {slab.Objects} objects (a cycle)"),
            _ => new WalkResult<ulong>(walk.Items, walk.End, $"freelist of slab {slab.Descriptor:x} ({slab.Where}): {walk.Problem}"),
        };
    }

    /// <summary>Slab descriptors on a node's partial list.</summary>
    public WalkResult<ulong> NodePartial(ulong node)
    {
        ulong head = node + _allocator.NodeType.Resolve().FindMember("partial").Offset;
        ulong linkOffset = _allocator.Layout.SlabType.Resolve().FindMember(_allocator.Layout.SlabListMember).Offset;
        return KernelLists.ListForEach(Kernel.Memory, head, SlabHelpers.MaxListLength).Select(n => n - linkOffset);
    }

    /// <summary>
    /// The node's SLUB_DEBUG counters: nr_slabs and total_objects, or null without CONFIG_SLUB_DEBUG. Counters that
    /// cannot be true (negative, fewer objects than slabs, more than a slab's object count field can hold per slab)
    /// throw <see cref="InvalidDataException"/>: a corrupt kmem_cache_node is reported, not summed into the totals.
    /// </summary>
    public (long Slabs, long Total)? NodeCounters(ulong node)
    {
        var n = new KernelObject(Kernel, _allocator.NodeType, node).Load();
        if (!n.HasMember("nr_slabs") || !n.HasMember("total_objects")) return null;
        long slabs = Counter(n["nr_slabs"]), total = Counter(n["total_objects"]);
        // slab->objects is a 15-bit field (struct page and struct slab alike), so no slab holds more than 32767 objects.
        const long MaxObjectsPerSlab = 0x7fff;
        if (slabs < 0 || total < slabs || (slabs > 0 && total / slabs > MaxObjectsPerSlab) || (slabs == 0 && total != 0))
            throw new InvalidDataException($"kmem_cache_node {node:x}: nr_slabs {slabs} and total_objects {total} are not counts of slabs and objects");
        return (slabs, total);
    }

    // The node counters, or null (reported in problems) where they are corrupt.
    private (long Slabs, long Total)? NodeCountersOrProblem(int nodeId, ulong node, List<string> problems)
    {
        try { return NodeCounters(node); }
        catch (InvalidDataException e)
        {
            problems.Add($"node {nodeId}: {e.Message}");
            return null;
        }
    }

    private static long Counter(KernelObject atomic) => atomic.HasMember("counter") ? atomic["counter"].ReadSigned() : atomic.ReadSigned();

    /// <summary>
    /// The states of one slab's objects. Free: the slab's own freelist; for CPU N's active slab also the CPU's
    /// lockless freelist (<paramref name="cpuFreelist"/>), and, as crash reports them, every free object of CPU N's
    /// active slab (whichever freelist holds it, remote frees included) is "cpu N cache"; objects in sheaves are
    /// free where their sheaf sits. A freelist that could not be walked leaves the other objects unknown.
    /// </summary>
    internal SlabFreeMap States(SlabInfo slab, ulong cpuFreelist, List<string> problems)
    {
        var free = new Dictionary<ulong, string>();
        string? incomplete = null;
        string slabWhere = slab.Cpu >= 0 && slab.Where == $"cpu {slab.Cpu}" ? $"cpu {slab.Cpu} cache" : "slab freelist";
        var own = WalkFreelist(SlabFreelist(slab.Descriptor), slab);
        if (!own.IsComplete) problems.Add(incomplete = own.Problem!);
        foreach (var o in own.Items) free[o] = slabWhere;
        if (slab.Cpu >= 0 && cpuFreelist != 0)
        {
            var lockless = WalkFreelist(cpuFreelist, slab);
            if (!lockless.IsComplete) problems.Add(incomplete = lockless.Problem!);
            foreach (var o in lockless.Items) free[o] = $"cpu {slab.Cpu} cache";
        }
        return new SlabFreeMap(free, SheafObjects(problems), incomplete);
    }

    /// <summary>Objects held in this cache's sheaves, and where (empty on kernels without sheaves).</summary>
    private Dictionary<ulong, string>? SheafObjects(List<string> problems)
    {
        if (_allocator.Sheaves is not { } sheaves) return null;
        if (_sheafObjects is { } known) return known;
        var objects = new Dictionary<ulong, string>();
        foreach (var (where, sheaf) in sheaves.ForEachSheaf(Kernel, Cache["cpu_sheaves"].ReadPointer(), sheaves.Barns(Kernel, Nodes(), BarnArray(), Layout.BarnPointerPath is not null, problems), problems))
        {
            try { foreach (var o in sheaves.ObjectsOf(Kernel, sheaf)) objects.TryAdd(o, where); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"{where} {sheaf:x}: {KernelDataErrors.Reason(e)}"); }
        }
        return _sheafObjects = objects;
    }

    /// <inheritdoc/>
    public override SlabCacheStatistics Statistics(string? name, CancellationToken cancellation)
    {
        var problems = new List<string>();
        long free = 0;
        foreach (var (cpu, _, slabPtr, freelist, partial) in CpuStates())
        {
            cancellation.ThrowIfCancellationRequested();
            if (slabPtr != 0)
            {
                try
                {
                    var slab = ReadSlab(slabPtr, $"cpu {cpu}", cpu);
                    free += slab.Objects - slab.InUse;
                    var walk = WalkFreelist(freelist, slab);
                    free += walk.Items.Count;
                    if (!walk.IsComplete) problems.Add(walk.Problem!);
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problems.Add($"cpu {cpu} slab {slabPtr:x}: {KernelDataErrors.Reason(e)}");
                }
            }
            foreach (var slab in CpuPartial(cpu, partial, problems)) free += slab.Objects - slab.InUse;
        }

        long total = 0, slabs = 0;
        bool countersKnown = true;
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var counters = NodeCountersOrProblem(nodeId, node, problems);
                if (counters is null) countersKnown = false;
                else { slabs += counters.Value.Slabs; total += counters.Value.Total; }
                var partial = NodePartial(node);
                if (!partial.IsComplete) problems.Add($"node {nodeId} partial list: {partial.Problem}");
                foreach (var descriptor in partial.Items)
                {
                    try
                    {
                        var slab = ReadSlab(descriptor, $"node {nodeId} partial", -1, nodeId);
                        free += slab.Objects - slab.InUse;
                    }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                    {
                        problems.Add($"node {nodeId} partial slab {descriptor:x}: {KernelDataErrors.Reason(e)}");
                    }
                }
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"node {nodeId} ({node:x}): {e.Fault.Message}");
                countersKnown = false;
            }
        }
        if (_allocator.Sheaves is { } sheaves)
        {
            foreach (var (where, sheaf) in sheaves.ForEachSheaf(Kernel, Cache["cpu_sheaves"].ReadPointer(), sheaves.Barns(Kernel, Nodes(), BarnArray(), Layout.BarnPointerPath is not null, problems), problems))
            {
                try { free += sheaves.SizeOf(Kernel, sheaf); }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"{where} {sheaf:x}: {KernelDataErrors.Reason(e)}"); }
            }
        }
        long? totalObjects = countersKnown ? total : null;
        return new SlabCacheStatistics(Address, name, ObjectSize, Size, totalObjects is { } t ? t - free : null, totalObjects,
            countersKnown ? slabs : null, SlabBytes, problems);
    }

    /// <summary>
    /// The slabs on CPU <paramref name="cpu"/>'s partial chain (slab->next; the head also carries the chain's
    /// length: pages/pobjects in struct page before 5.16, slabs since), bounded and cycle-checked.
    /// </summary>
    private List<SlabInfo> CpuPartial(int cpu, ulong first, List<string> problems)
    {
        var slabs = new List<SlabInfo>();
        var seen = new HashSet<ulong>();
        for (ulong p = first; p != 0;)
        {
            if (!seen.Add(p) || seen.Count > SlabHelpers.MaxListLength)
            {
                problems.Add($"cpu {cpu} partial list loops at {p:x}");
                break;
            }
            try
            {
                slabs.Add(ReadSlab(p, $"cpu {cpu} partial", cpu));
                p = NextPartial(p);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"cpu {cpu} partial slab {p:x}: {KernelDataErrors.Reason(e)}");
                break;
            }
        }
        return slabs;
    }

    /// <inheritdoc/>
    public override SlabCacheContents Contents(CancellationToken cancellation)
    {
        var walk = Walk(cancellation);
        var problems = new List<string>();
        var slabs = walk.Slabs(problems.Add).ToList();
        return new SlabCacheContents(walk.CpuCacheType, walk.NodeType, walk.NodeListsNote, walk.CpuCaches, walk.Nodes, slabs, problems);
    }

    /// <inheritdoc/>
    public override SlabCacheWalk Walk(CancellationToken cancellation)
    {
        var cpuStates = new List<(int Cpu, ulong CpuCache, ulong Slab, ulong Freelist, ulong Partial)>();
        foreach (var state in CpuStates())
        {
            cancellation.ThrowIfCancellationRequested();
            cpuStates.Add(state);
        }
        var nodes = new List<NodeInfo>();
        // The node table's numbers; their problems are reported again, in order, by the slab walk.
        var unused = new List<string>();
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var counters = NodeCountersOrProblem(nodeId, node, unused);
                nodes.Add(new NodeInfo(nodeId, node, counters?.Slabs, NodePartial(node).Items.Count));
            }
            catch (MemoryFaultException)
            {
                // Reported by the walk ("node N (ADDR): …"), as Contents did.
            }
        }
        return new SlabCacheWalk("struct kmem_cache_cpu", "struct kmem_cache_node", "full slabs are not tracked by SLUB", cpuStates.Select(c => new CpuCacheInfo(c.Cpu, c.CpuCache)).ToList(),
            nodes, problem => WalkSlabs(cpuStates, problem, cancellation));
    }

    /// <summary>
    /// The slabs kmem -S lists, in its order (each CPU's slab then its partial chain, then each node's partial list),
    /// each with its objects' states, one slab at a time; problems go to <paramref name="problem"/> in that order.
    /// </summary>
    private IEnumerable<SlabContents> WalkSlabs(List<(int Cpu, ulong CpuCache, ulong Slab, ulong Freelist, ulong Partial)> cpuStates, Action<string>? problem,
        CancellationToken cancellation)
    {
        var problems = new List<string>();
        void Report()
        {
            foreach (var p in problems) problem?.Invoke(p);
            problems.Clear();
        }
        SlabContents? Make(SlabInfo slab, ulong cpuFreelist)
        {
            try
            {
                return ContentsOf(slab, States(slab, cpuFreelist, problems));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"{slab.Where} slab {slab.Descriptor:x}: {KernelDataErrors.Reason(e)}");
                return null;
            }
        }
        SlabInfo? Read(ulong descriptor, string where, int cpu, int node, string what)
        {
            try
            {
                return ReadSlab(descriptor, where, cpu, node);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"{what} {descriptor:x}: {KernelDataErrors.Reason(e)}");
                return null;
            }
        }

        foreach (var (cpu, _, slabPtr, freelist, partial) in cpuStates)
        {
            cancellation.ThrowIfCancellationRequested();
            if (slabPtr != 0 && Read(slabPtr, $"cpu {cpu}", cpu, -1, $"cpu {cpu} slab") is { } cpuSlab && Make(cpuSlab, freelist) is { } cpuContents)
                yield return cpuContents;
            foreach (var slab in CpuPartial(cpu, partial, problems))
            {
                cancellation.ThrowIfCancellationRequested();
                if (Make(slab, 0) is not { } contents) break;
                yield return contents;
            }
            Report();
        }
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            IReadOnlyList<ulong> descriptors;
            try
            {
                NodeCountersOrProblem(nodeId, node, problems);
                var partial = NodePartial(node);
                if (!partial.IsComplete) problems.Add($"node {nodeId} partial list: {partial.Problem}");
                descriptors = partial.Items;
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"node {nodeId} ({node:x}): {e.Fault.Message}");
                Report();
                continue;
            }
            foreach (var descriptor in descriptors)
            {
                cancellation.ThrowIfCancellationRequested();
                if (Read(descriptor, $"node {nodeId} partial", -1, nodeId, $"node {nodeId} partial slab") is { } slab && Make(slab, 0) is { } contents)
                    yield return contents;
                Report();
            }
            Report();
        }
        Report();
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Allocation-light: one vmemmap page buffer for the scan and one free-object bitmap reused for every slab; the
    /// freelists are walked in place. An object's state follows the same rule as <see cref="States"/>.
    /// </remarks>
    public override IEnumerable<ulong> ForEachAllocatedObject(Action<string>? problem = null, CancellationToken cancellation = default)
    {
        var cpuSlabs = new Dictionary<ulong, (int Cpu, ulong Freelist)>();
        foreach (var (cpu, _, slab, freelist, _) in CpuStates())
            if (slab != 0) cpuSlabs.TryAdd(slab, (cpu, freelist));
        var sheafProblems = new List<string>();
        var sheafObjects = SheafObjects(sheafProblems);
        foreach (var p in sheafProblems) problem?.Invoke(p);
        var page = StructPageLayout.Of(Kernel);
        var model = Kernel.MemoryModel;
        var found = new List<ulong>();
        var free = new bool[ushort.MaxValue + 1];
        foreach (var chunk in MemMap.ForEachChunk(Kernel, cancellation))
        {
            if (chunk.Fault is not null) continue;
            found.Clear();
            for (int i = 0; i < chunk.Count; i++)
            {
                var bytes = chunk.Page(i);
                if (!page.IsTail(bytes) && page.IsSlab(bytes) && page.SlabCache(bytes) == Address)
                    found.Add(model.PfnToPage(chunk.FirstPfn + (ulong)i));
            }
            foreach (var descriptor in found)
            {
                SlabInfo slab;
                string? why;
                try
                {
                    var owner = cpuSlabs.TryGetValue(descriptor, out var o) ? o : (Cpu: -1, Freelist: 0UL);
                    slab = ReadSlab(descriptor, owner.Cpu >= 0 ? $"cpu {owner.Cpu}" : "slab", owner.Cpu);
                    Array.Clear(free, 0, (int)slab.Objects);
                    bool complete = MarkFree(slab, SlabFreelist(descriptor), free, out why);
                    if (complete && owner.Cpu >= 0) complete = MarkFree(slab, owner.Freelist, free, out why);
                    if (!complete)
                    {
                        // Objects not found free are unknown, not allocated: the slab is left out.
                        problem?.Invoke(why!);
                        continue;
                    }
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problem?.Invoke($"slab {descriptor:x}: {KernelDataErrors.Reason(e)}");
                    continue;
                }
                for (uint i = 0; i < slab.Objects; i++)
                {
                    ulong address = slab.Memory + i * Size;
                    if (!free[i] && (sheafObjects is null || !sheafObjects.ContainsKey(address))) yield return address;
                }
            }
        }
    }

    /// <summary>
    /// Walks a freelist in place, marking each object's index in <paramref name="free"/>; false with the reason when
    /// a pointer leaves the slab, the chain is longer than the slab (a cycle) or a read faults.
    /// </summary>
    private bool MarkFree(SlabInfo slab, ulong head, bool[] free, out string? problem)
    {
        problem = null;
        var encoding = _allocator.EncodingFor(this, head, slab);
        uint steps = 0;
        for (ulong p = head; p != 0;)
        {
            ulong index = p >= slab.Memory ? (p - slab.Memory) / Size : ulong.MaxValue;
            if (index >= slab.Objects || (p - slab.Memory) % Size != 0)
            {
                problem = $"freelist of slab {slab.Descriptor:x} ({slab.Where}) leads to {p:x}, outside its objects";
                return false;
            }
            if (++steps > slab.Objects)
            {
                problem = $"freelist of slab {slab.Descriptor:x} ({slab.Where}) is longer than its {slab.Objects} objects (a cycle)";
                return false;
            }
            free[index] = true;
            ulong at = p + FreePointerOffset;
            if (!Kernel.Memory.TryReadU64(at, out var stored, out var fault))
            {
                problem = $"freelist of slab {slab.Descriptor:x} ({slab.Where}): {fault!.Message}";
                return false;
            }
            p = FreelistDecoder.Decode(encoding, Random, stored, at);
        }
        return true;
    }
}
