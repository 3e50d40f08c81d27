using System.Runtime.CompilerServices;

namespace DumpScope.Sdk.Kernel;

/// <summary>
/// The memory model of a kernel that does not publish one (test kernels, third-party <see cref="IKernel"/>
/// implementations): read once from the kernel's variables with x86-64's defaults when they are missing,
/// without the host's page-table check. Cached per kernel.
/// </summary>
internal static class MemoryModelProbe
{
    private const ulong DefaultDirectMap = 0xffff_8880_0000_0000UL, DefaultVmemmap = 0xffff_ea00_0000_0000UL;

    private static readonly ConditionalWeakTable<IKernel, IMemoryModel> Models = new();

    public static IMemoryModel For(IKernel kernel) => Models.GetValue(kernel, Probe);

    private static IMemoryModel Probe(IKernel kernel)
    {
        var notes = new List<string>();
        ulong directMap = Read(kernel, "page_offset_base", DefaultDirectMap, notes);
        ulong vmemmap = Read(kernel, "vmemmap_base", DefaultVmemmap, notes);
        ulong maxPfn = kernel.Symbols.TryGetAddress("max_pfn", out var at) && kernel.Memory.TryReadU64(at, out var v, out _) ? v : 0;
        ulong structPage = kernel.Types.FindType("struct page")?.Size ?? 0;
        if (structPage == 0 && kernel.VmcoreInfo?.TryGetSize("page", out var size) == true) structPage = (ulong)size;
        if (structPage == 0)
        {
            structPage = 64;
            notes.Add("sizeof(struct page) unknown; assumed 64");
        }
        return new VmemmapMemoryModel(kernel.Memory, directMap, vmemmap, kernel.PageSize, structPage, maxPfn, notes);
    }

    private static ulong Read(IKernel kernel, string symbol, ulong fallback, List<string> notes)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address))
        {
            notes.Add($"no symbol {symbol}; assumed {fallback:x}");
            return fallback;
        }
        if (kernel.Memory.TryReadU64(address, out var value, out var fault)) return value;
        notes.Add($"{symbol} unreadable ({fault!.Message}); assumed {fallback:x}");
        return fallback;
    }
}
