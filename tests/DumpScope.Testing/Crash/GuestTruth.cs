namespace DumpScope.Testing.Crash;

/// <summary>
/// The ground truth a fixture guest recorded about itself just before the panic (groundtruth-guest.txt, written
/// by tests/fixtures/make-kdump.sh for any kernel): uname, /proc/modules, the full /proc/slabinfo and the task
/// list from /proc. The independent answer for dumps of kernels crash has no references for.
/// </summary>
public sealed class GuestTruth
{
    private readonly string[] _lines;

    /// <summary>Reads <paramref name="path"/> (a groundtruth-guest.txt).</summary>
    public GuestTruth(string path) => _lines = File.ReadAllLines(path);

    /// <summary>A /proc/slabinfo row: name, active_objs, num_objs.</summary>
    public sealed record SlabRow(string Name, long Active, long Total);

    /// <summary>The release (uname -r) from the "uname:" line.</summary>
    public string Release => _lines.First(l => l.StartsWith("uname: ", StringComparison.Ordinal)).Split(' ')[3];

    /// <summary>Every cache of the full slabinfo section.</summary>
    public IReadOnlyList<SlabRow> Slabinfo() =>
        Section("--- slabinfo (full)").Where(l => !l.StartsWith('#') && !l.StartsWith("slabinfo", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 3)
            .Select(f => new SlabRow(f[0], long.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture)))
            .ToArray();

    /// <summary>The module names of /proc/modules.</summary>
    public IReadOnlyList<string> Modules() =>
        Section("--- modules").Select(l => l.Split(' ')[0]).Where(n => n.Length > 0).ToArray();

    /// <summary>The /proc task listing: pid, comm, state letter.</summary>
    public IReadOnlyList<GroundTruth.GuestTask> Tasks() =>
        Section("--- tasks").Select(l => l.Split(' ')).Where(p => p.Length >= 3)
            .Select(p => new GroundTruth.GuestTask(int.Parse(p[0], CultureInfo.InvariantCulture), string.Join(' ', p[1..^1]), p[^1][0]))
            .ToArray();

    /// <summary>The guest's /proc/kallsyms lines of the "--- kallsyms" section (_stext, init_task, ...): name, address.</summary>
    public IReadOnlyList<(string Name, ulong Address)> Kallsyms() =>
        Section("--- kallsyms").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length == 3)
            .Select(f => (f[2], ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture))).ToArray();

    /// <summary>The lines after the header starting with <paramref name="header"/>, up to the next "---" or GT-END.</summary>
    private IEnumerable<string> Section(string header)
    {
        int start = Array.FindIndex(_lines, l => l.StartsWith(header, StringComparison.Ordinal));
        if (start < 0) throw new InvalidDataException($"no '{header}' section in the ground truth");
        return _lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal) && !l.StartsWith("GT-END", StringComparison.Ordinal));
    }
}
