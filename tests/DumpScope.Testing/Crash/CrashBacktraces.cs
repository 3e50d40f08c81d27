namespace DumpScope.Testing.Crash;

/// <summary>One frame of crash's bt output: <c>#N [SP] function at IP [module]</c>, "?" marking a guessed one.</summary>
public sealed record CrashFrame(int Index, ulong Sp, string Function, ulong Ip, string? Module, bool Reliable);

/// <summary>One task's block of crash's bt output: its header and frames.</summary>
public sealed record CrashTaskTrace(int Pid, ulong Task, int? Cpu, string Comm, IReadOnlyList<CrashFrame> Frames);

/// <summary>Parses crash's <c>bt</c>, <c>bt -a</c> and <c>foreach bt</c> output (reference files under tests/fixtures).</summary>
public static partial class CrashBacktraces
{
    /// <summary>Every task block in order (a task shown twice, as bt and bt -a do, appears twice).</summary>
    public static IReadOnlyList<CrashTaskTrace> Parse(IEnumerable<string> lines)
    {
        var traces = new List<CrashTaskTrace>();
        (int Pid, ulong Task, int? Cpu, string Comm)? header = null;
        var frames = new List<CrashFrame>();
        void Flush()
        {
            if (header is { } h) traces.Add(new CrashTaskTrace(h.Pid, h.Task, h.Cpu, h.Comm, frames.ToArray()));
            frames.Clear();
        }
        foreach (var line in lines)
        {
            if (Header().Match(line) is { Success: true } m)
            {
                Flush();
                header = (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    m.Groups[3].Value == "-" ? null : int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Value);
                continue;
            }
            if (header is not null && Frame().Match(line) is { Success: true } f)
                frames.Add(new CrashFrame(int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture),
                    ulong.Parse(f.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    f.Groups[4].Value, ulong.Parse(f.Groups[5].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    f.Groups[6].Success ? f.Groups[6].Value : null, f.Groups[3].Length == 0));
        }
        Flush();
        return traces;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^PID:\s+(\d+)\s+TASK:\s+([0-9a-f]+)\s+CPU:\s+(\d+|-)\s+COMMAND:\s+""(.*)""")]
    private static partial System.Text.RegularExpressions.Regex Header();

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*#(\d+)\s+\[([0-9a-f]+)\]\s+(\?\s+)?(\S+)\s+at\s+([0-9a-f]+)(?:\s+\[(\S+)\])?")]
    private static partial System.Text.RegularExpressions.Regex Frame();
}
