using System.Text.Json;

namespace DumpScope.Cli.Tests;

public class DiffCliTests
{
    [Fact]
    public void Diff_arguments_become_a_session_on_old_running_diff_new()
    {
        DiffArguments.Rewrite(new CliOptions(), ["old.vmcore", "--vmlinux", "/x/vmlinux", "new vmcore", "--sort", "objects", "--json", "--other-boot"], out var args)
            .Should().BeNull();
        args.Should().Equal("old.vmcore", "--vmlinux", "/x/vmlinux", "--json", "-c", "diff --sort objects --other-boot 'new vmcore'");
    }

    [Fact]
    public void Diff_needs_two_dumps_and_refuses_its_own_commands()
    {
        var (exit, _, error) = CliRun.Run("diff", "only-one.vmcore");
        exit.Should().Be(Program.Usage);
        error.Should().StartWith("dumpscope diff: give two dumps, OLD and NEW (got 1)");
        DiffArguments.Rewrite(new CliOptions(), ["a", "b", "-c", "ps"], out _).Should().Contain("-c does not go with diff");
        DiffArguments.Quote("it's").Should().Be("'it'\\''s'");
    }

    [SkippableFact]
    public void Diff_of_two_boots_exits_1_with_one_line()
    {
        var (exit, output, error) = CliRun.Run("diff", Fixtures.Kd1Zlib, Fixtures.LeakDumpA);
        exit.Should().Be(Program.Failed);
        output.Should().BeEmpty();
        error.Trim().Split('\n').Where(l => !l.StartsWith("note:", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().StartWith("error: diff: the dumps are of different boots (KASLR offset 1ba00000 vs 10200000)");
    }

    [SkippableFact]
    public void Diff_of_the_leak_pair_writes_json_and_an_html_page()
    {
        var html = Path.Combine(Path.GetTempPath(), $"dumpscope-diff-{Environment.ProcessId}.html");
        try
        {
            var (exit, output, error) = CliRun.Run("diff", Fixtures.LeakDumpA, Fixtures.LeakDumpB, "--json", "--html", html, "--top", "5");
            exit.Should().Be(Program.Ok, error);
            using var doc = JsonDocument.Parse(output);
            var chart = doc.RootElement.GetProperty("blocks").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "chart");
            chart.GetProperty("labels").GetArrayLength().Should().Be(5);
            var page = File.ReadAllText(html);
            page.Should().StartWith("<!DOCTYPE html>").And.Contain("<svg ").And.Contain("shmem_inode_cache");
        }
        finally
        {
            File.Delete(html);
        }
    }
}
