using DumpScope.Host.Session;
using DumpScope.Sdk.Commands;

namespace DumpScope.Tui.Tests.Fakes;

/// <summary>A fake session shaped like a slab investigation: sys, kmem -s (with a drill-down to kmem -S), and failing commands.</summary>
public static class SampleRunner
{
    /// <summary>The excluded-page reason used for the unreadable cell.</summary>
    public const string ExcludedReason = "page excluded: kernel virtual address: ffff8801263d6000 type: \"kmem_cache\"";

    /// <summary>A runner for the "slab" profile.</summary>
    public static FakeCommandRunner Create()
    {
        var plugins = new[]
        {
            new PluginDescriptor("slab", "1.0.0", "slab caches", "1.0.0", ["kmem -s", "kmem -S"]),
            new PluginDescriptor("tasks", "1.0.0", "tasks", "1.0.0", ["ps"]),
        };
        var commands = new[]
        {
            new CommandDescriptor("kmem", "-s", [], "slab cache summary", "slab", "kmem -s [-v] [NAME]"),
            new CommandDescriptor("kmem", "-S", [], "objects of one cache", "slab", "kmem -S NAME"),
            new CommandDescriptor("ps", null, [], "process list", "tasks", "ps [-t]"),
            new CommandDescriptor("sys", null, [], "system information", "host", "sys"),
        };
        var runner = new FakeCommandRunner(plugins, commands);
        runner.On("sys", Sys());
        runner.On("kmem -s", SlabCaches());
        runner.On("kmem -S kmalloc-64", SlabObjects());
        runner.On("kmem -S kmalloc-192", CommandResult.FromText("kmalloc-192: 2100 objects"));
        runner.On("kmem -S kmalloc-1k", CommandResult.FromText("kmalloc-1k: 512 objects"));
        runner.On("ps", Tasks());
        runner.On("boom", CommandResult.Fail("boom"));
        runner.On("throw", (_, _) => throw new InvalidOperationException("kaboom"));
        return runner;
    }

    /// <summary>A runner for the "tasks" profile: only the tasks plugin.</summary>
    public static FakeCommandRunner CreateTasksOnly()
    {
        var plugins = new[] { new PluginDescriptor("tasks", "2.0.0", "tasks", "1.0.0", ["ps", "task"]) };
        var commands = new[]
        {
            new CommandDescriptor("ps", null, [], "process list", "tasks", "ps [-t]"),
            new CommandDescriptor("task", null, [], "task details", "tasks", "task PID"),
        };
        var runner = new FakeCommandRunner(plugins, commands);
        runner.On("ps", Tasks());
        return runner;
    }

    /// <summary>The sys record.</summary>
    public static CommandResult Sys()
    {
        var result = new CommandResult();
        result.Add(new RecordBlock())
            .Add("RELEASE", Cell.Text("6.1.0-28-amd64"))
            .Add("CPUS", Cell.Int(2))
            .Add("PANIC", Cell.Text("sysrq triggered crash"));
        return result;
    }

    /// <summary>kmem -s: kmalloc caches whose sizes sort differently as text and as numbers, and one bad cache.</summary>
    public static CommandResult SlabCaches()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(
            new Column("CACHE", CellKind.Address),
            new Column("OBJSIZE", CellKind.Integer),
            new Column("ALLOCATED", CellKind.Integer),
            new Column("TOTAL", CellKind.Integer),
            new Column("NAME")));
        table.AddRow(Cell.Address(0xffff8880010c1a00), Cell.Int(64), Cell.Int(3200), Cell.Int(3328), Cell.Text("kmalloc-64"))
            .WithTarget("objects", "kmem -S kmalloc-64")
            .WithTarget("struct kmem_cache", "struct kmem_cache ffff8880010c1a00");
        table.AddRow(Cell.Address(0xffff8880010c1b00), Cell.Int(1024), Cell.Int(512), Cell.Int(640), Cell.Text("kmalloc-1k"))
            .WithTarget("objects", "kmem -S kmalloc-1k");
        table.AddRow(Cell.Address(0xffff8880010c1c00), Cell.Int(192), Cell.Int(2100), Cell.Int(2142), Cell.Text("kmalloc-192"))
            .WithTarget("objects", "kmem -S kmalloc-192");
        var bad = table.AddRow(Cell.Address(0xffff8801263d6000), Cell.Unreadable(ExcludedReason, CellKind.Integer), Cell.Int(0), Cell.Int(0), Cell.Unreadable(ExcludedReason));
        bad.Problem = "name unreadable";
        result.Warnings.Add("1 cache could not be read");
        return result;
    }

    /// <summary>kmem -S kmalloc-64: a record about the cache and a table of objects (two blocks: tabs).</summary>
    public static CommandResult SlabObjects()
    {
        var result = new CommandResult();
        result.Add(new RecordBlock { Title = "CACHE" })
            .Add("NAME", Cell.Text("kmalloc-64"))
            .Add("OBJSIZE", Cell.Size(64));
        var objects = result.Add(new TableBlock(new Column("OBJECT", CellKind.Address), new Column("ALLOCATED", CellKind.Bool)) { Title = "OBJECTS" });
        objects.AddRow(Cell.Address(0xffff888003a1e000), Cell.Bool(true));
        objects.AddRow(Cell.Address(0xffff888003a1e040), Cell.Bool(false));
        return result;
    }

    /// <summary>ps.</summary>
    public static CommandResult Tasks()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("COMM")));
        table.AddRow(Cell.Int(1), Cell.Text("systemd"));
        table.AddRow(Cell.Int(2), Cell.Text("kthreadd"));
        return result;
    }
}
