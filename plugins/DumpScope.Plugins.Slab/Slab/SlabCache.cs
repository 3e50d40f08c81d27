using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Linux.PerCpu;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Slab.Slab;

/// <summary>
/// A cache of the SLAB allocator, in both layouts: per-cpu <c>cpu_cache</c> with <c>node[]</c> at the end
/// (3.18+), and the seed's <c>array[NR_CPUS]</c> at the end with <c>nodelists</c> (2.6.2x–3.x). The trailing
/// array is read only for CPUs below nr_cpu_ids that are possible, never up to a terminator: array[nr_cpu_ids]
/// is other data (the seed's garbage limit 0xffffffffffff8801).
/// </summary>
public sealed class SlabCache
{
    /// <summary>Largest array_cache limit believed; larger is garbage, never used as a length.</summary>
    public const uint MaxArrayCacheLimit = 1 << 16;

    private readonly SlabAnalyzer _analyzer;
    private readonly KernelObject _cache;

    private SlabCache(SlabAnalyzer analyzer, ulong address)
    {
        _analyzer = analyzer;
        Address = address;
        _cache = new KernelObject(analyzer.Kernel, analyzer.Layout.KmemCache, address).Load();
        var type = analyzer.Layout.KmemCache.Resolve();
        Size = _cache[type.HasMember("size") ? "size" : "buffer_size"].ReadUnsigned();
        ObjectSize = type.HasMember("object_size") ? _cache["object_size"].ReadUnsigned() : type.HasMember("obj_size") ? _cache["obj_size"].ReadUnsigned() : Size;
        ObjectsPerSlab = (uint)_cache["num"].ReadUnsigned();
        Order = (int)_cache["gfporder"].ReadUnsigned();
        if (Size == 0 || Size > 1 << 26 || ObjectsPerSlab == 0 || ObjectsPerSlab > 1 << 16 || Order > 20)
            throw new InvalidDataException($"kmem_cache {address:x}: size {Size}, num {ObjectsPerSlab}, gfporder {Order} are impossible");
    }

    /// <summary>Opens a SLAB cache.</summary>
    public static SlabCache Open(SlabAnalyzer analyzer, ulong address) => new(analyzer, address);

    /// <summary>The struct kmem_cache.</summary>
    public ulong Address { get; }

    /// <summary>Object stride.</summary>
    public ulong Size { get; }

    /// <summary>Object size as the user asked for it.</summary>
    public ulong ObjectSize { get; }

    /// <summary>Objects per slab (num).</summary>
    public uint ObjectsPerSlab { get; }

    /// <summary>Slab order (gfporder).</summary>
    public int Order { get; }

    /// <summary>The array_cache of each CPU that has one: (cpu, address, avail).</summary>
    public IEnumerable<(int Cpu, ulong ArrayCache)> CpuArrayCaches()
    {
        var kernel = _analyzer.Kernel;
        if (_analyzer.Layout.Allocator == SlabAllocator.SlabPerCpuCache)
        {
            ulong perCpu = _cache["cpu_cache"].ReadPointer();
            foreach (var cpu in kernel.ForEachPossibleCpu()) yield return (cpu, kernel.PerCpuPtr(perCpu, cpu));
            yield break;
        }
        foreach (var cpu in kernel.ForEachPossibleCpu())
        {
            ulong ac = _cache[$"array[{cpu}]"].ReadPointer();
            if (ac != 0) yield return (cpu, ac);
        }
    }

    /// <summary>The per-node structures (kmem_cache_node or kmem_list3) below nr_node_ids.</summary>
    public IEnumerable<(int Node, ulong Address)> Nodes()
    {
        var kernel = _analyzer.Kernel;
        uint count = Math.Max(1u, kernel.NrNodeIds);
        var type = _analyzer.Layout.KmemCache.Resolve();
        if (type.HasMember("node"))
        {
            for (uint n = 0; n < count; n++)
                if (_cache[$"node[{n}]"].ReadPointer() is var p and not 0) yield return ((int)n, p);
            yield break;
        }
        var nodelists = _cache["nodelists"];
        var kind = nodelists.Type.Resolve().Kind;
        for (uint n = 0; n < count; n++)
        {
            ulong p = kind == TypeKind.Array ? nodelists.Index(n).ReadPointer() : kernel.Memory.ReadU64(nodelists.ReadPointer() + n * 8, "kmem_list3 pointer");
            if (p != 0) yield return ((int)n, p);
        }
    }

