using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>A catalog of test-built types.</summary>
internal sealed class TestCatalog(params KernelType[] types) : ITypeCatalog
{
    public string Source => "test types";
    public KernelType? FindType(string name) =>
        types.FirstOrDefault(t => t.Name == name || "struct " + t.Name == name) ?? DumpScope.Sdk.Types.TypeExtensions.StandardInteger(name);
    public KernelType? FindVariableType(string name) => null;
    public IEnumerable<string> TypeNames => types.Select(t => t.Name);
}
