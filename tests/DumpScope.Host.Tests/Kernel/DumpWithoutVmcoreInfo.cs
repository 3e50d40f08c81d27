using DumpScope.Sdk.Dumps;

namespace DumpScope.Host.Tests.Kernel;

/// <summary>A real dump with its VMCOREINFO hidden: what a QEMU dump of a guest without -device vmcoreinfo looks like.</summary>
internal sealed class DumpWithoutVmcoreInfo(IDumpSource inner) : IDumpSource
{
    public string FilePath => inner.FilePath;
    public string FormatName => inner.FormatName;
    public int PageSize => inner.PageSize;
    public ulong MaxPfn => inner.MaxPfn;
    public VmcoreInfo? VmcoreInfo => null;
    public IReadOnlyList<DumpCpuState> Cpus => inner.Cpus;
    public PageState GetPageState(ulong pfn) => inner.GetPageState(pfn);
    public PageRead ReadPage(ulong pfn, Span<byte> destination) => inner.ReadPage(pfn, destination);
    public IReadOnlyList<KeyValuePair<string, string>> Describe() => inner.Describe();
    public void Dispose() => inner.Dispose();
}
