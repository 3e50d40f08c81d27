using DumpScope.Host.Commands.Builtins;
using DumpScope.Plugins.Tasks;

namespace DumpScope.Host.Tests.DataCommands;

public class ForeachAndSetTests
{
    private static readonly HashSet<string> Verbs = ["bt", "task", "vm", "ps"];

    [Fact]
    public void Foreach_words_split_into_the_selection_and_the_command()
    {
        var selection = TaskSelection.Parse(["UN", "1", "ffff89ab011fc800", "worker-alpha", @"\ps", "kernel", "bt", "-f", "task"], Verbs);
        selection.VerbIndex.Should().Be(6, "bt is the first verb; a backslash makes ps a name");
        selection.StateCodes.Should().Equal("UN");
        selection.Pids.Should().Equal(1);
        selection.Tasks.Should().Equal(0xffff89ab011fc800);
        selection.Names.Should().BeEquivalentTo(["worker-alpha", "ps"]);
        selection.KernelThreads.Should().BeTrue();

        var all = TaskSelection.Parse(["task"], Verbs);
        all.Matches(new TaskFacts(1, 5, 0, "sh", "IN", false)).Should().BeTrue("no selector selects every task");
        selection.Matches(new TaskFacts(1, 1, 0, "init", "IN", true)).Should().BeTrue("pid 1, a kernel thread");
        selection.Matches(new TaskFacts(1, 1, 0, "init", "IN", false)).Should().BeFalse("not a kernel thread");
        selection.Matches(new TaskFacts(2, 77, 0, "x", "RU", true)).Should().BeFalse();

        var noVerb = () => TaskSelection.Parse(["1", "2"], Verbs);
        noVerb.Should().Throw<UsageException>().WithMessage("foreach: no command to run*");
        var both = () => TaskSelection.Parse(["kernel", "user", "bt"], Verbs);
        both.Should().Throw<UsageException>().WithMessage("*kernel or user*");
    }

    private static readonly Lazy<Session.DumpScopeSession> WithTasks = new(() => FixtureSession.Open(Fixtures.Kd1Zlib, typeof(TasksPlugin).Assembly));

    [SkippableFact]
    public void Kd1_foreach_runs_the_task_command_for_each_selected_task_in_pid_order()
    {
        var result = WithTasks.Value.Run("foreach 2 1 task");
        result.Error.Should().BeNull();
        result.Blocks.OfType<RecordBlock>().Select(b => b.Title![..7]).Should().Equal("PID: 1 ", "PID: 2 ");
        var byName = WithTasks.Value.Run("foreach worker-alpha task");
        byName.Blocks.OfType<RecordBlock>().Should().NotBeEmpty().And.OnlyContain(b => b.Title!.Contains("\"worker-alpha\"", StringComparison.Ordinal));
        var none = WithTasks.Value.Run("foreach no-such-comm task");
        none.Warnings.Should().ContainSingle().Which.Should().Be("foreach: no task matches no-such-comm");
    }

    [SkippableFact]
    public void Kd1_set_chooses_the_task_that_task_commands_use_without_an_argument()
    {
        using var session = FixtureSession.Open(Fixtures.Kd1Zlib, typeof(TasksPlugin).Assembly);
        var set = session.Run("set 1");
        set.Error.Should().BeNull();
        var fields = set.Blocks.OfType<RecordBlock>().Single().Fields.ToDictionary(f => f.Name, f => f.Value.Value);
        fields["PID"].Should().Be(1L);
        fields["COMMAND"].Should().Be("init");
        session.Run("task").Blocks.OfType<RecordBlock>().First().Title.Should().StartWith("PID: 1 ");

        var cpu = session.Run("set -c 1");
        cpu.Error.Should().BeNull();
        cpu.Blocks.OfType<RecordBlock>().Single().Fields.Single(f => f.Name == "CPU").Value.Value.Should().Be(1L);
        session.Run("set --clear").Error.Should().BeNull();
        session.Run("set").Blocks.OfType<TextBlock>().Single().Lines[0].Should().StartWith("no current task");
        session.Run("set 999999").Error.Should().Be("no task has pid 999999");
    }
}
