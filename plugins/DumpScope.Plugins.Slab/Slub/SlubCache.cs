using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Linux.PerCpu;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Slab.Slub;

/// <summary>
/// A SLUB cache read through its live (trimmed) size: per-CPU slabs and freelists, per-node partial lists,
/// and the counting crash's <c>kmem -s</c> does (KERNEL-NOTES "SLUB accounting").
/// </summary>
public sealed class SlubCache
{
    private readonly SlabAnalyzer _analyzer;
    private readonly KernelObject _cache;

    internal SlubCache(SlabAnalyzer analyzer, ulong address)
    {
        _analyzer = analyzer;
        Address = address;
        // Load() reads exactly the registered runtime size: never the declared node[MAX_NUMNODES].
        _cache = new KernelObject(analyzer.Kernel, analyzer.Layout.KmemCache, address).Load();
        ObjectSize = _cache["object_size"].ReadUnsigned();
        Size = _cache["size"].ReadUnsigned();
        FreePointerOffset = _cache["offset"].ReadUnsigned();
        Random = _cache.HasMember("random") ? _cache["random"].ReadUnsigned() : 0;
        uint oo = (uint)_cache["oo.x"].ReadUnsigned();
        ObjectsPerSlab = oo & 0xffff;
        Order = (int)(oo >> 16);
        if (Size == 0 || Size > 1 << 26) throw new InvalidDataException($"kmem_cache {address:x}: object size {Size} is impossible");
        if (Order > 20) throw new InvalidDataException($"kmem_cache {address:x}: slab order {Order} is impossible");
    }

    /// <summary>The struct kmem_cache.</summary>
    public ulong Address { get; }

    /// <summary>object_size.</summary>
    public ulong ObjectSize { get; }

    /// <summary>size: the stride between objects.</summary>
    public ulong Size { get; }

    /// <summary>offset: where the free pointer sits inside a free object.</summary>
    public ulong FreePointerOffset { get; }

    /// <summary>s->random for hardened freelists, 0 otherwise.</summary>
    public ulong Random { get; }

    /// <summary>Objects per slab at the cache's preferred order.</summary>
    public uint ObjectsPerSlab { get; }

    /// <summary>Preferred slab order.</summary>
    public int Order { get; }

    /// <summary>Bytes per slab.</summary>
    public ulong SlabBytes => (ulong)_analyzer.Kernel.PageSize << Order;

    /// <summary>The cache's name, or throws the fault.</summary>
    public string Name => _cache["name"].ReadString(64);

    /// <summary>The cache object (for struct printing).</summary>
    public KernelObject Object => _cache;

    /// <summary>Per-CPU state: kmem_cache_cpu address, cpu slab, raw freelist head, partial chain head.</summary>
    public IEnumerable<(int Cpu, ulong CpuCache, ulong Slab, ulong Freelist, ulong Partial)> CpuStates()
    {
        var kernel = _analyzer.Kernel;
        ulong perCpu = _cache["cpu_slab"].ReadPointer();
        var cpuType = kernel.Types.Require("struct kmem_cache_cpu");
        string slabMember = cpuType.Resolve().HasMember("slab") ? "slab" : "page";
        bool hasPartial = cpuType.Resolve().HasMember("partial");
        foreach (var cpu in kernel.ForEachPossibleCpu())
        {
            var c = new KernelObject(kernel, cpuType, kernel.PerCpuPtr(perCpu, cpu)).Load();
            yield return (cpu, c.Address, c[slabMember].ReadPointer(), c["freelist"].ReadPointer(), hasPartial ? c["partial"].ReadPointer() : 0);
        }
    }

    /// <summary>The non-NULL kmem_cache_node pointers, for node ids below nr_node_ids only.</summary>
    public IEnumerable<(int Node, ulong Address)> Nodes()
    {
        uint count = Math.Max(1u, _analyzer.Kernel.NrNodeIds);
        for (uint n = 0; n < count; n++)
        {
            ulong node = _cache[$"node[{n}]"].ReadPointer();
            if (node != 0) yield return ((int)n, node);
        }
    }

    /// <summary>Reads a slab descriptor's counters.</summary>
    public SlabInfo ReadSlab(ulong descriptor, string where, int cpu, int node = -1)
    {
        var slab = new KernelObject(_analyzer.Kernel, _analyzer.Layout.SlabType, descriptor).Load();
        uint objects = (uint)slab["objects"].ReadUnsigned();
        uint inuse = (uint)slab["inuse"].ReadUnsigned();
        if (objects == 0 || objects > 65535 || inuse > objects)
            throw new InvalidDataException($"slab {descriptor:x} ({where}): objects {objects}, inuse {inuse} are impossible");
        return new SlabInfo(descriptor, _analyzer.Layout.SlabMemory(descriptor), _analyzer.Kernel.NrNodeIds <= 1 ? 0 : node, objects, inuse, where, cpu);
    }

