namespace DumpScope.Cli.Tests;

public class ShortErrorTests
{
    [Theory]
    [InlineData("struct task_struct 0x1234", "struct: not mapped: kernel virtual address: 1234")]
    [InlineData("rd 0x400000 4", "rd: not mapped: kernel virtual address: 400000")]
    [InlineData("rd 8000000000000000 4", "rd: non-canonical address: kernel virtual address: 8000000000000000")]
    [InlineData("rd -p 0x10000000 2", "rd: page excluded: physical address: 10000000")]
    public void A_wholly_unreadable_object_or_range_is_one_error_line_and_exit_1(string command, string message)
    {
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", command);
        exit.Should().Be(Program.Failed);
        output.Should().BeEmpty();
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle().Which.Should().StartWith("error: " + message);
    }

    [Fact]
    public void A_partly_unreadable_range_lists_each_distinct_reason_once_after_its_rows()
    {
        // In kd1 pfn 0xfff is excluded and pfn 0x1000 is present: the range straddles the boundary.
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "-c", "rd -p 0xffffe0 6");
        exit.Should().Be(0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        lines.Count(l => l.Contains("page excluded", StringComparison.Ordinal)).Should().Be(1);
        var note = lines.FindIndex(l => l.Contains("note: ", StringComparison.Ordinal));
        lines[note].Should().Contain("0000000000ffffe0…0000000000fffff0 (2 rows): page excluded: physical address: ffffe0");
        lines[note - 1].Should().StartWith("0000000000fffff0");
        lines[note + 1].Should().StartWith("0000000001000000  0000000000000000");
    }
}
