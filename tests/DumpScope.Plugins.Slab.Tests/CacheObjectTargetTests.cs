namespace DumpScope.Plugins.Slab.Tests;

/// <summary>kmem -S: objects of a cache named after a type lead to <c>struct TYPE OBJ</c> first (Enter in the TUI), then kmem and rd.</summary>
public class CacheObjectTargetTests
{
    [SkippableTheory]
    [InlineData("task_struct", "task_struct")]
    [InlineData("dentry", "dentry")]
    [InlineData("inode_cache", "inode")]
    [InlineData("files_cache", "files_struct")]
    [InlineData("kmalloc-64", null)]
    public void Objects_LeadToTheirStruct_WhenTheCacheIsNamedAfterIt(string cache, string? type)
    {
        using var session = FixtureSession.Open(Fixtures.Kd1Zlib, typeof(SlabPlugin).Assembly);
        var result = session.Run($"kmem -S {cache}");
        result.Failed.Should().BeFalse(result.Error);
        var objects = result.Blocks.OfType<TableBlock>().Single(b => b.Title == "objects");
        objects.Rows.Should().NotBeEmpty();
        foreach (var row in objects.Rows)
        {
            var address = (ulong)row.Cells[0].Value!;
            if (type is null)
            {
                row.Targets.Select(t => t.Label).Should().Equal("kmem", "rd");
                continue;
            }
            row.Targets[0].Subject.Should().Be(new ObjectTarget(type, address));
            row.Targets[0].Command.Should().Be($"struct {type} 0x{address:x}", "the host resolves it to the struct command");
            row.Targets.Skip(1).Select(t => t.Label).Should().Equal("kmem", "rd");
        }
        if (type is not null)
            session.Run(objects.Rows[0].Targets[0].Command).Failed.Should().BeFalse("the struct command shows the object");
    }
}
