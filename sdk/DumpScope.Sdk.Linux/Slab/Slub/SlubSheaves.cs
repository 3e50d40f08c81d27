namespace DumpScope.Sdk.Linux.Slab.Slub;

/// <summary>
/// SLUB's per-cpu sheaves (6.18+, "slab: add opt-in caching layer of percpu sheaves"): kmem_cache.cpu_sheaves
/// points to a per-cpu <c>struct slub_percpu_sheaves { lock; main; spare; rcu_free; }</c>, each a
/// <c>struct slab_sheaf { …; size; objects[] }</c>, and each node's barn keeps full and empty sheaves on
/// <c>sheaves_full</c> / <c>sheaves_empty</c>; the barn pointer is <c>kmem_cache_node.barn</c>, or
/// <c>kmem_cache.per_node[N].barn</c> since commit 5ba6bc27b1f9 ("slab: decouple pointer to barn from kmem_cache_node"). Objects in a sheaf were taken from their slab (which
/// counts them in use) but are free.
/// </summary>
public sealed class SlubSheaves
{
    /// <summary>Largest sheaf believed; larger is garbage.</summary>
    public const uint MaxSheafSize = 1 << 16;

    private SlubSheaves() { }

    /// <summary>struct slub_percpu_sheaves.</summary>
    public KernelType PerCpuType { get; private init; } = null!;

    /// <summary>The sheaf pointers of slub_percpu_sheaves present on this kernel (main, spare, rcu_free).</summary>
    public IReadOnlyList<string> PerCpuSheaves { get; private init; } = [];

    /// <summary>Offset of slab_sheaf.size.</summary>
    public ulong SizeOffset { get; private init; }

    /// <summary>Offset of slab_sheaf.objects[].</summary>
    public ulong ObjectsOffset { get; private init; }

    /// <summary>Offset of slab_sheaf.barn_list (its link on a barn list), null when barns are absent.</summary>
    public ulong? BarnListOffset { get; private init; }

    /// <summary>Offsets of node_barn.sheaves_full and sheaves_empty, null without barns.</summary>
    public (ulong Full, ulong Empty)? BarnLists { get; private init; }

    /// <summary>Offset of kmem_cache_node.barn, null when the barn hangs elsewhere or is absent.</summary>
    public ulong? NodeBarnOffset { get; private init; }

    internal static SlubSheaves? Probe(IKernel kernel, KernelType kmemCache)
    {
        if (!kmemCache.HasMember("cpu_sheaves")) return null;
        var pcs = kernel.Types.Require("struct slub_percpu_sheaves");
        var sheaf = StructLayout.Probe(kernel, "struct slab_sheaf");
        var barn = StructLayout.TryProbe(kernel, "struct node_barn");
        var node = StructLayout.Probe(kernel, "struct kmem_cache_node");
        return new SlubSheaves
        {
            PerCpuType = pcs,
            PerCpuSheaves = new[] { "main", "spare", "rcu_free" }.Where(pcs.Resolve().HasMember).ToArray(),
            SizeOffset = sheaf.Require("size").Offset,
            ObjectsOffset = sheaf.Require("objects").Offset,
            BarnListOffset = sheaf.OffsetOf("barn_list"),
            BarnLists = barn?.OffsetOf("sheaves_full") is { } full && barn.OffsetOf("sheaves_empty") is { } empty ? (full, empty) : null,
            NodeBarnOffset = node.OffsetOf("barn"),
        };
    }

    /// <summary>
    /// Every node's barn: <paramref name="perNodeBarns"/> (kmem_cache.per_node[].barn, 7.1+) when the kernel has them,
    /// else kmem_cache_node.barn of each node (6.18–7.0: commit 5ba6bc27b1f9 moved it out of the node).
    /// </summary>
    public IEnumerable<(int Node, ulong Barn)> Barns(IKernel kernel, IEnumerable<(int Node, ulong Address)> nodes,
        IEnumerable<(int Node, ulong Address)> perNodeBarns, bool barnsPerNode, List<string> problems)
    {
        if (barnsPerNode)
        {
            foreach (var b in perNodeBarns) yield return b;
            yield break;
        }
        if (NodeBarnOffset is not { } barnOffset) yield break;
        foreach (var (node, address) in nodes)
        {
            if (!kernel.Memory.TryReadU64(address + barnOffset, out var barn, out var fault))
            {
                problems.Add($"node {node} barn: {fault!.Message}");
                continue;
            }
            if (barn != 0) yield return (node, barn);
        }
    }

    /// <summary>
    /// Every sheaf of a cache with where it sits ("cpu 0 sheaf", "node 0 barn"): the CPUs' main, spare and
    /// rcu_free sheaves, and the sheaves on each barn's lists (<paramref name="barns"/> from <see cref="Barns"/>).
    /// Unreadable structures are reported.
    /// </summary>
    public IEnumerable<(string Where, ulong Sheaf)> ForEachSheaf(IKernel kernel, ulong cpuSheaves, IEnumerable<(int Node, ulong Barn)> barns, List<string> problems)
    {
        foreach (var cpu in kernel.ForEachPossibleCpu())
        {
            var pcs = new KernelObject(kernel, PerCpuType, kernel.PerCpuPtr(cpuSheaves, cpu));
            foreach (var member in PerCpuSheaves)
            {
                ulong sheaf;
                try { sheaf = pcs[member].ReadPointer(); }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"cpu {cpu} sheaves: {KernelDataErrors.Reason(e)}"); break; }
                if (sheaf != 0) yield return ($"cpu {cpu} {(member == "rcu_free" ? "rcu_free sheaf" : "sheaf")}", sheaf);
            }
        }
        if (BarnLists is not { } lists || BarnListOffset is not { } link) yield break;
        foreach (var (node, barn) in barns)
        {
            foreach (var head in new[] { lists.Full, lists.Empty })
            {
                var walk = KernelLists.ListForEach(kernel.Memory, barn + head, SlabHelpers.MaxListLength);
                if (!walk.IsComplete) problems.Add($"node {node} barn list: {walk.Problem}");
                foreach (var entry in walk.Items) yield return ($"node {node} barn", entry - link);
            }
        }
    }

    /// <summary>A sheaf's size (objects held), checked against <see cref="MaxSheafSize"/>.</summary>
    public uint SizeOf(IKernel kernel, ulong sheaf)
    {
        uint size = kernel.Memory.ReadU32(sheaf + SizeOffset, "slab_sheaf.size");
        if (size > MaxSheafSize) throw new InvalidDataException($"slab_sheaf {sheaf:x}: size {size} is impossible");
        return size;
    }

    /// <summary>The objects a sheaf holds.</summary>
    public ulong[] ObjectsOf(IKernel kernel, ulong sheaf)
    {
        uint size = SizeOf(kernel, sheaf);
        var bytes = kernel.Memory.ReadBytes(sheaf + ObjectsOffset, (int)size * 8, "slab_sheaf.objects");
        var objects = new ulong[size];
        for (int i = 0; i < objects.Length; i++) objects[i] = BitConverter.ToUInt64(bytes, i * 8);
        return objects;
    }
}
