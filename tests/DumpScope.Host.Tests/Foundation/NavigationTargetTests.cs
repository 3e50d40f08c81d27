using DumpScope.Host.Commands;

namespace DumpScope.Host.Tests.Foundation;

public class NavigationTargetTests
{
    [Command("showtask", NeedsDump = false)]
    [Shows(typeof(TaskTarget), "{Address}")]
    private sealed class ShowTask : ICommand
    {
        public CommandResult Execute(CommandContext context) => new();
    }

    [Command("showobj", NeedsDump = false)]
    [Shows(typeof(ObjectTarget), "{Type} {Address}")]
    private sealed class ShowObject : ICommand
    {
        public CommandResult Execute(CommandContext context) => new();
    }

    [Command("cache", Selector = "-S", NeedsDump = false)]
    [Shows(typeof(SlabCacheTarget), "{Name}")]
    private sealed class ShowCache : ICommand
    {
        public CommandResult Execute(CommandContext context) => new();
    }

    private static TargetResolver Resolver(params Type[] commands)
    {
        var registry = new CommandRegistry();
        foreach (var c in commands) registry.Add(c, "p");
        return new TargetResolver(registry);
    }

    [Fact]
    public void A_typed_target_becomes_the_loaded_command_that_shows_it()
    {
        var resolved = Resolver(typeof(ShowTask), typeof(ShowObject)).Resolve(new NavigationTarget("task", new TaskTarget(0xffff888003a4c000, 1)));
        resolved!.Command.Should().Be("showtask 0xffff888003a4c000");
    }

    [Fact]
    public void Without_a_command_for_the_subject_its_fallback_is_shown()
    {
        var resolved = Resolver(typeof(ShowObject)).Resolve(new NavigationTarget("task", new TaskTarget(0xffff888003a4c000)));
        resolved!.Command.Should().Be("showobj task_struct 0xffff888003a4c000");
    }

    [Fact]
    public void A_null_hole_skips_the_command_and_text_with_spaces_is_quoted()
    {
        var resolver = Resolver(typeof(ShowCache), typeof(ShowObject));
        resolver.Resolve(new NavigationTarget("objects", new SlabCacheTarget(null, 0x1000)))!.Command.Should().Be("showobj kmem_cache 0x1000");
        resolver.Resolve(new NavigationTarget("objects", new SlabCacheTarget("my cache", 0x1000)))!.Command.Should().Be("cache -S \"my cache\"");
        resolver.Resolve(new NavigationTarget("o", new ObjectTarget("struct page", 0x10)))!.Command.Should().Be("showobj \"struct page\" 0x10");
    }

    [Fact]
    public void Targets_nothing_loaded_can_show_are_dropped_from_results()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("A")));
        table.AddRow(Cell.Text("x"))
            .WithTarget("task", new TaskTarget(0x1000))
            .WithTarget("log", "log")
            .WithTarget("objects", "showobj page 0x10");
        var record = result.Add(new RecordBlock());
        record.Add("PAGE", Cell.Address(0x10), new NavigationTarget("page", new PageTarget(0x10)));
        Resolver(typeof(ShowObject)).ResolveAll(result);
        table.Rows[0].Targets.Select(t => t.Command).Should().Equal("showobj task_struct 0x1000", "showobj page 0x10");
        record.Fields[0].Target!.Command.Should().Be("showobj page 0x10");

        var none = new CommandResult();
        none.Add(new TableBlock(new Column("A"))).AddRow(Cell.Text("x")).WithTarget("task", new TaskTarget(0x1000));
        Resolver(typeof(ShowCache)).ResolveAll(none);
        none.Blocks.OfType<TableBlock>().Single().Rows[0].Targets.Should().BeEmpty();
    }

    [Fact]
    public void Plain_targets_of_one_shape_resolve_once_and_alike_but_a_selector_or_option_changes_the_shape()
    {
        var registry = new CommandRegistry();
        registry.Add(typeof(ShowCache), "p");
        registry.Add(typeof(ShowTask), "p");
        registry.ResolutionShape(["showtask", "0x1"]).Should().Be(registry.ResolutionShape(["showtask", "0x2"]));
        registry.ResolutionShape(["cache", "-S", "a"]).Should().NotBe(registry.ResolutionShape(["cache", "a"]), "-S selects the command");

        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("A")));
        for (int i = 0; i < 1000; i++)
            table.AddRow(Cell.Int(i)).WithTarget("t", $"showtask 0x{i:x}").WithTarget("c", i % 2 == 0 ? $"cache -S c{i}" : $"cache c{i}").WithTarget("n", $"nosuch {i}");
        new TargetResolver(registry).ResolveAll(result);
        table.Rows[0].Targets.Select(t => t.Command).Should().Equal("showtask 0x0", "cache -S c0");
        table.Rows[1].Targets.Select(t => t.Command).Should().Equal(["showtask 0x1"], "'cache' without -S has no command and 'nosuch' is no verb: dropped");
        table.Rows.Select((r, i) => r.Targets.Count == (i % 2 == 0 ? 2 : 1)).Should().AllBeEquivalentTo(true);
    }
}
