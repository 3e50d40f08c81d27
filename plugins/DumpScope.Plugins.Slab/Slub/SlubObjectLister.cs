using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Slab.Slub;

/// <summary>Every slab of a SLUB cache that SLUB tracks, with each object's state (crash's kmem -S).</summary>
public static class SlubObjectLister
{
    /// <summary>Where each slab sits and its objects; problems are collected, not thrown.</summary>
    public static (List<(SlabInfo Slab, List<SlabObject> Objects)> Slabs, List<(int Cpu, ulong CpuCache)> CpuCaches, List<(int Node, ulong Address, long? Slabs, long Partial)> Nodes, List<string> Problems)
        List(SlubCache cache, CancellationToken cancellation)
    {
        var slabs = new List<(SlabInfo, List<SlabObject>)>();
        var cpuCaches = new List<(int, ulong)>();
        var nodes = new List<(int, ulong, long?, long)>();
        var problems = new List<string>();

        foreach (var (cpu, cpuCache, slabPtr, freelist, partial) in cache.CpuStates())
        {
            cancellation.ThrowIfCancellationRequested();
            cpuCaches.Add((cpu, cpuCache));
            if (slabPtr != 0)
                Add(slabPtr, $"cpu {cpu}", cpu, -1, freelist);
            var seen = new HashSet<ulong>();
            for (ulong p = partial; p != 0;)
            {
                if (!seen.Add(p) || seen.Count > SlabAnalyzer.MaxListLength) { problems.Add($"cpu {cpu} partial list loops at {p:x}"); break; }
                if (!Add(p, $"cpu {cpu} partial", cpu, -1, 0)) break;
                try { p = cache.NextPartial(p); }
                catch (MemoryFaultException e) { problems.Add($"cpu {cpu} partial slab {p:x}: {e.Fault.Message}"); break; }
            }
        }
        foreach (var (nodeId, node) in cache.Nodes())
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                var counters = cache.NodeCounters(node);
                var partial = cache.NodePartial(node);
                if (!partial.IsComplete) problems.Add($"node {nodeId} partial list: {partial.Problem}");
                nodes.Add((nodeId, node, counters?.Slabs, partial.Items.Count));
                foreach (var descriptor in partial.Items) Add(descriptor, $"node {nodeId} partial", -1, nodeId, 0);
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"node {nodeId} ({node:x}): {e.Fault.Message}");
            }
        }
        return (slabs, cpuCaches, nodes, problems);

        bool Add(ulong descriptor, string where, int cpu, int node, ulong cpuFreelist)
        {
            try
            {
                var slab = cache.ReadSlab(descriptor, where, cpu, node);
                var free = new Dictionary<ulong, int>();
                var own = cache.WalkFreelist(cache.SlabFreelist(descriptor), slab);
                if (!own.IsComplete) problems.Add(own.Problem!);
                // Like crash, every free object of a CPU's active slab counts as that CPU's cache, whichever
                // freelist (lockless or the slab's own, for remote frees) holds it.
                foreach (var o in own.Items) free[o] = where == $"cpu {cpu}" ? cpu : -1;
                if (cpu >= 0 && cpuFreelist != 0)
                {
                    var lockless = cache.WalkFreelist(cpuFreelist, slab);
                    if (!lockless.IsComplete) problems.Add(lockless.Problem!);
                    foreach (var o in lockless.Items) free[o] = cpu;
                }
                var objects = new List<SlabObject>((int)slab.Objects);
                for (uint i = 0; i < slab.Objects; i++)
                {
                    ulong address = slab.Memory + i * cache.Size;
                    bool isFree = free.TryGetValue(address, out var owner);
                    objects.Add(new SlabObject(address, descriptor, isFree, isFree ? owner : -1));
                }
                slabs.Add((slab, objects));
                return true;
            }
            catch (Exception e) when (e is MemoryFaultException or InvalidDataException)
            {
                problems.Add($"{where} slab {descriptor:x}: {e.Message}");
                return false;
            }
        }
    }
}
