using DumpScope.Sdk.Linux.Mm;
using DumpScope.Testing.Types;

namespace DumpScope.Testing.Kernels;

/// <summary>
/// A SLUB kernel of any size for scale benchmarks (and <see cref="SlubScaleKernelSpec.Tasks"/> tasks by <see cref="ScaleTasks"/>), laid out with the bundled BTF of Debian's 6.1 kernel
/// (<see cref="ReferenceTypes"/>): <see cref="SlubScaleKernelSpec.Caches"/> caches on slab_caches, each with
/// about <see cref="SlubScaleKernelSpec.ObjectsPerCache"/> objects in order-0..3 slabs, hardened freelists
/// (xor s->random xor the byte-swapped address, as since 5.7), CONFIG_SLUB_DEBUG node counters. Per cache: both
/// CPUs' active slabs with a lockless freelist, two slabs on each CPU's partial chain, one slab in
/// <see cref="SlubScaleKernelSpec.PartialEvery"/> on node 0's partial list, the rest full. Only what the slab
/// walks read is placed: caches, nodes, per-cpu structures, every slab's struct slab in vmemmap, and the object
/// pages of slabs with free objects; a full slab's object pages are left out (a makedumpfile -d 31 dump excludes
/// them as zero pages when the objects hold zeros). <see cref="Expected"/> is what kmem -s must print.
/// </summary>
/// <param name="Kernel">The kernel (memory, symbols, the 6.1 types).</param>
/// <param name="Expected">Per cache, in slab_caches order: what kmem -s must report.</param>
/// <param name="MaxPfn">The machine's frames (max_pfn).</param>
/// <param name="TotalObjects">Objects in all caches' slabs.</param>
public sealed record SlubScaleKernel(SyntheticKernel Kernel, IReadOnlyList<SlubScaleKernel.CacheExpectation> Expected, ulong MaxPfn, long TotalObjects)
{
    /// <summary>Where the slab pages start on x86-64 (frame 0x10000: 256 MiB, above the globals and the kernel image).</summary>
    public const ulong FirstSlabFrame = 0x10000;

    private const ulong Random0 = 0x5a17c0ffee15ca1eUL;

    /// <summary>One cache's kmem -s line.</summary>
    public sealed record CacheExpectation(ulong Address, string Name, ulong ObjectSize, long Allocated, long Total, long Slabs, ulong SlabBytes);

