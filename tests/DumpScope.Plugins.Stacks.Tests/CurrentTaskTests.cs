using DumpScope.Testing;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>bt without an argument follows the host's current task (set), and foreach passes bt's options on.</summary>
public sealed class CurrentTaskTests
{
    [SkippableFact]
    public void Bt_without_an_argument_shows_the_task_chosen_with_set_then_the_panicking_task_again()
    {
        // A session of its own: the shared one must keep its default context for the other tests.
        using var session = DumpSessions.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"));
        BtRow.Blocks(session.Run("bt")).Select(b => b.Pid).Should().Equal(175);
        session.Run("set 123").Error.Should().BeNull();
        BtRow.Blocks(session.Run("bt")).Select(b => b.Pid).Should().Equal(123);
        session.Run("set --clear").Error.Should().BeNull();
        BtRow.Blocks(session.Run("bt")).Select(b => b.Pid).Should().Equal(175);

        var each = session.Run("foreach 123 130 bt -f");
        each.Error.Should().BeNull();
        BtRow.Blocks(each).Select(b => b.Pid).Should().Equal(123, 130);
    }
}
