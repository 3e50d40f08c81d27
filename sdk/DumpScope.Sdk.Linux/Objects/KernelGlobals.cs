namespace DumpScope.Sdk.Linux.Objects;

/// <summary>
/// Reads of global variables whose C type the caller states (BTF has no types for most globals). A missing symbol
/// or type is an answer ("not in this kernel"), not an exception.
/// </summary>
public static class KernelGlobals
{
    /// <summary>
    /// The integer global <paramref name="symbol"/> of C type <paramref name="typeName"/> (any width; an
    /// <c>atomic_t</c> / <c>atomic_long_t</c> is read through its <c>counter</c>); false with the reason when it cannot be read.
    /// </summary>
    public static bool TryReadInteger(IKernel kernel, string symbol, string typeName, out long value, out string problem)
    {
        value = 0;
        problem = "";
        if (!kernel.Symbols.TryGetAddress(symbol, out _))
        {
            problem = $"symbol {symbol} is not in this kernel";
            return false;
        }
        if (kernel.Types.TryParse(typeName) is null)
        {
            problem = TypeExtensions.NotKnown(kernel.Types, $"type {typeName}");
            return false;
        }
        try
        {
            var global = kernel.Global(symbol, typeName);
            if (global.Type.IsAggregate) global = global["counter"];
            value = global.ReadInteger();
            return true;
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Fault(e) is { } fault ? $"{symbol}: {fault.Message}" : e.Message;
            return false;
        }
    }

    /// <summary>The value of <paramref name="enumerator"/> of the enum <paramref name="enumName"/> ("enum zone_stat_item"), when both exist.</summary>
    public static bool TryEnumValue(IKernel kernel, string enumName, string enumerator, out long value)
    {
        value = 0;
        var type = kernel.Types.FindType(enumName)?.Resolve();
        if (type is null || type.Kind != TypeKind.Enum) return false;
        foreach (var e in type.Enumerators)
        {
            if (e.Name != enumerator) continue;
            value = e.Value;
            return true;
        }
        return false;
    }
}
