namespace DumpScope.Sdk.Kernel;

/// <summary>Entry points to typed objects, named after the kernel's own helpers where one exists.</summary>
public static class KernelExtensions
{
    /// <summary>A typed view: <c>kernel.Object("struct kmem_cache", addr)["name"].ReadString()</c>.</summary>
    public static KernelObject Object(this IKernel kernel, string typeName, ulong address) =>
        new(kernel, kernel.Types.Require(typeName), address);

    /// <summary>
    /// A global variable by symbol. BTF carries no types for most globals, so the caller may state the type
    /// (<c>kernel.Global("nr_cpu_ids", "unsigned int")</c>); without one, the type source's variable type is used.
    /// </summary>
    public static KernelObject Global(this IKernel kernel, string symbol, string? typeName = null)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address))
            throw new TypeNotFoundException($"symbol '{symbol}' is not in {kernel.Symbols.Source}");
        var type = typeName is not null
            ? kernel.Types.Require(typeName)
            : kernel.Types.FindVariableType(symbol)
              ?? throw new TypeNotFoundException(kernel.Types.TypeNames.Any()
                  ? $"the type of '{symbol}' is unknown to {kernel.Types.Source}; state it"
                  : TypeExtensions.NotKnown(kernel.Types, $"the type of '{symbol}'"));
        return new KernelObject(kernel, type, address);
    }

    /// <summary>True when the kernel has the symbol.</summary>
    public static bool HasSymbol(this IKernel kernel, string symbol) => kernel.Symbols.TryGetAddress(symbol, out _);
}
