namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>ps selections (-k, -u, -G, -A, -p, arguments), ps --tree / pstree and task on kd1.</summary>
[Collection("kd1")]
public sealed class PsOptionsTests(Kd1Fixture kd1)
{
    [SkippableFact]
    public void Kernel_threads_and_user_tasks_split_the_list()
    {
        var all = kd1.Ps();
        var kernel = kd1.Ps("ps -k");
        var user = kd1.Ps("ps -u");
        kernel.Should().OnlyContain(r => r.Comm!.StartsWith('[') && r.VszKiB == 0);
        user.Should().OnlyContain(r => !r.Comm!.StartsWith('[') && r.VszKiB > 0);
        kernel.Select(r => r.Task).Concat(user.Select(r => r.Task)).Should().BeEquivalentTo(all.Select(r => r.Task));
        kd1.Session.Run("ps -k -u").Error.Should().Contain("exclude");
    }

    [SkippableFact]
    public void Group_leaders_and_active_tasks_are_selected()
    {
        var leaders = kd1.Ps("ps -G");
        var analyzer = Analyzer();
        leaders.Should().OnlyContain(r => analyzer.Tasks().ByAddress(r.Task)!.IsGroupLeader);
        var active = kd1.Ps("ps -A");
        active.Should().HaveCount(kd1.Kernel.Dump.Cpus.Count).And.OnlyContain(r => r.Active);
    }

    [SkippableFact]
    public void Arguments_select_by_pid_address_and_command()
    {
        kd1.Ps("ps sleep").Should().HaveCount(3).And.OnlyContain(r => r.Comm == "sleep");
        kd1.Ps("ps 0").Should().HaveCount(kd1.Kernel.PossibleCpus.Count, "pid 0 is every CPU's idle task");
        var init = kd1.Ps("ps 1").Should().ContainSingle().Subject;
        kd1.Ps($"ps {init.Task:x}").Should().ContainSingle().Which.Pid.Should().Be(1);
        var mixed = kd1.Session.Run("ps 1 worker-beta nosuchtask");
        PsRow.From(mixed).Select(r => r.Comm).Should().Equal("init", "worker-beta");
        mixed.Warnings.Should().Contain(w => w.Contains("nosuchtask"));
        kd1.Session.Run("ps nosuchtask").Failed.Should().BeTrue();
    }

    [SkippableFact]
    public void Parent_chain_runs_from_the_first_task_to_the_selected_one()
    {
        var result = kd1.Session.Run("ps -p sleep");
        result.Failed.Should().BeFalse(result.Error);
        var chains = result.Blocks.OfType<TableBlock>().ToArray();
        chains.Should().HaveCount(3);
        foreach (var chain in chains)
        {
            var comms = chain.Rows.Select(r => ((string)r.Cells[3].Value!).Trim()).ToArray();
            comms[0].Should().Be("[swapper/0]");
            comms[1].Should().Be("init");
            comms[2].Should().StartWith("worker-");
            comms[3].Should().Be("sleep");
            chain.Rows.Select(r => ((string)r.Cells[3].Value!).TakeWhile(c => c == ' ').Count()).Should().Equal(0, 1, 2, 3);
        }
    }

    [SkippableFact]
    public void The_tree_puts_every_task_under_its_parent()
    {
        foreach (var line in new[] { "ps --tree", "pstree" })
        {
            var result = kd1.Session.Run(line);
            result.Failed.Should().BeFalse(result.Error);
            var table = result.Blocks.OfType<TableBlock>().First();
            table.Rows.Should().HaveCount(kd1.Ps().Count, "every task appears once");
            var depthOf = new Dictionary<long, int>();
            var stack = new List<(long Pid, int Depth)>();
            foreach (var row in table.Rows)
            {
                var pid = (long)row.Cells[1].Value!;
                var ppid = (long)row.Cells[2].Value!;
                var comm = (string)row.Cells[5].Value!;
                int depth = Depth(comm);
                row.Problem.Should().BeNull();
                if (depth == 0)
                {
                    stack.Clear();
                    stack.Add((pid, 0));
                    continue;
                }
                // The nearest row above at depth - 1 is the tree parent: the real parent's process.
                var parent = stack.Last(s => s.Depth == depth - 1);
                parent.Pid.Should().Be(ppid, $"'{comm.Trim()}' hangs under its parent");
                stack.RemoveAll(s => s.Depth >= depth);
                stack.Add((pid, depth));
            }
            var comms = table.Rows.Select(r => (string)r.Cells[5].Value!).ToArray();
            foreach (var worker in new[] { "worker-alpha", "worker-beta", "worker-gamma" })
            {
                int at = Array.FindIndex(comms, c => c.EndsWith(worker, StringComparison.Ordinal));
                Depth(comms[at + 1]).Should().Be(Depth(comms[at]) + 1);
                comms[at + 1].Should().EndWith("sleep");
            }
        }
    }

    [SkippableFact]
    public void Task_shows_fields_and_leads_to_the_struct_the_parent_and_the_mm()
    {
        var sleep = kd1.Ps("ps sleep")[0];
        var result = kd1.Session.Run($"task {sleep.Pid}");
        result.Failed.Should().BeFalse(result.Error);
        var record = result.Blocks.OfType<RecordBlock>().Single();
        string Text(string name) => record.Fields.Single(f => f.Name == name).Value.Value?.ToString() ?? "";
        Text("comm").Should().Be("sleep");
        Text("tgid").Should().Be(sleep.Pid.ToString());
        Text("state").Should().StartWith("S (sleeping)");
        record.Fields.Single(f => f.Name == "mm").Value.Kind.Should().Be(CellKind.Address);
        record.Fields.Single(f => f.Name == "children").Value.Value.Should().Be(0L);
        double.Parse(Text("start time (s)"), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(0);
        var mm = (ulong)record.Fields.Single(f => f.Name == "mm").Value.Value!;
        record.Targets.Select(t => t.Command).Should().Equal(
            $"struct task_struct {sleep.Task:x}", $"task {sleep.Ppid}", $"struct mm_struct {mm:x}");

        var init = kd1.Session.Run("task 1").Blocks.OfType<RecordBlock>().Single();
        init.Fields.Single(f => f.Name == "children").Value.Value.Should().Be(3L, "the three workers; idle tasks are on no children list");
        // pid 0 names several tasks (one idle task per CPU): the parent is reached by address.
        init.Targets.Should().Contain(t => t.Label == "parent" && t.Command == $"task {kd1.Ps("ps 0").First(r => r.Cpu == 0).Task:x}");

        var idle = kd1.Session.Run("task 0");
        idle.Blocks.OfType<RecordBlock>().Should().HaveCount(kd1.Kernel.PossibleCpus.Count);
        kd1.Session.Run("task sleep").Error.Should().Contain("neither a PID nor a task address");
    }

    private TaskAnalyzer Analyzer() => (TaskAnalyzer)kd1.Session.Services.GetService(typeof(TaskAnalyzer))!;

    private static int Depth(string comm)
    {
        // Each level adds three characters of indent before the "|- " or "`- " branch.
        int branch = Math.Max(comm.LastIndexOf("|- ", StringComparison.Ordinal), comm.LastIndexOf("`- ", StringComparison.Ordinal));
        return branch < 0 ? 0 : branch / 3 + 1;
    }
}