    /// <summary>Builds the kernel.</summary>
    public static SlubScaleKernel Build(SlubScaleKernelSpec spec)
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61, nrCpuIds: 2, nrNodeIds: 1) { Release = "6.1.0-56-cloud-amd64" };
        var a = spec.Addresses;
        ulong DirectMap = a.DirectMap, Vmemmap = a.Vmemmap, Globals = a.Globals, CpuSlabBase = a.CpuSlabBase;
        ulong CacheArea = a.CacheArea ?? DirectMap + 0x40_0000;         // frame 0x400 on: one page per cache
        var m = kernel.Memory;
        m.LogReads = false;
        var cache = Layout(kernel, "struct kmem_cache");
        var node = Layout(kernel, "struct kmem_cache_node");
        var cpu = Layout(kernel, "struct kmem_cache_cpu");
        var slab = Layout(kernel, "struct slab");
        var flags = PageFlags.Of(kernel);
        ulong slabFlag = 1UL << (flags.Slab ?? throw new InvalidOperationException("the 6.1 types have no PG_slab"));
        ulong headFlag = 1UL << (flags.Head ?? throw new InvalidOperationException("the 6.1 types have no PG_head"));
        ulong liveCacheSize = cache("node") + 8;                  // offsetof(node) + nr_node_ids pointers

        // Globals: the list head, the boot cache, CPU and node facts, the memory model.
        ulong head = Globals, bootPointer = Globals + 0x10, boot = Globals + 0x1000, perCpuOffset = Globals + 0x20;
        kernel.Symbols.Add("slab_caches", head);
        kernel.Global("kmem_cache", bootPointer, boot);
        m.Write(boot, new byte[liveCacheSize]);
        m.WriteU32(boot + cache("object_size"), (uint)liveCacheSize);
        kernel.Symbols.Add("__per_cpu_offset", perCpuOffset);
        for (int c = 0; c < 2; c++) m.WriteU64(perCpuOffset + (ulong)c * 8, kernel.PerCpuOffset(c));
        kernel.Global("nr_cpu_ids", Globals + 0x40, 2);
        kernel.Global("nr_node_ids", Globals + 0x48, 1);
        kernel.Global("__cpu_possible_mask", Globals + 0x50, 3);
        kernel.Global("__cpu_online_mask", Globals + 0x58, 3);
        if (a.Stext != 0) kernel.Symbols.Add("_stext", a.Stext, 'T');

        var expected = new List<CacheExpectation>();
        var links = new List<ulong>();
        ulong frame = a.FirstSlabFrame;
        long allObjects = 0;
        for (int i = 0; i < spec.Caches; i++)
        {
            ulong size = spec.Sizes[i % spec.Sizes.Length];
            int order = size >= 1024 ? 3 : size >= 512 ? 2 : size >= 192 ? 1 : 0;
            uint perSlab = (uint)((4096UL << order) / size);
            long slabs = (spec.ObjectsPerCache + perSlab - 1) / perSlab;
            if (slabs < 8) slabs = 8;
            ulong at = CacheArea + (ulong)i * 0x1000, nodeAt = at + 0x400, nameAt = at + 0x800;
            ulong random = Random0 * (ulong)(i + 1);
            string name = $"scale-{size}-{i:d2}";
            m.Write(at, new byte[liveCacheSize]);
            m.Write(nameAt, Encoding.ASCII.GetBytes(name + "\0"));
            ulong cpuSlab = CpuSlabBase + (ulong)i * 0x40;
            m.WriteU64(at + cache("cpu_slab"), cpuSlab);
            m.WriteU32(at + cache("size"), (uint)size);
            m.WriteU32(at + cache("object_size"), (uint)size);
            m.WriteU32(at + cache("offset"), (uint)(size / 2 & ~7UL));
            m.WriteU32(at + cache("inuse"), (uint)size);
            m.WriteU32(at + cache("align"), 8);
            m.WriteU32(at + cache("oo"), (uint)order << 16 | perSlab);
            m.WriteU32(at + cache("min"), perSlab);
            m.WriteU32(at + cache("refcount"), 1);
            m.WriteU64(at + cache("name"), nameAt);
            m.WriteU64(at + cache("random"), random);
            m.WriteU64(at + cache("node"), nodeAt);
            m.Write(nodeAt, new byte[node("full") + 16]);
            links.Add(at + cache("list"));
            ulong fpOffset = size / 2 & ~7UL;

            long free = 0;
            var nodePartial = new List<ulong>();
            var cpuPartial = new[] { new List<ulong>(), new List<ulong>() };
            var cpuActive = new ulong[2];
            var cpuFreelist = new ulong[2];
            for (long s = 0; s < slabs; s++, frame += 1UL << order)
            {
                ulong descriptor = Vmemmap + frame * 64, memory = DirectMap + frame * 4096;
                // Roles: slabs 0 and 1 are CPU 0's and 1's active slabs, 2-5 the CPUs' partial chains, every
                // PartialEvery-th slab from 6 on is on the node's partial list, the rest are full.
                uint inuse = perSlab;
                ulong[] slabFree = [];
                bool frozen = false;
                if (s < 2)
                {
                    var lockless = Objects(memory, size, perSlab, perSlab / 4 + 1);
                    WriteFreelist(m, lockless, fpOffset, random);
                    cpuActive[s] = descriptor;
                    cpuFreelist[s] = lockless[0];
                    free += lockless.Length;
                    frozen = true;
                }
                else if (s < 6)
                {
                    slabFree = Objects(memory, size, perSlab, perSlab / 2 + 1);
                    cpuPartial[(s - 2) / 2].Add(descriptor);
                    frozen = true;
                }
                else if ((s - 6) % spec.PartialEvery == 0)
                {
                    slabFree = Objects(memory, size, perSlab, perSlab / 3 + 1);
                    nodePartial.Add(descriptor);
                }
                inuse -= (uint)slabFree.Length;
                free += slabFree.Length;
                WriteFreelist(m, slabFree, fpOffset, random);
                m.WriteU64(descriptor + slab("__page_flags"), slabFlag | (order > 0 ? headFlag : 0));
                m.WriteU64(descriptor + slab("slab_cache"), at);
                m.WriteU64(descriptor + slab("freelist"), slabFree.Length > 0 ? slabFree[0] : 0);
                m.WriteU64(descriptor + slab("counters"), inuse | (ulong)perSlab << 16 | (frozen ? 1UL << 31 : 0));
                for (int t = 1; t < 1 << order; t++)
                    m.WriteU64(Vmemmap + (frame + (ulong)t) * 64 + 8, descriptor | 1);   // compound_head of the tail pages
            }
            for (int c = 0; c < 2; c++)
            {
                ulong cpuAt = cpuSlab + kernel.PerCpuOffset(c);
                m.Write(cpuAt, new byte[cpu("lock") + 8]);
                m.WriteU64(cpuAt + cpu("freelist"), cpuFreelist[c]);
                m.WriteU64(cpuAt + cpu("tid"), (ulong)c);
                m.WriteU64(cpuAt + cpu("slab"), cpuActive[c]);
                var chain = cpuPartial[c];
                m.WriteU64(cpuAt + cpu("partial"), chain[0]);
                m.WriteU64(chain[0] + slab("next"), chain[1]);
                m.WriteU32(chain[0] + slab("slabs"), 2);
            }
            m.WriteU64(nodeAt + node("nr_partial"), (ulong)nodePartial.Count);
            m.LinkList(nodeAt + node("partial"), [.. nodePartial.Select(d => d + slab("slab_list"))]);
            m.LinkList(nodeAt + node("full"));
            m.WriteU64(nodeAt + node("nr_slabs"), (ulong)slabs);
            m.WriteU64(nodeAt + node("total_objects"), (ulong)(slabs * perSlab));
            long total = slabs * perSlab;
            allObjects += total;
            expected.Add(new CacheExpectation(at, name, size, total - free, total, slabs, 4096UL << order));
        }
        m.LinkList(head, [.. links]);
        ulong tasksEnd = frame + (ulong)spec.Tasks * (ScaleTasks.Stride / 4096);
        ulong maxPfn = tasksEnd + 0x1000;
        if (spec.Tasks > 0) ScaleTasks.Build(kernel, spec.Tasks, frame, Globals + 0x100, 0x30000, maxPfn);
        kernel.MemoryModel(Globals + 0x80, maxPfn);
        return new SlubScaleKernel(kernel, expected, maxPfn, allObjects);
    }

    /// <summary><paramref name="count"/> objects of a slab spread over it (every k-th), first to last.</summary>
    private static ulong[] Objects(ulong memory, ulong size, uint perSlab, uint count)
    {
        count = Math.Min(count, perSlab);
        uint step = Math.Max(1, perSlab / count);
        return [.. Enumerable.Range(0, (int)count).Select(k => memory + (ulong)(k * step % perSlab) * size).Distinct()];
    }

    // CONFIG_SLAB_FREELIST_HARDENED since 5.7: stored = next ^ s->random ^ swab(address of the pointer).
    private static void WriteFreelist(SyntheticMemory m, ulong[] objects, ulong fpOffset, ulong random)
    {
        for (int k = 0; k < objects.Length; k++)
        {
            ulong at = objects[k] + fpOffset, next = k + 1 < objects.Length ? objects[k + 1] : 0;
            m.WriteU64(at, next ^ random ^ BinaryPrimitives.ReverseEndianness(at));
        }
    }

    private static Func<string, ulong> Layout(SyntheticKernel kernel, string type)
    {
        var resolved = kernel.T(type).Resolve();
        var offsets = new Dictionary<string, ulong>();
        return member => offsets.TryGetValue(member, out var o) ? o : offsets[member] = resolved.FindMember(member).Offset;
    }
}

