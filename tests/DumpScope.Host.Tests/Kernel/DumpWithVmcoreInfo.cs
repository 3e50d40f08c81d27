namespace DumpScope.Host.Tests.Kernel;

/// <summary>
/// A real dump with another VMCOREINFO: null is what a QEMU dump of a guest without -device vmcoreinfo looks like;
/// an edited note makes a kernel whose note contradicts its memory.
/// </summary>
internal sealed class DumpWithVmcoreInfo(IDumpSource inner, VmcoreInfo? info) : IDumpSource
{
    public string FilePath => inner.FilePath;
    public string FormatName => inner.FormatName;
    public int PageSize => inner.PageSize;
    public ulong MaxPfn => inner.MaxPfn;
    public VmcoreInfo? VmcoreInfo => info;
    public IReadOnlyList<DumpCpuState> Cpus => inner.Cpus;
    public PageState GetPageState(ulong pfn) => inner.GetPageState(pfn);
    public PageRead ReadPage(ulong pfn, Span<byte> destination) => inner.ReadPage(pfn, destination);
    public IReadOnlyList<KeyValuePair<string, string>> Describe() => inner.Describe();
    public void Dispose() => inner.Dispose();
}
