namespace DumpScope.Fuzz;

/// <summary>
/// Kernel memory made of one byte image mapped at <see cref="Base"/> (virtual = physical + base); every
/// address outside the image faults as not mapped, with the partial count a real reader gives.
/// </summary>
internal sealed class ImageKernelMemory(byte[] image, ulong baseAddress) : IKernelMemory
{
    public ulong Base => baseAddress;

    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => Read(address, destination, isPhysical: true);

    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        if (address < baseAddress) return new ReadResult(0, new MemoryFault(address, MemoryFaultKind.NotMapped, false));
        return Read(address - baseAddress, destination, isPhysical: false);
    }

    public Translation Translate(ulong virtualAddress) =>
        virtualAddress >= baseAddress && virtualAddress - baseAddress < (ulong)image.Length
            ? new Translation(virtualAddress - baseAddress, 4096, null)
            : new Translation(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NotMapped, false));

    private ReadResult Read(ulong offset, Span<byte> destination, bool isPhysical)
    {
        int available = offset >= (ulong)image.Length ? 0 : (int)Math.Min((ulong)destination.Length, (ulong)image.Length - offset);
        if (available > 0) image.AsSpan((int)offset, available).CopyTo(destination);
        if (available == destination.Length) return ReadResult.Complete(available);
        ulong faultAt = (isPhysical ? 0 : baseAddress) + offset + (ulong)available;
        return new ReadResult(available, new MemoryFault(faultAt, MemoryFaultKind.NotMapped, isPhysical));
    }
}