/// <summary>
/// Where a <see cref="SlubScaleKernel"/> lives: x86-64's defaults (direct map and vmemmap without KASLR, globals in
/// the image at frame 0x2000, per-cpu offsets from 0x1000), or an arm64 layout's (<see cref="Arm64"/>).
/// </summary>
public sealed record SlubScaleAddresses
{
    /// <summary>The address physical 0 has in the direct (linear) map: page_to_virt(pfn) = DirectMap + pfn × 4 KiB.</summary>
    public ulong DirectMap { get; init; } = SyntheticKernel.DirectMap;

    /// <summary>The struct page of frame 0.</summary>
    public ulong Vmemmap { get; init; } = SyntheticKernel.Vmemmap;

    /// <summary>Kernel-image data for the globals.</summary>
    public ulong Globals { get; init; } = 0xffffffff82000000UL;

    /// <summary>The per-cpu address of the first kmem_cache_cpu before __per_cpu_offset is added.</summary>
    public ulong CpuSlabBase { get; init; } = 0x1000;

    /// <summary>Where the caches go, one page each; null: frame 0x400 of the direct map.</summary>
    public ulong? CacheArea { get; init; }

    /// <summary>The first slab frame.</summary>
    public ulong FirstSlabFrame { get; init; } = SlubScaleKernel.FirstSlabFrame;

