namespace DumpScope.Host.Dumps;

/// <summary>
/// The image a flattened file (makedumpfile -F) describes, read in place: the file is a 4 KiB
/// "makedumpfile" header, then records of big-endian (offset, size) followed by size bytes meant for that
/// offset of the rebuilt dump, ended by an offset of -1. Records are indexed once; where they overlap the
/// later record wins (makedumpfile rewrites headers after the data). Ranges no record wrote read as holes.
/// </summary>
internal sealed class FlattenedFileView(DumpFileView file, long[] starts, long[] ends, long[] fileOffsets, long length,
    int records, bool truncated) : DumpFileView(file.FilePath)
{
    /// <summary>The signature at offset 0, NUL-padded to 16 bytes.</summary>
    public const string Signature = "makedumpfile";

    /// <summary>Size of the flat header block before the first record.</summary>
    public const int HeaderSize = 4096;

    private const int FlatHeaderType = 1;
    private const int RecordHeaderSize = 16;

    private readonly DumpFileView _file = file;
    private readonly long[] _starts = starts;
    private readonly long[] _ends = ends;
    private readonly long[] _fileOffsets = fileOffsets;
    private readonly long _length = length;

    /// <summary>Number of data records in the file.</summary>
    public int RecordCount { get; } = records;

    /// <summary>True when the file ended before the end marker (the last record may be partial).</summary>
    public bool IsTruncated { get; } = truncated;

    /// <summary>Version from the flat header.</summary>
    public long Version { get; private init; }

    public override long Length => _length;

    public override long DiskLength => _file.Length;

    /// <summary>True when the bytes at offset 0 are the flattened signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16) return false;
        for (int i = 0; i < 16; i++)
        {
            byte expected = i < Signature.Length ? (byte)Signature[i] : (byte)0;
            if (head[i] != expected) return false;
        }
        return true;
    }

    /// <summary>Indexes the records of <paramref name="file"/>; takes ownership of it.</summary>
    public static FlattenedFileView Open(DumpFileView file, DumpOpenOptions options)
    {
        var path = file.FilePath;
        Span<byte> head = stackalloc byte[32];
        file.ReadExactly(0, head, "flattened header");
        long type = BinaryPrimitives.ReadInt64BigEndian(head[16..]);
        long version = BinaryPrimitives.ReadInt64BigEndian(head[24..]);
        if (type != FlatHeaderType)
            throw DumpErrors.Malformed(path, 16, $"flattened header type is {type}, expected {FlatHeaderType}");
        if (file.Length < HeaderSize)
            throw DumpErrors.Malformed(path, file.Length, $"flattened header: expected {HeaderSize} bytes, the file has {file.Length}");

        var intervals = new List<IntervalResolver.Interval>();
        var dataOffsets = new List<long>();
        long pos = HeaderSize;
        bool truncated = false;
        Span<byte> rec = stackalloc byte[RecordHeaderSize];
        while (true)
        {
            if (pos + RecordHeaderSize > file.Length)
            {
                truncated = true;
                break;
            }
            file.ReadExactly(pos, rec, "flattened record header");
            long offset = BinaryPrimitives.ReadInt64BigEndian(rec);
            long size = BinaryPrimitives.ReadInt64BigEndian(rec[8..]);
            if (offset == -1) break;
            if (offset < 0 || size < 0 || offset > long.MaxValue - size)
                throw DumpErrors.Malformed(path, pos, $"flattened record: expected a non-negative offset and size, found offset {offset} size {size}");
            if (intervals.Count >= options.MaxFlattenedRecords)
                throw DumpErrors.Malformed(path, pos, $"flattened file has more than {options.MaxFlattenedRecords} records (the limit)");
            long data = pos + RecordHeaderSize;
            long available = Math.Min(size, file.Length - data);
            if (available < size) truncated = true;
            intervals.Add(new IntervalResolver.Interval(offset, offset + available, intervals.Count, intervals.Count));
            dataOffsets.Add(data);
            if (available < size) break;
            pos = data + size;
        }

        var pieces = IntervalResolver.Resolve(intervals);
        var starts = new long[pieces.Count];
        var ends = new long[pieces.Count];
        var fileOffsets = new long[pieces.Count];
        long length = 0;
        for (int i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            starts[i] = p.Start;
            ends[i] = p.End;
            fileOffsets[i] = dataOffsets[p.Id] + (p.Start - intervals[p.Id].Start);
            length = Math.Max(length, p.End);
        }
        return new FlattenedFileView(file, starts, ends, fileOffsets, length, intervals.Count, truncated) { Version = version };
    }

    public override int Read(long offset, Span<byte> destination) => Read(offset, destination, streaming: false);

    public override int ReadStreaming(long offset, Span<byte> destination) => Read(offset, destination, streaming: true);

    private int Read(long offset, Span<byte> destination, bool streaming)
    {
        int total = 0;
        int i = FindPiece(offset);
        while (total < destination.Length && i < _starts.Length)
        {
            long at = offset + total;
            if (_starts[i] > at || _ends[i] <= at) break;
            int chunk = (int)Math.Min(destination.Length - total, _ends[i] - at);
            long from = _fileOffsets[i] + (at - _starts[i]);
            var part = destination.Slice(total, chunk);
            int n = streaming ? _file.ReadStreaming(from, part) : _file.Read(from, part);
            total += n;
            if (n < chunk) break;
            i++;
        }
        return total;
    }

    public override bool Covers(long offset, long length)
    {
        if (!base.Covers(offset, length)) return false;
        long at = offset, end = offset + length;
        for (int i = FindPiece(offset); at < end; i++)
        {
            if (i >= _starts.Length || _starts[i] > at) return false;
            at = _ends[i];
        }
        return true;
    }

    /// <summary>Index of the piece containing <paramref name="offset"/>, or of the first piece after it.</summary>
    private int FindPiece(long offset)
    {
        int lo = 0, hi = _starts.Length - 1, found = _starts.Length;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ends[mid] > offset) { found = mid; hi = mid - 1; }
            else lo = mid + 1;
        }
        return found;
    }

    public override void Dispose() => _file.Dispose();
}
