namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Malformed BTF: an <see cref="InvalidDataException"/> (sealed, so not subclassed) whose message names the
/// source, the byte offset within the BTF data and what was expected there.
/// </summary>
internal static class BtfError
{
    /// <summary>The exception for a problem at an offset.</summary>
    public static InvalidDataException At(string source, long offset, string problem) =>
        new($"{source}: BTF offset {offset} (0x{offset:x}): {problem}");
}
