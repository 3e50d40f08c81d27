using System.Text.RegularExpressions;
using DumpScope.Host.Session;
using DumpScope.Host.Tests.Types;

namespace DumpScope.Host.Tests.Expressions;

/// <summary>
/// p, struct and eval on kd1 against crash 8.0.2 (tests/fixtures/kd1/crash-expr.out, produced with the
/// fixtures' vmlinux): the same numbers and strings, once with the dump's BTF and the declared globals
/// (no vmlinux) and once with the vmlinux's DWARF types. Formatting is DumpScope's.
/// </summary>
public partial class CrashExpressionTests
{
    private static readonly Lazy<Dictionary<string, List<string>>> Reference = new(ReadReference);

    public static TheoryData<bool> TypeSources => new() { false, true };

    private static Dictionary<string, List<string>> ReadReference()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "kd1", "crash-expr.out"))) dir = dir.Parent;
        var path = Path.Combine(dir?.FullName ?? throw new FileNotFoundException("tests/fixtures/kd1/crash-expr.out is not above the test binaries"), "tests", "fixtures", "kd1", "crash-expr.out");
        var outputs = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("crash> ", StringComparison.Ordinal)) outputs[line[7..]] = current = [];
            else current?.Add(line);
        }
        return outputs;
    }

    private static List<string> Crash(string command) => Reference.Value[command];

    /// <summary>The value after "= $N = " (a scalar p), or a member's "name = value," line.</summary>
    private static string CrashScalar(string command) => CrashValue().Match(Crash(command)[0]).Groups[1].Value;

    /// <summary>A C string as gdb prints it: up to the first \000.</summary>
    private static string CrashString(string text) => text.Trim().Trim(',').Trim('"').Split("\\000")[0];

    /// <summary>gdb's nested struct print turned into member paths (anonymous structs and unions add no name).</summary>
    private static Dictionary<string, string> CrashMembers(IEnumerable<string> lines)
    {
        var members = new Dictionary<string, string>();
        var path = new List<string>();
        foreach (var raw in lines.Skip(1))
        {
            var line = raw.Trim();
            if (line is "}" or "},") { if (path.Count > 0) path.RemoveAt(path.Count - 1); continue; }
            if (line == "{") { path.Add(""); continue; }
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0) continue;
            var name = line[..eq];
            var value = line[(eq + 3)..];
            if (value == "{") { path.Add(name); continue; }
            var full = string.Join('.', path.Where(p => p.Length > 0).Append(name));
            members.TryAdd(full, value.TrimEnd(','));
        }
        return members;
    }

    private static DumpScopeSession Open(bool dwarf) => dwarf
        ? FixtureSession.Open(new SessionOptions { DumpPath = Fixtures.Kd1Zlib, VmlinuxPath = Fixtures.Vmlinux })
        : FixtureSession.Open(Fixtures.Kd1Zlib);

    private static CommandResult Run(DumpScopeSession session, string command)
    {
        var result = session.Run(command);
        result.Failed.Should().BeFalse($"'{command}': {result.Error}");
        return result;
    }

    /// <summary>A scalar p result's VALUE, or the value of the one row of a table.</summary>
    private static string Value(CommandResult result)
    {
        var record = result.Blocks.OfType<RecordBlock>().FirstOrDefault(r => r.Fields.Any(f => f.Name == "VALUE"));
        if (record is not null) return ResultText.Show(record.Fields.First(f => f.Name == "VALUE").Value);
        return ResultText.Show(ResultText.Cell(result, ResultText.Table(result).Rows.Single(), "VALUE"));
    }

    private static string Member(CommandResult result, string name) =>
        ResultText.Show(ResultText.Cell(result, ResultText.Row(result, "NAME", name), "VALUE"));

    [SkippableTheory]
    [MemberData(nameof(TypeSources))]
    public void Scalars_and_strings_print_what_crash_prints(bool dwarf)
    {
        using var session = Open(dwarf);
        foreach (var command in new[] { "p jiffies", "p jiffies_64", "p init_task.pid", "p nr_cpu_ids", "p tainted_mask", "p init_task.se.load.weight", "p ((struct task_struct *)0xffff89ab011fc800)->pid" })
            Value(Run(session, command)).Should().Be(CrashScalar(command), command);
        Value(Run(session, "p init_task.comm")).Should().Be(CrashString(CrashValue().Match(Crash("p init_task.comm")[0]).Groups[1].Value)).And.Be("swapper/0");
        Value(Run(session, "p init_uts_ns.name.release")).Should().Be("6.1.0-56-cloud-amd64").And.Be(CrashString(CrashValue().Match(Crash("p init_uts_ns.name.release")[0]).Groups[1].Value));
        var address = Crash("p &init_task")[0];
        address.Should().Contain("(struct task_struct *) 0xffffffff9e41aa40");
        Value(Run(session, "p &init_task")).Should().Be("0xffffffff9e41aa40");
    }

    [SkippableTheory]
    [MemberData(nameof(TypeSources))]
    public void Structs_and_arrays_print_the_members_crash_prints(bool dwarf)
    {
        using var session = Open(dwarf);
        Member(Run(session, "p _totalram_pages"), "counter").Should().Be(CrashMembers(Crash("p _totalram_pages"))["counter"]).And.Be("79300");
        Member(Run(session, "p panic_cpu"), "counter").Should().Be(CrashMembers(Crash("p panic_cpu"))["counter"]);
        var avenrun = Run(session, "p avenrun");
        Crash("p avenrun")[1].Trim().Should().Be("{315, 68, 22}");
        new[] { Member(avenrun, "[0]"), Member(avenrun, "[1]"), Member(avenrun, "[2]") }.Should().Equal("315", "68", "22");
    }

    [SkippableTheory]
    [MemberData(nameof(TypeSources))]
    public void A_member_list_prints_those_members_of_each_object(bool dwarf)
    {
        using var session = Open(dwarf);
        var swapper = Run(session, "struct task_struct.comm,pid ffff89ab01253000");
        var crash = CrashMembers(Crash("struct task_struct.comm,pid ffff89ab01253000").Prepend(""));
        Member(swapper, "comm").Should().Be(CrashString(crash["comm"])).And.Be("swapper/1");
        Member(swapper, "pid").Should().Be(crash["pid"]);
        ResultText.Table(swapper).Rows.Should().HaveCount(2);
        var init = Run(session, "struct task_struct.comm,pid,prio ffff89ab011fc800");
        crash = CrashMembers(Crash("struct task_struct.comm,pid,prio ffff89ab011fc800").Prepend(""));
        Member(init, "comm").Should().Be(CrashString(crash["comm"])).And.Be("init");
        Member(init, "pid").Should().Be(crash["pid"]).And.Be("1");
        Member(init, "prio").Should().Be(crash["prio"]).And.Be("120");
        Member(Run(session, "task_struct.pid ffff89ab011fc800"), "pid").Should().Be("1", "a bare struct name is the struct command");
    }

    [SkippableTheory]
    [MemberData(nameof(TypeSources))]
    public void A_per_cpu_variable_of_one_cpu_has_crash_s_values(bool dwarf)
    {
        using var session = Open(dwarf);
        var crash = CrashMembers(Crash("p runqueues:1"));
        var rq = Run(session, "p runqueues:1");
        foreach (var name in new[] { "nr_running", "nr_switches", "cpu", "clock", "cfs.nr_running", "cfs.min_vruntime", "last_blocked_load_update_tick", "nr_uninterruptible" })
            Member(rq, name).Should().Be(crash[name], name);
        foreach (var name in new[] { "curr", "idle" })
            Member(rq, name).Should().Be(crash[name], name);
        Value(Run(session, "p runqueues:1.cpu")).Should().Be("1");
        var all = Run(session, "p runqueues:a.cpu");
        all.Blocks.OfType<TextBlock>().Select(t => t.Lines[0]).Should().Equal("runqueues:a.cpu (CPU 0) = 0", "runqueues:a.cpu (CPU 1) = 1");
    }

    [SkippableFact]
    public void Eval_gives_crash_s_hexadecimal_and_size()
    {
        using var session = Open(dwarf: false);
        foreach (var command in new[] { "eval 0x100 + 0x20", "eval 1024 * 3", "eval 0xffff / 3", "eval 1m", "eval 0x1000 - 1" })
        {
            var crash = Crash(command);
            var hex = CrashHex().Match(crash[0]);
            var record = Run(session, command).Blocks.OfType<RecordBlock>().Single();
            ResultText.Show(record.Fields.Single(f => f.Name == "HEXADECIMAL").Value).Should().Be(hex.Groups[1].Value, command);
            var size = record.Fields.SingleOrDefault(f => f.Name == "SIZE")?.Value;
            (size is null ? "" : ResultText.Show(size.Value)).Should().Be(hex.Groups[2].Value, command);
            ResultText.Show(record.Fields.Single(f => f.Name == "DECIMAL").Value).Should().Be(crash[1].Split(':')[1].Trim(), command);
            ResultText.Show(record.Fields.Single(f => f.Name == "OCTAL").Value).Should().Be(crash[2].Split(':')[1].Trim(), command);
            ResultText.Show(record.Fields.Single(f => f.Name == "BINARY").Value).Should().Be(crash[3].Split(':')[1].Trim(), command);
        }
    }

    [SkippableFact]
    public void Eval_b_lists_the_set_bits_and_l_is_accepted_like_crash()
    {
        using var session = Open(dwarf: false);
        foreach (var command in new[] { "eval -b 0x1234", "eval -l 0x1234", "eval -b -1" })
        {
            var crash = Crash(command);
            var record = Run(session, command).Blocks.OfType<RecordBlock>().Single();
            ResultText.Show(record.Fields.Single(f => f.Name == "HEXADECIMAL").Value).Should().Be(CrashHex().Match(crash[0]).Groups[1].Value, command);
            // As printed (crash shows a negative value unsigned, then signed in parentheses).
            Host.Rendering.CellFormatter.Format(record.Fields.Single(f => f.Name == "DECIMAL").Value).Should().Be(crash[1].Split(':')[1].Trim(), command);
            var bits = record.Fields.SingleOrDefault(f => f.Name == "BITS SET")?.Value;
            int at = crash.FindIndex(l => l.Contains("bits set:", StringComparison.Ordinal));
            if (at < 0)
            {
                bits.Should().BeNull(command);
                continue;
            }
            var crashBits = string.Join(' ', crash.Skip(at).Select(l => l.Replace("bits set:", "", StringComparison.Ordinal).Trim()));
            Host.Rendering.CellFormatter.Format(bits!.Value).Should().Be(crashBits, command);
            bits.Value.Items.Should().HaveCount(crashBits.Split(' ').Length, "JSON gets the bit numbers as a list");
        }
    }

    [GeneratedRegex(@"\$\d+ = (.*)$")]
    private static partial Regex CrashValue();

    [GeneratedRegex(@"hexadecimal: ([0-9a-f]+)\s*(?:\((\w+)\))?")]
    private static partial Regex CrashHex();
}
