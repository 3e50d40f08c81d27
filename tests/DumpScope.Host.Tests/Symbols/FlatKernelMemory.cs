using DumpScope.Host.Tests.Arch;
using DumpScope.Sdk.Memory;

namespace DumpScope.Host.Tests.Symbols;

/// <summary>
/// Kernel memory for symbol tests: virtual address = <see cref="Base"/> + physical, over a sparse
/// <see cref="SyntheticPhysicalMemory"/> (unwritten pages fault).
/// </summary>
internal sealed class FlatKernelMemory(ulong baseAddress) : IKernelMemory
{
    public SyntheticPhysicalMemory Physical { get; } = new();

    public ulong Base => baseAddress;

    public void Write(ulong virtualAddress, ReadOnlySpan<byte> data) => Physical.Write(virtualAddress - baseAddress, data);

    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => Physical.ReadPhysical(address, destination);

    public Translation Translate(ulong virtualAddress) => new(virtualAddress - baseAddress, 4096, null);

    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        var result = Physical.ReadPhysical(address - baseAddress, destination);
        return result.Fault is { } f ? new ReadResult(result.BytesRead, f with { Address = f.Address + baseAddress, IsPhysical = false }) : result;
    }
}
