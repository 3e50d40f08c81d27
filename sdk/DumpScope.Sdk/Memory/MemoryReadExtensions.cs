namespace DumpScope.Sdk.Memory;

/// <summary>Little-endian convenience readers over <see cref="IKernelMemory"/>. They throw <see cref="MemoryFaultException"/>.</summary>
public static class MemoryReadExtensions
{
    /// <summary>Reads exactly <paramref name="destination"/>.Length bytes or throws with the fault.</summary>
    public static void ReadExactly(this IKernelMemory memory, ulong address, Span<byte> destination, string? context = null)
    {
        var result = memory.ReadVirtual(address, destination);
        if (result.Fault is { } fault) throw new MemoryFaultException(context is null ? fault : fault.WithContext(context));
    }

    /// <summary>Reads <paramref name="count"/> bytes into a new array or throws.</summary>
    public static byte[] ReadBytes(this IKernelMemory memory, ulong address, int count, string? context = null)
    {
        var buffer = new byte[count];
        memory.ReadExactly(address, buffer, context);
        return buffer;
    }

    /// <summary>Reads an unsigned 8-bit value.</summary>
    public static byte ReadU8(this IKernelMemory memory, ulong address, string? context = null)
    {
        Span<byte> b = stackalloc byte[1];
        memory.ReadExactly(address, b, context);
        return b[0];
    }

    /// <summary>Reads an unsigned 16-bit value.</summary>
    public static ushort ReadU16(this IKernelMemory memory, ulong address, string? context = null)
    {
        Span<byte> b = stackalloc byte[2];
        memory.ReadExactly(address, b, context);
        return BinaryPrimitives.ReadUInt16LittleEndian(b);
    }

    /// <summary>Reads an unsigned 32-bit value.</summary>
    public static uint ReadU32(this IKernelMemory memory, ulong address, string? context = null)
    {
        Span<byte> b = stackalloc byte[4];
        memory.ReadExactly(address, b, context);
        return BinaryPrimitives.ReadUInt32LittleEndian(b);
    }

    /// <summary>Reads an unsigned 64-bit value.</summary>
    public static ulong ReadU64(this IKernelMemory memory, ulong address, string? context = null)
    {
        Span<byte> b = stackalloc byte[8];
        memory.ReadExactly(address, b, context);
        return BinaryPrimitives.ReadUInt64LittleEndian(b);
    }

    /// <summary>
    /// Reads ahead the pages holding [address, +<paramref name="length"/>) of each of <paramref name="addresses"/> when the
    /// memory can (<see cref="IKernelPrefetch"/>: decompressed in parallel into the page cache); else does nothing.
    /// Returns the pages read from the dump. Reads that follow are the same, only faster.
    /// </summary>
    public static int Prefetch(this IKernelMemory memory, ReadOnlySpan<ulong> addresses, int length) =>
        memory is IKernelPrefetch prefetch ? prefetch.PrefetchVirtual(addresses, length) : 0;

    /// <summary>Reads a 64-bit value; false with the fault when unreadable.</summary>
    public static bool TryReadU64(this IKernelMemory memory, ulong address, out ulong value, out MemoryFault? fault)
    {
        Span<byte> b = stackalloc byte[8];
        var result = memory.ReadVirtual(address, b);
        fault = result.Fault;
        value = fault is null ? BinaryPrimitives.ReadUInt64LittleEndian(b) : 0;
        return fault is null;
    }

    /// <summary>
    /// Reads a NUL-terminated string of at most <paramref name="maxLength"/> bytes. Stops at the first fault
    /// only if nothing was read; a string cut by a fault after some bytes throws, because it would be wrong.
    /// </summary>
    public static string ReadCString(this IKernelMemory memory, ulong address, int maxLength = 256, string? context = null)
    {
        Span<byte> buffer = maxLength <= 1024 ? stackalloc byte[maxLength] : new byte[maxLength];
        // Read page by page so that a string ending just before an excluded page is still readable.
        int read = 0;
        while (read < maxLength)
        {
            ulong at = address + (ulong)read;
            int chunk = (int)Math.Min((ulong)(maxLength - read), 4096 - (at & 4095));
            var result = memory.ReadVirtual(at, buffer.Slice(read, chunk));
            int nul = buffer.Slice(read, result.BytesRead).IndexOf((byte)0);
            if (nul >= 0) return Encoding.UTF8.GetString(buffer[..(read + nul)]);
            read += result.BytesRead;
            if (result.Fault is { } fault) throw new MemoryFaultException(context is null ? fault : fault.WithContext(context));
        }
        return Encoding.UTF8.GetString(buffer[..read]);
    }
}