    /// <summary>_stext, or 0 to leave it to the dump writer.</summary>
    public ulong Stext { get; init; } = 0xffffffff81000000UL;

    /// <summary>
    /// An arm64 kernel of <paramref name="layout"/> (4 KiB granule, at least 256 MiB of RAM): linear map from
    /// PAGE_OFFSET, vmemmap as 5.11+ computes it, globals and the per-cpu section in the image, the caches 128 MiB and
    /// the slabs 160 MiB above PHYS_OFFSET (clear of the image's frames).
    /// </summary>
    public static SlubScaleAddresses Arm64(DumpWriters.Arm64Layout layout) => new()
    {
        DirectMap = layout.PageOffset - layout.PhysOffset,
        Vmemmap = layout.Vmemmap,
        Globals = layout.ImageData(0x10_0000),
        CpuSlabBase = layout.ImageData(0x20_0000),
        CacheArea = layout.Va(layout.PhysOffset + (128UL << 20)),
        FirstSlabFrame = (layout.PhysOffset + (160UL << 20)) / 4096,
        Stext = 0,
    };
}

/// <summary>The size of a <see cref="SlubScaleKernel"/>.</summary>
public sealed record SlubScaleKernelSpec
{
    /// <summary>Where the kernel lives (x86-64 by default).</summary>
    public SlubScaleAddresses Addresses { get; init; } = new();

    /// <summary>Slab caches.</summary>
    public int Caches { get; init; } = 50;

    /// <summary>Objects per cache (rounded up to whole slabs).</summary>
    public long ObjectsPerCache { get; init; } = 200_000;

    /// <summary>One full-or-partial slab in this many is on the node's partial list.</summary>
    public int PartialEvery { get; init; } = 50;

    /// <summary>Tasks (<see cref="ScaleTasks"/>: the two swappers and processes of four threads); 0 for none.</summary>
    public int Tasks { get; init; } = 100_000;

    /// <summary>Object sizes, cycled over the caches.</summary>
    public ulong[] Sizes { get; init; } = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024];
}
