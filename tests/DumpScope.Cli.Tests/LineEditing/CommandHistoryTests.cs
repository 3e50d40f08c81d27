using DumpScope.Host.History;

namespace DumpScope.Cli.Tests.LineEditing;

public sealed class CommandHistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dumpscope-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_history_file_is_read_back_by_the_next_run()
    {
        var path = Path.Combine(_dir, "state", "dumpscope", "history");
        var first = CommandHistory.Open(path);
        first.Add("sys");
        first.Add("kmem -s");
        first.Add("kmem -s");
        first.Add("  ");
        File.ReadAllLines(path).Should().Equal("sys", "kmem -s");

        var second = CommandHistory.Open(path);
        second.Lines.Should().Equal("sys", "kmem -s");
        second.Previous("").Should().Be("kmem -s");
        second.SearchBackward("sy", second.Lines.Count).Should().Be(0);
    }

    [Fact]
    public void The_file_is_trimmed_to_the_kept_lines_when_it_grows_past_twice_the_capacity()
    {
        var path = Path.Combine(_dir, "history");
        var history = CommandHistory.Open(path);
        for (int i = 0; i <= 2 * CommandHistory.Capacity; i++) history.Add($"rd {i}");
        history.Lines.Should().HaveCount(CommandHistory.Capacity);
        File.ReadAllLines(path).Should().HaveCount(CommandHistory.Capacity).And.EndWith($"rd {2 * CommandHistory.Capacity}");
        CommandHistory.Open(path).Lines.Should().Equal(history.Lines);
    }

    [Fact]
    public void An_unwritable_history_file_keeps_the_history_in_memory()
    {
        // The history path is a folder: reading and appending fail, the lines are still remembered.
        var history = CommandHistory.Open(_dir);
        history.Add("sys");
        history.Lines.Should().Equal("sys");
    }

    [Fact]
    public void The_default_file_is_under_the_XDG_state_folder()
    {
        CommandHistory.DefaultPath.Should().EndWith(Path.Combine("dumpscope", "history"));
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state))
            CommandHistory.DefaultPath.Should().Be(Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".local", "state", "dumpscope", "history"));
        else
            CommandHistory.DefaultPath.Should().Be(Path.Combine(state, "dumpscope", "history"));
    }
}
