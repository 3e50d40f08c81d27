namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// One section's bytes (mapped from the file, or a relocated copy) with its name, for reading and for error
/// messages. An absent section is empty: a reference into it is reported as out of range.
/// </summary>
internal sealed unsafe class DwarfSection
{
    private readonly byte* _data;

    public DwarfSection(string file, string name, byte* data, int length, long fileOffset)
    {
        File = file;
        Name = name;
        _data = data;
        Length = length;
        FileOffset = fileOffset;
    }

    /// <summary>An absent section.</summary>
    public static DwarfSection Empty(string file, string name) => new(file, name, null, 0, 0);

    /// <summary>The file it came from (for messages).</summary>
    public string File { get; }

    /// <summary>Section name (".debug_info").</summary>
    public string Name { get; }

    /// <summary>Bytes in the section.</summary>
    public int Length { get; }

    /// <summary>Where the section starts in the file.</summary>
    public long FileOffset { get; }

    /// <summary>True when the file has the section.</summary>
    public bool Exists => Length > 0;

    /// <summary>The bytes. Valid while the owning image is not disposed (callers hold a lease).</summary>
    public ReadOnlySpan<byte> Span => new(_data, Length);

    /// <summary>Address of the first byte (for name keys that compare bytes in place).</summary>
    public byte* Pointer => _data;

    /// <summary>A malformed-data error at an offset of this section.</summary>
    public InvalidDataException Error(long offset, string problem) => DwarfError.At(File, Name, offset, problem);

    /// <summary>The NUL-terminated string at an offset.</summary>
    public ReadOnlySpan<byte> CString(ulong offset, string what)
    {
        if (offset >= (ulong)Length)
            throw Error((long)offset, $"{what}: the string offset is past the end of {Name} ({Length} bytes)");
        var rest = Span[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw Error((long)offset, $"{what}: the string has no terminating NUL before the end of {Name}");
        return rest[..end];
    }
}
