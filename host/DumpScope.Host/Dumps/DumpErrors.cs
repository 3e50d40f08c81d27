namespace DumpScope.Host.Dumps;

/// <summary>
/// Builds the one exception type for structurally bad dump data: <see cref="InvalidDataException"/>
/// (sealed, so no subclass), whose message names the file, the offset and what was expected there. The
/// file and offset are also in <see cref="Exception.Data"/> under <see cref="FileKey"/> and <see cref="OffsetKey"/>.
/// </summary>
public static class DumpErrors
{
    /// <summary>Data key of the dump file path.</summary>
    public const string FileKey = "DumpScope.File";

    /// <summary>Data key of the file offset (long).</summary>
    public const string OffsetKey = "DumpScope.Offset";

    /// <summary>A malformed structure at <paramref name="offset"/> of <paramref name="filePath"/>.</summary>
    public static InvalidDataException Malformed(string filePath, long offset, string problem) =>
        WithData(new InvalidDataException($"{filePath}: at offset 0x{offset:x}: {problem}"), filePath, offset);

    /// <summary>The file is not a kernel dump; <paramref name="found"/> says what is at offset 0.</summary>
    public static InvalidDataException NotADump(string filePath, string found) =>
        WithData(new InvalidDataException($"not a kernel dump: {filePath}: {found}"), filePath, 0);

    private static InvalidDataException WithData(InvalidDataException e, string filePath, long offset)
    {
        e.Data[FileKey] = filePath;
        e.Data[OffsetKey] = offset;
        return e;
    }
}
