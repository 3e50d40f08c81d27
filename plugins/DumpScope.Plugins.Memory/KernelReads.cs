using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory;

/// <summary>
/// Small typed reads of globals shared by the plugin's readers. BTF has no types for globals, so every caller
/// states the C type it expects; a missing symbol or type is an answer ("not in this kernel"), not an exception.
/// </summary>
internal static class KernelReads
{
    /// <summary>Reads a global integer (any width) with the stated type; false with the reason when it cannot.</summary>
    public static bool TryGlobalInteger(IKernel kernel, string symbol, string typeName, out long value, out string problem)
    {
        value = 0;
        problem = "";
        if (!kernel.Symbols.TryGetAddress(symbol, out _))
        {
            problem = $"symbol {symbol} is not in this kernel";
            return false;
        }
        var type = kernel.Types.TryParse(typeName);
        if (type is null)
        {
            problem = $"type {typeName} is unknown to {kernel.Types.Source}";
            return false;
        }
        try
        {
            var global = kernel.Global(symbol, typeName);
            // atomic_t / atomic_long_t wrap the integer in a struct.
            if (global.Type.IsAggregate) global = global["counter"];
            value = global.ReadInteger();
            return true;
        }
        catch (MemoryFaultException e)
        {
            problem = $"{symbol}: {e.Fault.Message}";
            return false;
        }
        catch (TypeNotFoundException e)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The value of an enumerator of a named enum ("enum zone_stat_item", "NR_FREE_PAGES"), when both exist.</summary>
    public static bool TryEnumValue(IKernel kernel, string enumName, string enumerator, out long value)
    {
        value = 0;
        var type = kernel.Types.FindType(enumName)?.Resolve();
        if (type is null || type.Kind != TypeKind.Enum) return false;
        foreach (var e in type.Enumerators)
        {
            if (e.Name == enumerator)
            {
                value = e.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>Size of a type by name, or the fallback when the type is unknown.</summary>
    public static ulong SizeOf(IKernel kernel, string typeName, ulong fallback) => kernel.Types.TryParse(typeName)?.Size ?? fallback;

    /// <summary>Reads a signed 64-bit value; false with the fault.</summary>
    public static bool TryReadI64(IKernel kernel, ulong address, out long value, out MemoryFault? fault)
    {
        bool ok = kernel.Memory.TryReadU64(address, out var raw, out fault);
        value = (long)raw;
        return ok;
    }

    /// <summary>Reads a signed 32-bit value; false with the fault.</summary>
    public static bool TryReadI32(IKernel kernel, ulong address, out int value, out MemoryFault? fault)
    {
        Span<byte> b = stackalloc byte[4];
        var result = kernel.Memory.ReadVirtual(address, b);
        fault = result.Fault;
        value = fault is null ? System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(b) : 0;
        return fault is null;
    }
}
