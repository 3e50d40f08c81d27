using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// The name index and unit headers of a DWARF file saved to disk, so that opening the same file again costs
/// one small read instead of a pass over .debug_info. The file is keyed by the GNU build-id and says the
/// format version, the ELF file's size and modification time and where .debug_info lies; anything that
/// does not match, or a checksum that does not, makes the cache be ignored (and rebuilt by the caller).
/// </summary>
internal static class DwarfIndexCache
{
    /// <summary>Changes whenever the layout or the index's meaning changes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Largest cache file read.</summary>
    public const int MaxCacheSize = 256 << 20;

    private static ReadOnlySpan<byte> Magic => "DSDWIDX\0"u8;

    /// <summary>What a cache file must say to be used for an ELF file.</summary>
    public readonly record struct Key(string BuildId, long FileSize, long ModifiedTicks, long InfoOffset, int InfoLength);

    /// <summary>The default folder: $XDG_CACHE_HOME/dumpscope/dwarf-index, else ~/.cache/dumpscope/dwarf-index.</summary>
    public static string DefaultDirectory =>
        System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "dumpscope", "dwarf-index");

    /// <summary>The cache file for a build-id in a folder.</summary>
    public static string PathFor(string directory, string buildId) => System.IO.Path.Combine(directory, buildId + ".idx");

    /// <summary>Reads a cache file; null (with the reason) when absent, stale or corrupt.</summary>
    public static (DwarfUnit[] Units, DwarfNameIndex Index)? TryRead(string path, Key key, out string problem)
    {
        byte[] data;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) { problem = "no cache file"; return null; }
            if (info.Length > MaxCacheSize || info.Length < Magic.Length + 12) { problem = $"cache file of {info.Length} bytes is implausible"; return null; }
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cache unreadable: {e.Message}";
            return null;
        }
        if (!data.AsSpan(0, Magic.Length).SequenceEqual(Magic)) { problem = "not a DumpScope DWARF index"; return null; }
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(data.Length - 8));
        if (Checksum(data.AsSpan(0, data.Length - 8)) != stored) { problem = "checksum mismatch (corrupt cache)"; return null; }
        try
        {
            var reader = new Reader(data, data.Length - 8) { Position = Magic.Length };
            int version = reader.I32();
            if (version != FormatVersion) { problem = $"cache format {version}, expected {FormatVersion}"; return null; }
            var found = new Key(reader.String(), reader.I64(), reader.I64(), reader.I64(), reader.I32());
            if (found != key) { problem = $"cache describes another file ({found}) than {key}"; return null; }
            var units = ReadUnits(ref reader, key.InfoLength);
            var index = ReadIndex(ref reader);
            if (reader.Position != data.Length - 8) { problem = "trailing bytes in the cache"; return null; }
            problem = "";
            return (units, index);
        }
        catch (InvalidDataException e)
        {
            problem = $"corrupt cache: {e.Message}";
            return null;
        }
    }

    /// <summary>Writes the cache atomically (a temporary file renamed over the old one).</summary>
    public static void Write(string path, Key key, DwarfUnit[] units, DwarfNameIndex index)
    {
        var buffer = new ArrayBufferWriter();
        buffer.Bytes(Magic);
        buffer.I32(FormatVersion);
        buffer.String(key.BuildId);
        buffer.I64(key.FileSize);
        buffer.I64(key.ModifiedTicks);
        buffer.I64(key.InfoOffset);
        buffer.I32(key.InfoLength);
        buffer.I32(units.Length);
        foreach (var u in units)
        {
            buffer.I64(u.Offset);
            buffer.I64(u.End);
            buffer.I32(u.Version);
            buffer.Bytes([u.UnitType, (byte)u.AddressSize, (byte)u.OffsetSize]);
            buffer.I64(u.AbbrevOffset);
            buffer.I64(u.DieOffset);
            buffer.I64((long)u.TypeSignature);
            buffer.I64(u.TypeOffset);
        }
        var ids = new Dictionary<string, int>(index.Count, StringComparer.Ordinal);
        buffer.I32(index.Count);
        foreach (var (name, slots) in index.Names)
        {
            ids[name] = ids.Count;
            buffer.String(name);
            byte present = slots.OrdinaryIsBaseType ? (byte)0x80 : (byte)0;
            for (int s = 0; s < DwarfNameSlots.Count; s++)
                if (slots.Rank((DwarfNameSpace)s) > 0) present |= (byte)(1 << s);
            buffer.Bytes([present]);
            for (int s = 0; s < DwarfNameSlots.Count; s++)
            {
                var space = (DwarfNameSpace)s;
                if (slots.Rank(space) == 0) continue;
                buffer.Bytes([slots.Rank(space)]);
                buffer.I64(slots.Offset(space));
            }
        }
        buffer.I32(index.Variables.Length);
        foreach (var v in index.Variables)
        {
            buffer.I32(ids[v.Name]);
            buffer.I64((long)v.LinkAddress);
            buffer.Bytes([v.IsExternal ? (byte)1 : (byte)0]);
        }
        buffer.I32(index.Signatures.Count);
        foreach (var (signature, offset) in index.Signatures)
        {
            buffer.I64((long)signature);
            buffer.I64(offset);
        }
        buffer.I64((long)Checksum(buffer.Written));

        var directory = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            File.WriteAllBytes(temporary, buffer.Written.ToArray());
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    private static DwarfUnit[] ReadUnits(ref Reader reader, int infoLength)
    {
        int count = reader.Count(61, DwarfFile.MaxUnits);
        var units = new DwarfUnit[count];
        long previousEnd = 0;
        for (int i = 0; i < count; i++)
        {
            long offset = reader.I64(), end = reader.I64();
            int version = reader.I32();
            byte type = reader.U8(), addressSize = reader.U8(), offsetSize = reader.U8();
            long abbrev = reader.I64(), die = reader.I64();
            ulong signature = (ulong)reader.I64();
            long typeOffset = reader.I64();
            if (offset != previousEnd || end <= offset || end > infoLength || die <= offset || die > end || version is < 2 or > 5
                || addressSize is not (4 or 8) || offsetSize is not (4 or 8) || abbrev < 0 || (typeOffset != 0 && (typeOffset < die || typeOffset >= end)))
                throw new InvalidDataException($"unit {i} of the cache is inconsistent");
            units[i] = DwarfUnit.FromCache(i, offset, end, version, type, addressSize, offsetSize, abbrev, die, signature, typeOffset);
            previousEnd = end;
        }
        if (previousEnd != infoLength) throw new InvalidDataException("the cached units do not cover .debug_info");
        return units;
    }

    private static DwarfNameIndex ReadIndex(ref Reader reader)
    {
        int count = reader.Count(3, 1 << 26);
        var names = new Dictionary<string, DwarfNameSlots>(count, StringComparer.Ordinal);
        var byId = new string[count];
        for (int i = 0; i < count; i++)
        {
            var name = reader.String();
            byte present = reader.U8();
            var slots = new DwarfNameSlots();
            for (int s = 0; s < DwarfNameSlots.Count; s++)
            {
                if ((present & (1 << s)) == 0) continue;
                byte rank = reader.U8();
                long offset = reader.I64();
                if (rank == 0 || offset < 0) throw new InvalidDataException($"name {i}: rank {rank}, offset {offset}");
                slots.Offer((DwarfNameSpace)s, offset, rank, (present & 0x80) != 0);
            }
            if (!names.TryAdd(name, slots)) throw new InvalidDataException($"name '{name}' appears twice");
            byId[i] = name;
        }
        int variableCount = reader.Count(13, 1 << 26);
        var variables = new DwarfVariable[variableCount];
        for (int i = 0; i < variableCount; i++)
        {
            int id = reader.I32();
            if ((uint)id >= (uint)count) throw new InvalidDataException($"variable {i}: name id {id} out of range");
            variables[i] = new DwarfVariable(byId[id], (ulong)reader.I64(), reader.U8() != 0);
        }
        int signatureCount = reader.Count(16, 1 << 24);
        var signatures = new Dictionary<ulong, long>(signatureCount);
        for (int i = 0; i < signatureCount; i++) signatures.TryAdd((ulong)reader.I64(), reader.I64());
        return new DwarfNameIndex(names, variables, signatures);
    }

    /// <summary>FNV-1a over 8-byte words, then the tail: enough to notice a torn or damaged file.</summary>
    private static ulong Checksum(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var w in words) hash = (hash ^ w) * 1099511628211UL;
        foreach (var b in data[(words.Length * 8)..]) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    /// <summary>A bounds-checked reader over the cache bytes; running out is a corrupt cache.</summary>
    private ref struct Reader(byte[] data, int end)
    {
        private readonly ReadOnlySpan<byte> _data = data.AsSpan(0, end);

        public int Position { get; set; }

        public byte U8() => Take(1)[0];
        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public string String()
        {
            int length = I32();
            if (length < 0 || length > 1 << 20) throw new InvalidDataException($"string length {length} at {Position - 4}");
            return Encoding.UTF8.GetString(Take(length));
        }

        /// <summary>A count whose entries take at least <paramref name="entrySize"/> bytes each: checked against what is left.</summary>
        public int Count(int entrySize, int max)
        {
            int count = I32();
            if (count < 0 || count > max || (long)count * entrySize > _data.Length - Position)
                throw new InvalidDataException($"count {count} at {Position - 4} does not fit the {_data.Length - Position} bytes left");
            return count;
        }

        private ReadOnlySpan<byte> Take(int count)
        {
            if (count > _data.Length - Position) throw new InvalidDataException($"the cache ends at {_data.Length}, {count} bytes are expected at {Position}");
            var span = _data.Slice(Position, count);
            Position += count;
            return span;
        }
    }

    /// <summary>A growable little-endian byte buffer.</summary>
    private sealed class ArrayBufferWriter
    {
        private byte[] _buffer = new byte[1 << 20];
        private int _length;

        public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));
        public void I32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), value);
        public void I64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), value);

        public void String(string text)
        {
            int length = Encoding.UTF8.GetByteCount(text);
            I32(length);
            Encoding.UTF8.GetBytes(text, Grow(length));
        }

        private Span<byte> Grow(int count)
        {
            if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            var span = _buffer.AsSpan(_length, count);
            _length += count;
            return span;
        }
    }
}
