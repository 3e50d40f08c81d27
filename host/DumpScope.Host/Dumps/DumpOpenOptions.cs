namespace DumpScope.Host.Dumps;

/// <summary>
/// Limits applied while opening a dump: every count read from the file is checked against one of these
/// before anything is allocated, and the error message says the value and the maximum.
/// </summary>
public sealed class DumpOpenOptions
{
    /// <summary>Defaults suitable for real machines up to several TiB of RAM.</summary>
    public static DumpOpenOptions Default { get; } = new();

    /// <summary>Most ELF program headers accepted (makedumpfile -E writes one per dumped run of pages).</summary>
    public int MaxProgramHeaders { get; init; } = 1 << 20;

    /// <summary>Most bytes of ELF notes accepted (PRSTATUS per CPU plus VMCOREINFO; 8192 CPUs fit easily).</summary>
    public int MaxNoteBytes { get; init; } = 64 << 20;

    /// <summary>Most notes accepted in the notes blob.</summary>
    public int MaxNotes { get; init; } = 1 << 16;

    /// <summary>Most bytes of one kdump bitmap kept in memory (1 GiB covers 32 TiB of 4 KiB pages).</summary>
    public long MaxBitmapBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Map the file read-only instead of issuing one pread per read (much faster where system calls are
    /// expensive). Off: positional reads through one handle. A mapped file must not shrink while open.
    /// </summary>
    public bool UseMemoryMapping { get; init; } = true;

    /// <summary>Most records indexed in a flattened (makedumpfile -F) file.</summary>
    public int MaxFlattenedRecords { get; init; } = 1 << 24;
}
