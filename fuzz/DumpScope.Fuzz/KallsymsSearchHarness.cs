using DumpScope.Host.Symbols;

namespace DumpScope.Fuzz;

/// <summary>
/// The kallsyms search of kernels whose VMCOREINFO names no table (before 6.0): the input is a kernel image
/// mapped at <see cref="Base"/>, searched from SYMBOL(_stext) = <see cref="Base"/> up to the end of the input
/// (SYMBOL(init_uts_ns) bounds the search there), the tables anywhere inside.
/// </summary>
public static class KallsymsSearchHarness
{
    /// <summary>Where the image is mapped: the unrelocated _stext of x86-64.</summary>
    public const ulong Base = 0xffffffff_8100_0000UL;

    internal static void Run(byte[] data)
    {
        var info = VmcoreInfo.Parse(string.Create(CultureInfo.InvariantCulture,
            $"OSRELEASE=fuzz\nSYMBOL(_stext)={Base:x}\nSYMBOL(init_uts_ns)={Base + (ulong)data.Length:x}\n"));
        var memory = new SyntheticMemory();
        memory.MapImage(Base, data);
        KallsymsHarness.Exercise(KallsymsReader.TryRead(memory, info, out var problem)?.Table, problem);
    }
}
