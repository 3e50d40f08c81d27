using System.Text.RegularExpressions;

namespace DumpScope.Testing.Crash;

/// <summary>
/// The kd1 fixture's independent answers: crash's walk of the kernel's task list (tasks.txt), the guest's own
/// /proc listing taken just before the panic (groundtruth-guest.txt), and crash 8.0.2's ps (ps.txt).
/// </summary>
public static partial class GroundTruth
{
    /// <summary>A task of crash's <c>list task_struct.tasks -h init_task</c>.</summary>
    public sealed record ListedTask(ulong Address, int Pid, string Comm);

    /// <summary>A task of the guest's /proc listing.</summary>
    public sealed record GuestTask(int Pid, string Comm, char State);

    /// <summary>A line of crash's ps.</summary>
    public sealed record CrashPsRow(bool Active, int Pid, int Ppid, int Cpu, ulong Task, string State, long Vsz, long Rss, string Comm);

    private static string Kd1Truth(string name) => Fixtures.Require($"kd1/gt-vmcore.kdump-zlib-d31/{name}");

    /// <summary>tasks.txt: the kernel's task list as crash walked it (address, then pid and comm with \000 padding).</summary>
    public static IReadOnlyList<ListedTask> KernelTaskList()
    {
        var lines = File.ReadAllLines(Kd1Truth("tasks.txt"));
        var tasks = new List<ListedTask>();
        for (int i = 0; i + 2 < lines.Length; i += 3)
        {
            var address = ulong.Parse(lines[i].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var pid = int.Parse(PidLine().Match(lines[i + 1]).Groups[1].Value, CultureInfo.InvariantCulture);
            var comm = CommLine().Match(lines[i + 2]).Groups[1].Value;
            int pad = comm.IndexOf("\\000", StringComparison.Ordinal);
            tasks.Add(new ListedTask(address, pid, pad >= 0 ? comm[..pad] : comm));
        }
        return tasks;
    }

    /// <summary>groundtruth-guest.txt "--- tasks": pid, comm (as /proc shows it: long names, kworker workqueues), state letter.</summary>
    public static IReadOnlyList<GuestTask> GuestTasks()
    {
        var lines = File.ReadAllLines(Fixtures.Require("kd1/groundtruth-guest.txt"));
        int start = Array.FindIndex(lines, l => l.StartsWith("--- tasks", StringComparison.Ordinal));
        return lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("GT-END", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => new GuestTask(int.Parse(p[0], CultureInfo.InvariantCulture), p[1], p[2][0]))
            .ToArray();
    }

    /// <summary>crash's ps.txt.</summary>
    public static IReadOnlyList<CrashPsRow> CrashPs() =>
        File.ReadAllLines(Kd1Truth("ps.txt")).Skip(1).Where(l => l.Trim().Length > 0).Select(l =>
        {
            bool active = l.StartsWith('>');
            var p = l.TrimStart('>').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return new CrashPsRow(active, int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture),
                int.Parse(p[2], CultureInfo.InvariantCulture), ulong.Parse(p[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture), p[4],
                long.Parse(p[6], CultureInfo.InvariantCulture), long.Parse(p[7], CultureInfo.InvariantCulture), p[8].Trim('[', ']'));
        }).ToArray();

    [GeneratedRegex(@"pid = (\d+),")]
    private static partial Regex PidLine();

    [GeneratedRegex("comm = \"(.*)\",")]
    private static partial Regex CommLine();
}
