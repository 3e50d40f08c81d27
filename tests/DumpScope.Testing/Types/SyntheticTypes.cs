namespace DumpScope.Testing.Types;

/// <summary>
/// A catalog of hand-built types (<see cref="SyntheticStruct"/>, SDK integer and array types), for layouts no
/// bundled BTF has (older kernels). Found by their own name, "struct NAME", or a name given to
/// <see cref="Add(string, KernelType)"/>; C integer names fall back to the SDK's standard integers.
/// </summary>
public sealed class SyntheticTypes(params KernelType[] types) : ITypeCatalog
{
    private readonly List<KernelType> _types = [.. types];
    private readonly Dictionary<string, KernelType> _named = new(StringComparer.Ordinal);

    /// <summary>Adds a type under a C name ("struct printk_log").</summary>
    public SyntheticTypes Add(string name, KernelType type)
    {
        _named[name] = type;
        return this;
    }

    /// <inheritdoc/>
    public string Source => "test types";

    /// <inheritdoc/>
    public KernelType? FindType(string name) =>
        _named.GetValueOrDefault(name)
        ?? _types.FirstOrDefault(t => t.Name == name || "struct " + t.Name == name)
        ?? TypeExtensions.StandardInteger(name);

    /// <inheritdoc/>
    public KernelType? FindVariableType(string name) => null;

    /// <inheritdoc/>
    public IEnumerable<string> TypeNames => _named.Keys.Concat(_types.Select(t => t.Name));
}
