using DumpScope.Host.Types.Btf;
using DumpScope.Host.Rendering;

namespace DumpScope.Plugins.Slab.Tests;

/// <summary>What every synthetic slab scenario runs its commands with.</summary>
internal static class SlabScenario
{
    /// <summary>Where the scenarios map struct page and all memory (x86-64's defaults).</summary>
    public const ulong Vmemmap = SyntheticKernel.Vmemmap, DirectMap = SyntheticKernel.DirectMap;

    /// <summary>
    /// The addresses every scenario shares: the slab_caches list head, the boot cache (whose size says how much
    /// of struct kmem_cache is live), the cache's name, its node 0 structure, the memory model's globals.
    /// </summary>
    public const ulong Head = DirectMap + 0x1000, Boot = DirectMap + 0x2000, Name = DirectMap + 0x3000, Node = DirectMap + 0x4000,
        Globals = DirectMap + 0x5000;

    /// <summary>A two-CPU, one-node kernel with the types written to <paramref name="types"/> and slab_caches at <see cref="Head"/>.</summary>
    public static SyntheticKernel NewKernel(BtfBuilder types, string name)
    {
        var kernel = new SyntheticKernel(BtfTypeCatalog.FromBytes(types.Build(), name), nrCpuIds: 2, nrNodeIds: 1);
        kernel.Symbols.Add("slab_caches", Head);
        return kernel;
    }

    /// <summary>Services holding <paramref name="kernel"/> and one slab analyzer over it, as the plugin registers them.</summary>
    public static ServiceProvider Services(SyntheticKernel kernel) => kernel.Services(s => s.AddSingleton<SlabAnalyzer>());

    /// <summary>The single row of kmem -s over a one-cache scenario.</summary>
    public static TableRow KmemSRow(this IServiceProvider services) =>
        services.Run<KmemSlabSummaryCommand>("kmem -s").Blocks.OfType<TableBlock>().Single().Rows.Single();

    /// <summary>kmem -S's objects table as address → state ("allocated", "free (cpu 0 cache)", ...).</summary>
    public static Dictionary<ulong, string> ObjectStates(this CommandResult result) =>
        result.Blocks.OfType<TableBlock>().Single(t => t.Title == "objects").Rows
            .ToDictionary(r => (ulong)r.Cells[0].Value!, r => (string)r.Cells[3].Value!);

    /// <summary>
    /// Chains <paramref name="objects"/> into a SLUB freelist with CONFIG_SLAB_FREELIST_HARDENED: each free
    /// pointer at object + <paramref name="freeOffset"/> is stored xor the cache's random and its own address
    /// (byte-swapped when <paramref name="swab"/>, as kernels since 5.7 do); the last points at nothing.
    /// </summary>
    public static void WriteHardenedFreelist(SyntheticMemory m, ulong[] objects, ulong freeOffset, ulong random, bool swab)
    {
        for (int i = 0; i < objects.Length; i++)
        {
            ulong at = objects[i] + freeOffset, next = i + 1 < objects.Length ? objects[i + 1] : 0;
            m.WriteU64(at, next ^ random ^ (swab ? BinaryPrimitives.ReverseEndianness(at) : at));
        }
    }

    /// <summary>kmem -s on a real dump (the command must succeed).</summary>
    public static TableBlock KmemSTable(this DumpScopeSession session)
    {
        var result = session.Run("kmem -s");
        result.Failed.Should().BeFalse(result.Error);
        return result.Blocks.OfType<TableBlock>().Single();
    }

    /// <summary>kmem -s rows as crash prints them, runs of spaces collapsed (<see cref="CrashOutput.KmemSlabLines"/>'s form).</summary>
    public static List<string> CrashLines(this TableBlock kmemS) =>
        kmemS.Rows.Select(r => string.Join(' ',
            $"{(ulong)r.Cells[0].Value!:x16}", r.Cells[1].Value, r.Cells[2].Value, r.Cells[3].Value, r.Cells[4].Value,
            CellFormatter.FormatSize((ulong)r.Cells[5].Value!), r.Cells[6].Value)).ToList();

    /// <summary>kmem ADDR's record (the command must succeed): field name → value.</summary>
    public static Dictionary<string, object?> Fields(CommandResult result)
    {
        result.Failed.Should().BeFalse(result.Error);
        return result.Blocks.OfType<RecordBlock>().Single().Fields.ToDictionary(f => f.Name, f => f.Value.Value);
    }
}
