using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Fuzz;

/// <summary>
/// An ORC table in kernel memory. The input is the memory image, mapped at <see cref="Base"/>; its first
/// <see cref="HeaderSize"/> bytes say where the table is: u32 entry count, u32 offset of the s32 IP array,
/// u32 offset of the 6-byte entries. Drives the layout probe over a sample, then look-ups around the first
/// entries' addresses and entry decoding. Memory faults (a table running off the image) are the documented
/// outcome of a short table.
/// </summary>
public static class OrcHarness
{
    /// <summary>Where the image is mapped.</summary>
    public const ulong Base = 0xffffffff_8100_0000UL;

    /// <summary>Bytes of table location before the tables.</summary>
    public const int HeaderSize = 12;

    internal static void Run(byte[] data)
    {
        if (data.Length < HeaderSize) return;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(data);
        ulong ips = Base + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        ulong entries = Base + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(8));
        var memory = new SyntheticMemory();
        memory.MapImage(Base, data);
        var probe = OrcLayoutProbe.Probe(OrcTable.Sample(memory, entries, Math.Min(count, OrcTable.MaxEntries)));
        if (probe.Layout is not { } layout)
        {
            if (string.IsNullOrEmpty(probe.Evidence)) throw new InvalidOperationException("the probe refused the table without saying why");
            return;
        }
        FuzzHarness.Tolerating(() =>
        {
            var table = new OrcTable(memory, "fuzz", ips, entries, count, layout);
            for (uint i = 0; i < Math.Min(count, 64u); i++)
            {
                try
                {
                    ulong ip = table.IpAt(i);
                    _ = table.Find(ip);
                    _ = table.Find(ip - 1);
                    _ = table.Find(ip + 1, i, i + 2);
                    _ = table.EntryAt(i);
                }
                catch (MemoryFaultException)
                {
                    // The table runs off the image: reported as the fault.
                }
            }
        });
    }

    /// <summary>An image holding a table: the header, the IP array, then the entries.</summary>
    public static byte[] Image(ReadOnlySpan<int> relativeIps, ReadOnlySpan<byte> entries)
    {
        int ipOffset = HeaderSize, entryOffset = ipOffset + relativeIps.Length * 4;
        var image = new byte[entryOffset + entries.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(image, (uint)relativeIps.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(4), (uint)ipOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(8), (uint)entryOffset);
        for (int i = 0; i < relativeIps.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(image.AsSpan(ipOffset + i * 4), relativeIps[i]);
        entries.CopyTo(image.AsSpan(entryOffset));
        return image;
    }
}
