namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Writes the flattened form (makedumpfile -F) of a dump image: the 4 KiB "makedumpfile" header, then
/// big-endian (offset, size) records with their data, then the end marker (offset -1).
/// </summary>
public static class FlattenedWriter
{
    /// <summary>
    /// Flattens <paramref name="image"/> in chunks of <paramref name="chunkSize"/>. With
    /// <paramref name="headerLast"/> the first block is first written as garbage and rewritten at the end
    /// (makedumpfile writes the header after the data; later records win). With
    /// <paramref name="reverse"/> the chunks are written back to front.
    /// </summary>
    public static byte[] Flatten(byte[] image, int chunkSize = 65536, bool headerLast = true, bool reverse = false)
    {
        var ms = new MemoryStream();
        var header = new byte[4096];
        Encoding.ASCII.GetBytes("makedumpfile").CopyTo(header, 0);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(16), 1); // type: flat header
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(24), 1); // version
        ms.Write(header);

        int firstBlock = Math.Min(4096, image.Length);
        if (headerLast)
        {
            var garbage = new byte[firstBlock];
            Array.Fill(garbage, (byte)0xEE);
            Record(ms, 0, garbage);
        }
        var chunks = new List<(long Offset, int Length)>();
        for (long off = headerLast ? firstBlock : 0; off < image.Length; off += chunkSize)
            chunks.Add((off, (int)Math.Min(chunkSize, image.Length - off)));
        if (reverse) chunks.Reverse();
        foreach (var (off, len) in chunks) Record(ms, off, image.AsSpan((int)off, len));
        if (headerLast) Record(ms, 0, image.AsSpan(0, firstBlock));

        Span<byte> end = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(end, -1);
        BinaryPrimitives.WriteInt64BigEndian(end[8..], -1);
        ms.Write(end);
        return ms.ToArray();
    }

    /// <summary>Writes one record: big-endian offset and size, then the data.</summary>
    public static void Record(Stream s, long offset, ReadOnlySpan<byte> data)
    {
        Span<byte> h = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(h, offset);
        BinaryPrimitives.WriteInt64BigEndian(h[8..], data.Length);
        s.Write(h);
        s.Write(data);
    }
}
