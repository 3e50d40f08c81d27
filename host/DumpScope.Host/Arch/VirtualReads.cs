namespace DumpScope.Host.Arch;

/// <summary>The read loop every address space shares: translate, read up to the end of the page, report the first fault at its virtual address.</summary>
internal static class VirtualReads
{
    /// <summary>
    /// Reads <paramref name="destination"/> from <paramref name="address"/> on, one page of <paramref name="page"/>
    /// bytes at a time (the next page may map elsewhere, or nowhere), translating with <paramref name="space"/>.
    /// </summary>
    public static ReadResult Read(IKernelMemory space, IPhysicalMemory physical, ulong page, ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            var translation = space.Translate(at);
            if (translation.Fault is { } fault) return new ReadResult(done, fault);
            int chunk = (int)Math.Min((ulong)(destination.Length - done), page - (at & (page - 1)));
            var read = physical.ReadPhysical(translation.PhysicalAddress, destination.Slice(done, chunk));
            done += read.BytesRead;
            if (read.Fault is { } physicalFault)
            {
                ulong failedVirtual = address + (ulong)done;
                ulong failedPhysical = translation.PhysicalAddress + (ulong)read.BytesRead;
                string detail = physicalFault.Detail is null
                    ? $"physical address {failedPhysical:x}"
                    : $"physical address {failedPhysical:x}: {physicalFault.Detail}";
                return new ReadResult(done, new MemoryFault(failedVirtual, physicalFault.Kind, false, physicalFault.Context, detail));
            }
        }
        return ReadResult.Complete(done);
    }
}
