using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Reads each kernel module's split BTF out of dump memory (found by <see cref="ModuleBtf"/>) on top of the kernel's
/// own BTF, so <c>struct</c> and the helpers know a module's types. A module whose BTF cannot be read or does not
/// continue the kernel's is left out and named in <see cref="Problems"/>; the others load.
/// </summary>
public sealed class ModuleBtfLoader(IKernel kernel, BtfTypeCatalog vmlinux)
{
    private readonly List<string> _problems = [];

    /// <summary>Why modules were left out (one line each), after <see cref="Load"/>.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The catalogs of the modules whose BTF could be read, in the kernel's list order.</summary>
    public IReadOnlyList<BtfTypeCatalog> Load()
    {
        var catalogs = new List<BtfTypeCatalog>();
        WalkResult<ModuleBtfData> walk;
        try
        {
            walk = ModuleBtf.ForEachModuleBtf(kernel);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            _problems.Add($"module BTF: {KernelDataErrors.Reason(e)}");
            return catalogs;
        }
        if (walk.Problem is not null) _problems.Add(walk.Problem);
        foreach (var module in walk.Items)
        {
            string where = $"BTF of module {module.Name} at 0x{module.Data:x}";
            try
            {
                var data = BtfTypeCatalog.ReadMemory(kernel.Memory, module.Data, (int)module.Size, kernel.PageSize, $"module {module.Name} BTF (data");
                catalogs.Add(BtfTypeCatalog.FromSplit(vmlinux, data, where, module.StartId, module.StartStringOffset, module.Name));
            }
            catch (Exception e) when (e is InvalidDataException or MemoryFaultException or NotSupportedException)
            {
                _problems.Add(KernelDataErrors.Reason(e));
            }
        }
        return catalogs;
    }
}
