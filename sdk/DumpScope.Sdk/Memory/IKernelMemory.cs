namespace DumpScope.Sdk.Memory;

/// <summary>Physical memory of the dumped machine.</summary>
public interface IPhysicalMemory
{
    /// <summary>
    /// Reads physical memory into <paramref name="destination"/>. Never throws for missing data: the result
    /// says how many bytes were read before the first fault.
    /// </summary>
    ReadResult ReadPhysical(ulong address, Span<byte> destination);
}

/// <summary>The translation of one virtual address.</summary>
/// <param name="PhysicalAddress">The physical address, valid when <see cref="Fault"/> is null.</param>
/// <param name="MappingSize">Size of the page that maps the address (4 KiB, 2 MiB, 1 GiB), 0 on fault.</param>
/// <param name="Fault">Why there is no translation, or null.</param>
public readonly record struct Translation(ulong PhysicalAddress, ulong MappingSize, MemoryFault? Fault)
{
    /// <summary>True when the address translated.</summary>
    public bool Success => Fault is null;
}

/// <summary>
/// Kernel virtual memory of the dumped machine (reads go through the kernel's page tables, with fast paths
/// for the direct map and kernel text). Implementations are thread-safe.
/// </summary>
public interface IKernelMemory : IPhysicalMemory
{
    /// <summary>Reads kernel virtual memory; returns bytes read before the first fault.</summary>
    ReadResult ReadVirtual(ulong address, Span<byte> destination);

    /// <summary>Translates a kernel virtual address to a physical one.</summary>
    Translation Translate(ulong virtualAddress);
}
