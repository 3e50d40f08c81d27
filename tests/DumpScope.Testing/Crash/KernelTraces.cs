using System.Text.RegularExpressions;

namespace DumpScope.Testing.Crash;

/// <summary>One frame of a trace the kernel printed: <c>[ts]  ? name+0xoff/0xsize [module]</c>.</summary>
public sealed record KernelFrame(string Name, ulong Offset, bool Reliable, string? Module);

/// <summary>One task's block of a sysrq-t dump: <c>task:NAME state:X stack:N pid:N ppid:N flags:…</c> then its Call Trace.</summary>
public sealed record SysrqTask(string Comm, char State, int Pid, IReadOnlyList<KernelFrame> Frames)
{
    /// <summary>The frames the kernel's unwinder vouched for (no "?").</summary>
    public IEnumerable<KernelFrame> ReliableFrames => Frames.Where(f => f.Reliable);
}

/// <summary>What the kernel printed when it panicked: the message and the CPU/PID/Comm/taint header after it.</summary>
/// <param name="Message">The text after "Kernel panic - not syncing: ".</param>
/// <param name="Cpu">The header's CPU.</param>
/// <param name="Pid">The header's PID.</param>
/// <param name="Comm">The header's Comm.</param>
/// <param name="TaintLetters">The set taint letters of the header ("" for "Not tainted"; 'G' is the absence of P).</param>
public sealed record PanicHeader(string Message, int Cpu, int Pid, string Comm, string TaintLetters);

/// <summary>Parses the traces the kernel printed into its log (the ground truth of the stack tests).</summary>
public static partial class KernelTraces
{
    /// <summary>Every task block of the sysrq-t dumps in a kernel log.</summary>
    public static IReadOnlyList<SysrqTask> SysrqT(string log)
    {
        var tasks = new List<SysrqTask>();
        string? comm = null;
        char state = '?';
        int pid = -1;
        var frames = new List<KernelFrame>();
        void Flush()
        {
            if (comm is not null && frames.Count > 0) tasks.Add(new SysrqTask(comm, state, pid, frames.ToArray()));
            comm = null;
            frames.Clear();
        }
        foreach (var line in log.Split('\n'))
        {
            var header = TaskHeader().Match(line);
            if (header.Success)
            {
                Flush();
                comm = header.Groups[1].Value;
                state = header.Groups[2].Value[0];
                pid = int.Parse(header.Groups[3].Value, CultureInfo.InvariantCulture);
                continue;
            }
            if (comm is null) continue;
            if (Frame(line) is { } frame) frames.Add(frame);
            // 6.x closes each block with </TASK>; 5.10 has no marker, so the next kind of output ends the last block.
            else if (line.Contains("</TASK>", StringComparison.Ordinal) || EndOfTasks().IsMatch(line)) Flush();
        }
        Flush();
        return tasks;
    }

    /// <summary>The Call Trace printed after "Kernel panic" in a log or console capture.</summary>
    public static IReadOnlyList<KernelFrame> PanicTrace(string log)
    {
        int panic = log.IndexOf("Kernel panic - not syncing", StringComparison.Ordinal);
        if (panic < 0) return [];
        var frames = new List<KernelFrame>();
        bool inTrace = false;
        foreach (var line in log[panic..].Split('\n'))
        {
            // x86-64 prints "Call Trace:", arm64 "Call trace:"
            if (line.Contains("Call Trace:", StringComparison.OrdinalIgnoreCase)) { inTrace = true; continue; }
            if (!inTrace) continue;
            if (Frame(line) is { } frame) frames.Add(frame);
            else if (line.Contains("<TASK>", StringComparison.Ordinal)) continue;
            else if (frames.Count > 0) break;
        }
        return frames;
    }

    /// <summary>The panic message and the header printed after it, or null when the log has no panic.</summary>
    public static PanicHeader? Panic(string log)
    {
        var panic = PanicLine().Match(log);
        if (!panic.Success) return null;
        var header = HeaderLine().Match(log, panic.Index);
        if (!header.Success) return null;
        string taint = header.Groups[4].Value.StartsWith("Not", StringComparison.Ordinal) ? ""
            : new string(header.Groups[4].Value["Tainted: ".Length..].Where(c => char.IsAsciiLetterUpper(c) && c != 'G').ToArray());
        return new PanicHeader(panic.Groups[1].Value.TrimEnd(), int.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture),
            int.Parse(header.Groups[2].Value, CultureInfo.InvariantCulture), header.Groups[3].Value, taint);
    }

    private static KernelFrame? Frame(string line)
    {
        var m = FrameLine().Match(line.TrimEnd('\r'));
        if (!m.Success) return null;
        return new KernelFrame(m.Groups[2].Value, ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            !m.Groups[1].Success, m.Groups[5].Success ? m.Groups[5].Value : null);
    }

    [GeneratedRegex(@"\] (sysrq: |NMI backtrace|Sched Debug|Kernel panic|CPU: \d+ PID: |FIXTURE-MARKER)")]
    private static partial Regex EndOfTasks();

    [GeneratedRegex(@"Kernel panic - not syncing: ([^\r\n]*)")]
    private static partial Regex PanicLine();

    [GeneratedRegex(@"CPU: (\d+) PID: (\d+) Comm: (\S+)(?: Kdump: loaded)? (Not tainted|Tainted: [A-Z ]*?) +\d")]
    private static partial Regex HeaderLine();

    [GeneratedRegex(@"\] task:(\S+)\s+state:(\S)(?:\s+running task)?\s+stack:\s*\d+\s+pid:\s*(\d+)")]
    private static partial Regex TaskHeader();

    [GeneratedRegex(@"^\[\s*[\d.]+\]\s+(\? )?([\w.$]+)\+0x([0-9a-f]+)/0x[0-9a-f]+( \[(\w+)\])?$")]
    private static partial Regex FrameLine();
}
