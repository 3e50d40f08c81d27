using System.Numerics;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>
/// A writable copy of a real kdump-compressed file in a temp folder, with the layout arithmetic needed to
/// damage it the way real corruption does: cut it short, claim frames in the bitmaps, or replace one page's
/// contents (the new page is appended uncompressed and its page_desc re-pointed, so any byte of memory can be
/// changed without re-compressing anything). Deleted on dispose.
/// </summary>
internal sealed class PatchedKdump : IDisposable
{
    private const int PageDescSize = 24;
    private readonly string _folder;

    public PatchedKdump(string original, string name)
    {
        _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"dumpscope-robust-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, System.IO.Path.GetFileName(original));
        File.Copy(original, Path);
        File.SetAttributes(Path, FileAttributes.Normal);
        var head = new byte[DiskDumpHeader.ParsedLength];
        using (var f = File.OpenRead(Path)) f.ReadExactly(head);
        var header = DiskDumpHeader.Parse(head);
        BlockSize = header.BlockSize;
        BitmapOffset = (1L + header.SubHeaderBlocks) * BlockSize;
        BitmapHalf = header.BitmapBlocks * (long)BlockSize / 2;
        DescTableOffset = BitmapOffset + 2 * BitmapHalf;
    }

    public string Path { get; }
    public int BlockSize { get; }
    public long BitmapOffset { get; }
    public long BitmapHalf { get; }
    public long DescTableOffset { get; }

    /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
    public void Truncate(long length)
    {
        using var f = new FileStream(Path, FileMode.Open, FileAccess.Write);
        f.SetLength(length);
    }

    /// <summary>Sets the bits of <paramref name="pfns"/> in both bitmaps (RAM, dumped).</summary>
    public void ClaimFrames(IEnumerable<ulong> pfns)
    {
        using var f = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite);
        foreach (var pfn in pfns)
            foreach (var bitmap in new[] { BitmapOffset, BitmapOffset + BitmapHalf })
            {
                long at = bitmap + (long)(pfn / 8);
                f.Position = at;
                int b = f.ReadByte();
                f.Position = at;
                f.WriteByte((byte)(b | (1 << (int)(pfn % 8))));
            }
    }

    /// <summary>Replaces the contents of a dumped frame: <paramref name="edit"/> changes a copy of the page.</summary>
    public void EditPage(IDumpSource pristine, ulong pfn, Action<byte[]> edit)
    {
        var page = new byte[BlockSize];
        if (pristine.ReadPage(pfn, page).State != PageState.Present) throw new InvalidOperationException($"pfn 0x{pfn:x} is not in the dump: pick a dumped frame");
        edit(page);
        using var f = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite);
        long descAt = DescTableOffset + Rank(f, pfn) * PageDescSize;
        long dataAt = f.Length;
        f.Position = dataAt;
        f.Write(page);
        var desc = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(desc, dataAt);
        BinaryPrimitives.WriteUInt32LittleEndian(desc.AsSpan(8), (uint)BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(desc.AsSpan(12), 0); // flags: stored uncompressed
        f.Position = descAt;
        f.Write(desc);
    }

    /// <summary>Dumped frames below <paramref name="pfn"/>: the index of its page_desc.</summary>
    private long Rank(FileStream f, ulong pfn)
    {
        var bits = new byte[(pfn + 7) / 8 + 1];
        f.Position = BitmapOffset + BitmapHalf;
        f.ReadExactly(bits);
        long rank = 0;
        for (ulong i = 0; i < pfn / 8; i++) rank += BitOperations.PopCount(bits[i]);
        rank += BitOperations.PopCount((uint)(bits[pfn / 8] & ((1 << (int)(pfn % 8)) - 1)));
        return rank;
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
