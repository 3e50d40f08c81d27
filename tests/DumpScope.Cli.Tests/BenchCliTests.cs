using System.Text.Json;
using DumpScope.Testing;

namespace DumpScope.Cli.Tests;

public class BenchCliTests
{
    [SkippableFact]
    public void Bench_times_each_command_and_reports_reads_and_the_zlib_throughput()
    {
        var (exit, output, error) = CliRun.Run("bench", Fixtures.Kd1Zlib, "-c", "dumpinfo", "-c", "kmem -s", "--json");
        exit.Should().Be(0, error);
        using var doc = JsonDocument.Parse(output);
        var blocks = doc.RootElement.GetProperty("blocks").EnumerateArray().ToList();
        var rows = blocks[0].GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("command").GetString()).Should().Equal("dumpinfo", "kmem -s");
        rows[1].GetProperty("rows").GetInt64().Should().Be(154, "kd1 has 154 caches");
        rows[1].GetProperty("pages_read").GetInt64().Should().BePositive("kmem -s reads kmem_caches and slabs from the dump");
        // dumpinfo reads headers and bitmaps, plus the few pages the kernel-feature probes need: the slab allocator's
        // boot cache and the pages of the in-memory BTF that hold the types the feature rows probe (struct page,
        // pid_namespace, mm_struct, printk_ringbuffer, timekeeper, …: 41 pages on kd1, of a 4 MB BTF).
        rows[0].GetProperty("pages_read").GetInt64().Should().BeLessThan(64, "dumpinfo reads no bulk data")
            .And.BeLessThan(rows[1].GetProperty("pages_read").GetInt64());
        rows[1].GetProperty("first_cpu_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0, "each command's CPU time is given beside its wall time");
        rows[1].GetProperty("first_allocated_bytes").GetInt64().Should().BePositive("kmem -s builds a table of 154 rows: its allocation is measured");
        output.Should().Contain("\"open_ms\"").And.Contain("\"peak_rss\"").And.Contain("\"reader_raw\"");
    }

    [SkippableFact]
    public void Bench_of_a_failing_command_exits_non_zero()
    {
        var (exit, _, _) = CliRun.Run("bench", Fixtures.Kd1Zlib, "-c", "nosuchcommand");
        exit.Should().Be(Program.Failed);
    }
}
