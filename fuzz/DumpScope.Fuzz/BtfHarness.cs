using DumpScope.Host.Types.Btf;

namespace DumpScope.Fuzz;

/// <summary>Raw BTF: parsed, then looked up and formatted the way the struct/whatis commands do.</summary>
internal static class BtfHarness
{
    private const int MaxTypesVisited = 64;

    private static readonly string[] Names = ["int", "long unsigned int", "struct list_head", "struct task_struct", "list_head", "u64", "enum zone_type"];

    public static void Run(byte[] data) => FuzzHarness.Tolerating(() =>
    {
        var catalog = BtfTypeCatalog.FromBytes(data, "fuzz-input");
        foreach (var name in Names) Visit(catalog.FindType(name));
        foreach (var name in catalog.TypeNames.Take(MaxTypesVisited)) Visit(catalog.FindType(name));
        for (int id = 1; id <= Math.Min(catalog.TypeCount, MaxTypesVisited); id++) Visit(catalog.TypeById(id));
    });

    private static void Visit(KernelType? type)
    {
        if (type is null) return;
        _ = type.DisplayName;
        _ = type.Size;
        var resolved = type.Resolve();
        _ = resolved.Kind;
        foreach (var member in resolved.Members.Take(MaxTypesVisited))
        {
            _ = member.Offset;
            _ = member.Type.DisplayName;
            _ = member.Type.Resolve().Size;
        }
        foreach (var value in resolved.Enumerators.Take(MaxTypesVisited)) _ = value.Name;
        foreach (var parameter in resolved.Parameters.Take(MaxTypesVisited)) _ = parameter.DisplayName;
        _ = resolved.Target?.DisplayName;
    }
}
