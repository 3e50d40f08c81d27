using System.Text.Json;
using System.Text.RegularExpressions;

namespace DumpScope.Cli.Tests;

/// <summary>
/// The checks every real dump of another kernel gets (NewKernelFixtureTests, Ubuntu/): each command's answer against
/// what the guest recorded about itself before the panic (groundtruth-guest.txt) and makedumpfile's --dump-dmesg.
/// </summary>
internal static partial class KernelFixtureChecks
{
    /// <summary>The commands a user runs first, each expected to succeed on any kernel with BTF (crash's names).</summary>
    public static readonly string[] Commands =
    [
        "sys", "sys -v", "log", "ps", "pstree", "task", "kmem -s", "kmem -S dentry", "kmem -i", "vm 1", "bt", "bt -a",
        "foreach bt", "mod", "files 1", "net", "mount", "dev", "irq", "runq", "timer", "sig 1", "ipcs", "swap", "mach",
        "triage", "dumpinfo", "p jiffies", "struct task_struct.comm init_task", "p init_uts_ns",
    ];

    /// <summary>One command's JSON result.</summary>
    public static JsonElement Json(string dump, string command)
    {
        var (exit, output, error) = CliRun.Run(dump, "--json", "-c", command);
        exit.Should().Be(0, $"'{command}' failed: {error}");
        return JsonDocument.Parse(output.Split('\n')[0]).RootElement;
    }

    /// <summary>The rows of every table block of a result.</summary>
    public static IEnumerable<JsonElement> Rows(JsonElement result) =>
        result.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "table")
            .SelectMany(b => b.GetProperty("rows").EnumerateArray());

    /// <summary>All <paramref name="commands"/> in one session: no error line, no stack trace, exit 0; the output names the crash.</summary>
    public static void EveryCommandRuns(string dump, IEnumerable<string> commands, string crashLine = "sysrq triggered crash")
    {
        var args = new List<string> { dump };
        foreach (var c in commands) args.AddRange(["-c", c]);
        var (exit, output, error) = CliRun.Run([.. args]);
        error.Should().NotContain("   at DumpScope", "bad input is one line, never a stack trace");
        error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().BeEmpty();
        exit.Should().Be(0, error);
        output.Should().Contain(crashLine);
    }

    /// <summary>sys names the guest's release and has an uptime and a date.</summary>
    public static void SysNamesTheRelease(string dump, GuestTruth truth)
    {
        var sys = Json(dump, "sys").GetProperty("blocks")[0].GetProperty("fields");
        sys.GetProperty("release").GetString().Should().Be(truth.Release);
        sys.GetProperty("uptime").ValueKind.Should().Be(JsonValueKind.Number, "the timekeeper (tk_core or timekeeper_data[]) gives the uptime");
        sys.GetProperty("date").GetString().Should().NotStartWith("<");
    }

    /// <summary>mach's HZ is the CONFIG_HZ of the kernel's config file.</summary>
    public static void MachHzIsConfigs(string dump, string config)
    {
        long hz = long.Parse(File.ReadLines(config).First(l => l.StartsWith("CONFIG_HZ=", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
        Json(dump, "mach").GetProperty("blocks")[0].GetProperty("fields").GetProperty("hz").GetInt64().Should().Be(hz);
    }

    /// <summary>ps holds every pid of the guest's /proc listing, and otherwise only the idle tasks.</summary>
    public static void PsListsEveryGuestTask(string dump, GuestTruth truth)
    {
        var ps = Rows(Json(dump, "ps")).Select(r => r.GetProperty("pid").GetInt32()).ToHashSet();
        var guest = truth.Tasks();
        guest.Should().NotBeEmpty();
        // the guest listed itself from /proc by builtins only (no fork): every pid it saw is still there at the panic
        guest.Select(t => t.Pid).Should().OnlyContain(pid => ps.Contains(pid));
        ps.Except(guest.Select(t => t.Pid)).Should().OnlyContain(pid => pid == 0, "only the idle tasks are not in /proc");
    }

    /// <summary>kmem -s lists every slabinfo cache, with TOTAL = num_objs for at least 95 % of them.</summary>
    public static void KmemSMatchesSlabinfo(string dump, GuestTruth truth)
    {
        var rows = Rows(Json(dump, "kmem -s")).ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        var slabinfo = truth.Slabinfo();
        slabinfo.Select(s => s.Name).Should().OnlyContain(n => rows.ContainsKey(n));
        int equal = slabinfo.Count(s => rows[s.Name].GetProperty("total").GetInt64() == s.Total);
        // Between the ground truth and the panic the guest runs only the sleep loops and the panic: a handful of
        // caches (kmalloc, dentry, proc inodes, the task's files) move; the rest must match object for object.
        equal.Should().BeGreaterThanOrEqualTo(slabinfo.Count * 95 / 100);
        foreach (var r in rows.Values)
            r.GetProperty("allocated").GetInt64().Should().BeInRange(0, r.GetProperty("total").GetInt64());
    }

    /// <summary>mod lists exactly /proc/modules.</summary>
    public static void ModIsProcModules(string dump, GuestTruth truth) =>
        Rows(Json(dump, "mod")).Select(r => r.GetProperty("name").GetString()).Should().BeEquivalentTo(truth.Modules());

    /// <summary>foreach bt carries every trace to its end and through a system call entry.</summary>
    public static void ForeachBtEndsNoTraceEarly(string dump)
    {
        var (exit, output, error) = CliRun.Run(dump, "-c", "foreach bt");
        exit.Should().Be(0, error);
        (output + error).Split('\n').Where(l => l.Contains("the trace ends early", StringComparison.Ordinal)).Should().BeEmpty();
        output.Should().Contain("entry_SYSCALL_64");
    }

    /// <summary>log is makedumpfile's --dump-dmesg text, line for line.</summary>
    public static void LogIsDmesg(string dump, string dmesg)
    {
        var expected = File.ReadAllLines(dmesg).Select(Text).ToArray();
        var (exit, output, error) = CliRun.Run(dump, "-c", "log");
        exit.Should().Be(0, error);
        output.TrimEnd('\n').Split('\n').Select(Text).Should().Equal(expected);
    }

    /// <summary>
    /// A log line without its timestamp and caller id (makedumpfile prints "[  T123]" after the time) and without the
    /// indent of a continuation line (which is as wide as the prefix each tool prints).
    /// </summary>
    private static string Text(string line) => LogPrefix().Replace(line, "").Trim();

    [GeneratedRegex(@"^\[ *[0-9.]+\] (\[ *[TC][0-9]+\] )?")]
    private static partial Regex LogPrefix();
}
