using System.Text.Json;
using System.Text.RegularExpressions;
using DumpScope.Testing.Crash;

namespace DumpScope.Cli.Tests;

/// <summary>
/// Every command, from the dump alone, on real dumps of kernels newer than the standard fixtures' 6.1: Debian 13's
/// 6.12 (k612: kdump by trixie's makedumpfile; k612-q: QEMU dump-guest-memory) and trixie-backports' 7.3 (k73: the
/// capture kernel's unfiltered /proc/vmcore, vmcore.raw; k73-q). Answers are compared with what each guest recorded
/// about itself before the panic (groundtruth-guest.txt) and with makedumpfile's --dump-dmesg, never with numbers
/// written here. These are optional fixtures (tests/fixtures/make-kdump.sh makes them; the real CI's shared folder
/// does not hold them): every test skips when its dump is absent, under CI too.
/// </summary>
public sealed partial class NewKernelFixtureTests
{
    /// <summary>The dumps: fixture folder, dump file inside it (a .zst sibling is decompressed once).</summary>
    public static TheoryData<string, string> Dumps => new()
    {
        { "k612", "vmcore.kdump-zlib-d31" },
        { "k612-q", "vmcore.elf" },
        { "k73", "vmcore.raw" },
        { "k73-q", "vmcore.elf" },
    };

    /// <summary>The commands a user runs first, each expected to succeed on any kernel (crash's names).</summary>
    private static readonly string[] Commands =
    [
        "sys", "sys -v", "log", "ps", "pstree", "task", "kmem -s", "kmem -S dentry", "kmem -i", "vm 1", "bt", "bt -a",
        "foreach bt", "mod", "files 1", "net", "mount", "dev", "irq", "runq", "timer", "sig 1", "ipcs", "swap", "mach",
        "triage", "dumpinfo", "p jiffies", "struct task_struct.comm init_task", "p init_uts_ns",
    ];

    private static (string Dump, GuestTruth Truth, string Folder) Open(string folder, string file)
    {
        string dump = Fixtures.Optional($"{folder}/{file}");
        string dir = Path.GetDirectoryName(Fixtures.Optional($"{folder}/groundtruth-guest.txt"))!;
        return (dump, new GuestTruth(Path.Combine(dir, "groundtruth-guest.txt")), dir);
    }

    private static JsonElement Json(string dump, string command)
    {
        var (exit, output, error) = CliRun.Run(dump, "--json", "-c", command);
        exit.Should().Be(0, $"'{command}' failed: {error}");
        return JsonDocument.Parse(output.Split('\n')[0]).RootElement;
    }

    private static IEnumerable<JsonElement> Rows(JsonElement result) =>
        result.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("type").GetString() == "table")
            .SelectMany(b => b.GetProperty("rows").EnumerateArray());

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Every_command_runs_without_an_error_or_a_stack_trace(string folder, string file)
    {
        var (dump, _, _) = Open(folder, file);
        var args = new List<string> { dump };
        foreach (var c in Commands) args.AddRange(["-c", c]);
        var (exit, output, error) = CliRun.Run([.. args]);
        error.Should().NotContain("   at DumpScope", "bad input is one line, never a stack trace");
        error.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).Should().BeEmpty();
        exit.Should().Be(0, error);
        output.Should().Contain("sysrq triggered crash");
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Sys_names_the_guest_release_an_uptime_and_the_dates(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        var sys = Json(dump, "sys").GetProperty("blocks")[0].GetProperty("fields");
        sys.GetProperty("release").GetString().Should().Be(truth.Release);
        sys.GetProperty("uptime").ValueKind.Should().Be(JsonValueKind.Number, "the timekeeper (tk_core or timekeeper_data[]) gives the uptime");
        sys.GetProperty("date").GetString().Should().NotStartWith("<");
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Mach_HZ_is_the_kernel_configs(string folder, string file)
    {
        var (dump, truth, dir) = Open(folder, file);
        var config = Path.Combine(Path.GetDirectoryName(dir)!, $"kernel-{truth.Release}", $"config-{truth.Release}");
        Skip.IfNot(File.Exists(config), $"{config} is absent");
        long hz = long.Parse(File.ReadLines(config).First(l => l.StartsWith("CONFIG_HZ=", StringComparison.Ordinal))[10..], CultureInfo.InvariantCulture);
        Json(dump, "mach").GetProperty("blocks")[0].GetProperty("fields").GetProperty("hz").GetInt64().Should().Be(hz);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Ps_lists_every_task_the_guest_listed(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        var ps = Rows(Json(dump, "ps")).Select(r => r.GetProperty("pid").GetInt32()).ToHashSet();
        var guest = truth.Tasks();
        guest.Should().NotBeEmpty();
        // the guest listed itself from /proc by builtins only (no fork): every pid it saw is still there at the panic
        guest.Select(t => t.Pid).Should().OnlyContain(pid => ps.Contains(pid));
        ps.Except(guest.Select(t => t.Pid)).Should().OnlyContain(pid => pid == 0, "only the idle tasks are not in /proc");
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Kmem_s_lists_every_guest_cache_with_its_slabinfo_total(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        var rows = Rows(Json(dump, "kmem -s")).ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        var slabinfo = truth.Slabinfo();
        slabinfo.Select(s => s.Name).Should().OnlyContain(n => rows.ContainsKey(n));
        int equal = slabinfo.Count(s => rows[s.Name].GetProperty("total").GetInt64() == s.Total);
        // Between the ground truth and the panic the guest runs only the sleep loops and the panic: a handful of
        // caches (kmalloc, the task's files) move; the rest must match object for object.
        equal.Should().BeGreaterThanOrEqualTo(slabinfo.Count * 95 / 100);
        foreach (var r in rows.Values)
            r.GetProperty("allocated").GetInt64().Should().BeInRange(0, r.GetProperty("total").GetInt64());
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Mod_lists_the_guests_modules(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        Rows(Json(dump, "mod")).Select(r => r.GetProperty("name").GetString()).Should().BeEquivalentTo(truth.Modules());
    }

    // Not k73-q: there the panicking CPU's trace (QEMU's registers, PID 1 in the panic loop) still stops early.
    [SkippableTheory]
    [InlineData("k612", "vmcore.kdump-zlib-d31")]
    [InlineData("k612-q", "vmcore.elf")]
    [InlineData("k73", "vmcore.raw")]
    public void Foreach_bt_unwinds_every_task_to_its_end(string folder, string file)
    {
        var (dump, _, _) = Open(folder, file);
        var (exit, output, error) = CliRun.Run(dump, "-c", "foreach bt");
        exit.Should().Be(0, error);
        // the ORC data (register numbering and entry layout probed from the entries) carries every trace through
        (output + error).Split('\n').Where(l => l.Contains("the trace ends early", StringComparison.Ordinal)).Should().BeEmpty();
        output.Should().Contain("entry_SYSCALL_64");
    }

    [SkippableTheory]
    [InlineData("k612", "vmcore.kdump-zlib-d31")]
    [InlineData("k73", "vmcore.raw")]
    public void Log_is_the_text_makedumpfile_dumped(string folder, string file)
    {
        var (dump, _, dir) = Open(folder, file);
        var expected = File.ReadAllLines(Path.Combine(dir, "dmesg.txt")).Select(Text).ToArray();
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