    /// <summary>Objects sitting in an array_cache (avail), checked against its limit.</summary>
    public uint Avail(ulong arrayCache)
    {
        var ac = new KernelObject(_analyzer.Kernel, _analyzer.Kernel.Types.Require("struct array_cache"), arrayCache).Load();
        uint avail = (uint)ac["avail"].ReadUnsigned();
        ulong limit = ac["limit"].ReadUnsigned();
        if (limit > MaxArrayCacheLimit || avail > limit)
            throw new InvalidDataException($"array_cache {arrayCache:x}: avail {avail}, limit {limit:x} are impossible");
        return avail;
    }

    /// <summary>The kmem -s numbers for SLAB.</summary>
    public CacheSummary Summarize(string? name, CancellationToken cancellation)
    {
        var kernel = _analyzer.Kernel;
        var problems = new List<string>();
        long cached = 0;
        foreach (var (cpu, ac) in CpuArrayCaches())
        {
            try { cached += Avail(ac); }
            catch (Exception e) when (e is MemoryFaultException or InvalidDataException) { problems.Add($"cpu {cpu} array_cache: {e.Message}"); }
        }

        var nodeTypeName = kernel.Types.FindType("struct kmem_cache_node") is { } t && t.Resolve().HasMember("slabs_partial") ? "struct kmem_cache_node" : "struct kmem_list3";
        var nodeType = kernel.Types.Require(nodeTypeName).Resolve();
        var slabType = _analyzer.Layout.SlabType.Resolve();
        ulong link = slabType.FindMember(_analyzer.Layout.SlabListMember).Offset;
        string inuseMember = slabType.HasMember("active") ? "active" : "inuse";
        long slabs = 0, inuse = 0;
        bool complete = true;
        foreach (var (nodeId, node) in Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var (list, full) in new[] { ("slabs_full", true), ("slabs_partial", false), ("slabs_free", false) })
            {
                var walk = KernelLists.ListForEach(kernel.Memory, node + nodeType.FindMember(list).Offset, SlabAnalyzer.MaxListLength, cancellation);
                if (!walk.IsComplete) { problems.Add($"node {nodeId} {list}: {walk.Problem}"); complete = false; }
                slabs += walk.Items.Count;
                if (full) { inuse += walk.Items.Count * (long)ObjectsPerSlab; continue; }
                if (list == "slabs_free") continue;
                foreach (var entry in walk.Items)
                {
                    try
                    {
                        var active = new KernelObject(kernel, _analyzer.Layout.SlabType, entry - link)[inuseMember].ReadUnsigned();
                        if (active > ObjectsPerSlab) throw new InvalidDataException($"slab {entry - link:x}: {inuseMember} {active} > num {ObjectsPerSlab}");
                        inuse += (long)active;
                    }
                    catch (Exception e) when (e is MemoryFaultException or InvalidDataException) { problems.Add($"node {nodeId}: {e.Message}"); complete = false; }
                }
            }
            if (nodeType.HasMember("shared"))
            {
                try
                {
                    ulong shared = new KernelObject(kernel, nodeType, node)["shared"].ReadPointer();
                    if (shared != 0) cached += Avail(shared);
                }
                catch (Exception e) when (e is MemoryFaultException or InvalidDataException) { problems.Add($"node {nodeId} shared array_cache: {e.Message}"); }
            }
        }
        long total = slabs * ObjectsPerSlab;
        return new CacheSummary(Address, name, ObjectSize, Size, complete ? inuse - cached : null, complete ? total : null, complete ? slabs : null,
            (ulong)kernel.PageSize << Order, problems);
    }
}