    /// <summary>The slab's own freelist head (raw pointer).</summary>
    public ulong SlabFreelist(ulong descriptor) =>
        new KernelObject(_analyzer.Kernel, _analyzer.Layout.SlabType, descriptor)["freelist"].ReadPointer();

    /// <summary>The next slab on a CPU partial chain.</summary>
    public ulong NextPartial(ulong descriptor) =>
        new KernelObject(_analyzer.Kernel, _analyzer.Layout.SlabType, descriptor)["next"].ReadPointer();

    /// <summary>
    /// Walks a freelist from its raw head, decoding stored pointers, bounded by the slab's object count and
    /// checked to stay inside the slab: a pointer outside it or a cycle ends the walk with a problem.
    /// </summary>
    public WalkResult<ulong> WalkFreelist(ulong head, SlabInfo slab)
    {
        var encoding = _analyzer.EncodingFor(this, head, slab);
        ulong start = slab.Memory, end = slab.Memory + (ulong)slab.Objects * Size;
        var walk = KernelLists.NullTerminated(_analyzer.Kernel.Memory, head, FreePointerOffset, (int)slab.Objects + 1,
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
        var kernel = _analyzer.Kernel;
        var nodeType = kernel.Types.Require("struct kmem_cache_node");
        ulong head = node + nodeType.Resolve().FindMember("partial").Offset;
        ulong linkOffset = _analyzer.Layout.SlabType.Resolve().FindMember(_analyzer.Layout.SlabListMember).Offset;
        return KernelLists.ListForEach(kernel.Memory, head, SlabAnalyzer.MaxListLength).Select(n => n - linkOffset);
    }

    /// <summary>The node's SLUB_DEBUG counters: nr_slabs and total_objects, or null without CONFIG_SLUB_DEBUG.</summary>
    public (long Slabs, long Total)? NodeCounters(ulong node)
    {
        var n = new KernelObject(_analyzer.Kernel, _analyzer.Kernel.Types.Require("struct kmem_cache_node"), node).Load();
        if (!n.HasMember("nr_slabs") || !n.HasMember("total_objects")) return null;
        return (Counter(n["nr_slabs"]), Counter(n["total_objects"]));
    }

    private static long Counter(KernelObject atomic) => atomic.HasMember("counter") ? atomic["counter"].ReadSigned() : atomic.ReadSigned();

    /// <summary>
    /// The kmem -s numbers: free = per CPU (cpu slab objects - inuse + cpu freelist + cpu partial objects - inuse)
    /// + per node (partial objects - inuse); TOTAL and SLABS from the nodes' counters.
    /// </summary>
    public CacheSummary Summarize(string? name, CancellationToken cancellation)
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
                catch (Exception e) when (e is MemoryFaultException or InvalidDataException)
                {
                    problems.Add($"cpu {cpu} slab {slabPtr:x}: {e.Message}");
                }
            }
            var seen = new HashSet<ulong>();
            for (ulong p = partial; p != 0; )
            {
                if (!seen.Add(p) || seen.Count > SlabAnalyzer.MaxListLength)
                {
                    problems.Add($"cpu {cpu} partial list loops at {p:x}");
                    break;
                }
                try
                {
                    var slab = ReadSlab(p, $"cpu {cpu} partial", cpu);
                    free += slab.Objects - slab.InUse;
                    p = NextPartial(p);
                }
                catch (Exception e) when (e is MemoryFaultException or InvalidDataException)
                {
                    problems.Add($"cpu {cpu} partial slab {p:x}: {e.Message}");
                    break;
                }
            }
        }

        long total = 0, slabs = 0;
        bool countersKnown = true;
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var counters = NodeCounters(node);
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
                    catch (Exception e) when (e is MemoryFaultException or InvalidDataException)
                    {
                        problems.Add($"node {nodeId} partial slab {descriptor:x}: {e.Message}");
                    }
                }
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"node {nodeId} ({node:x}): {e.Fault.Message}");
                countersKnown = false;
            }
        }
        long? totalObjects = countersKnown ? total : null;
        return new CacheSummary(Address, name, ObjectSize, Size, totalObjects is { } t ? t - free : null, totalObjects,
            countersKnown ? slabs : null, SlabBytes, problems);
    }
}
