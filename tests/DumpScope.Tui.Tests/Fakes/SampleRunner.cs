using DumpScope.Host.Session;

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
        runner.On(TaskStructLine, TaskStruct());
        runner.On("struct mm_struct ffff888004bd0000", CommandResult.FromText("struct mm_struct {", "  mmap_base = 0x7f0000000000,"));
        runner.On("kmem -S fscrypt_info", UnderscoreCache());
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

    /// <summary>The struct command line of <see cref="TaskStruct"/>.</summary>
    public const string TaskStructLine = "struct task_struct ffff888003a1e000";

    /// <summary>
    /// struct task_struct ADDR as the struct command returns it: a short record (TYPE, ADDRESS, SIZE) and the members
    /// depth first with dotted paths, a pointer member leading to the struct it points at.
    /// </summary>
    public static CommandResult TaskStruct()
    {
        var result = new CommandResult();
        result.Add(new RecordBlock { Title = "struct task_struct at 0xffff888003a1e000" })
            .Add("TYPE", Cell.Text("struct task_struct"))
            .Add("ADDRESS", Cell.Address(0xffff888003a1e000))
            .Add("SIZE", Cell.Size(9728));
        var table = result.Add(new TableBlock(new Column("NAME"), new Column("TYPE"), new Column("VALUE"), new Column("DETAIL"))
        {
            Title = "struct task_struct at 0xffff888003a1e000",
            MemberPathColumn = "NAME",
        });
        void Row(string name, string type, Cell value) => table.AddRow(Cell.Text(name), Cell.Text(type), value, Cell.NotApplicable());
        Row("thread_info.flags", "long unsigned int", Cell.UInt(2));
        Row("thread_info.cpu", "u32", Cell.UInt(1));
        Row("__state", "unsigned int", Cell.UInt(255));
        Row("se.load.weight", "long unsigned int", Cell.UInt(1048576));
        Row("se.avg.load_sum", "u64", Cell.UInt(8413));
        Row("pids[0].node.next", "struct hlist_node *", Cell.Address(0));
        Row("pids[1].node.next", "struct hlist_node *", Cell.Address(0));
        table.AddRow(Cell.Text("mm"), Cell.Text("struct mm_struct *"), Cell.Address(0xffff888004bd0000), Cell.NotApplicable())
            .WithTarget("struct mm_struct", "struct mm_struct ffff888004bd0000");
        Row("comm", "char [16]", Cell.Text("kworker/u4:1"));
        return result;
    }

    /// <summary>kmem -S fscrypt_info: block titles and cells full of underscores.</summary>
    public static CommandResult UnderscoreCache()
    {
        var result = new CommandResult();
        result.Add(new TableBlock(new Column("NAME"), new Column("OBJSIZE", CellKind.Integer)) { Title = "kmem_cache fscrypt_info" })
            .AddRow(Cell.Text("fscrypt_info"), Cell.Int(128));
        result.Add(new TableBlock(new Column("CPU", CellKind.Integer), new Column("FREE", CellKind.Integer)) { Title = "per_cpu caches" })
            .AddRow(Cell.Int(0), Cell.Int(3));
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
