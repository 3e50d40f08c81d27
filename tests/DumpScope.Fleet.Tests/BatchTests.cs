using DumpScope.Fleet.Store;

namespace DumpScope.Fleet.Tests;

/// <summary>dumpscope batch over the real fixture dumps (several formats) and damaged copies.</summary>
public sealed class BatchTests : TempFolderTest
{
    [SkippableFact]
    public void Every_fixture_dump_gets_one_record_and_kd1s_formats_share_a_signature()
    {
        var batch = FleetBatch.Sqlite;
        var lines = FleetCli.Lines(batch.Out);

        lines.Select(l => l.GetProperty("path").GetString()).Should().BeEquivalentTo(batch.Dumps, "one line per dump, each dump once");
        var real = lines.Where(l => !batch.Damaged.Contains(l.GetProperty("path").GetString())).ToList();
        real.Should().OnlyContain(l => l.GetProperty("status").GetString() == "ok", batch.Err);
        real.Should().OnlyContain(l => l.GetProperty("kernel_release").GetString()!.EndsWith("-cloud-amd64"));
        real.Select(l => l.GetProperty("hash").GetString()).Should().OnlyHaveUniqueItems("the contents differ, so the hashes do");
        var kd1 = FleetDumps.Kd1Formats().Select(p => lines.Single(l => l.GetProperty("path").GetString() == p)).ToList();
        kd1.Select(l => l.GetProperty("signature").GetString()).Distinct().Should().ContainSingle()
            .Which.Should().StartWith("v1:", "kd1's zlib, LZO, flattened and ELF copies are one crash");
        kd1.Select(l => l.GetProperty("capture_format").GetString()).Should().OnlyHaveUniqueItems("four capture formats");
        kd1.Should().OnlyContain(l => l.GetProperty("build_id").GetString() == "3b43fad5034874490492495d552c0af6a5fab235", "VMCOREINFO BUILD-ID");
        kd1.Should().OnlyContain(l => l.GetProperty("dump_time").GetString() == "2026-11-29T00:48:49Z", "VMCOREINFO CRASHTIME");

        using var store = ResultStores.Open(batch.Db);
        store.RunCount().Should().Be(batch.Dumps.Count);
        store.CurrentRuns().Should().HaveCount(batch.Dumps.Count);
    }

    [SkippableFact]
    public void Damaged_copies_are_failed_records_with_a_one_line_reason()
    {
        var batch = FleetBatch.Sqlite;
        var lines = FleetCli.Lines(batch.Out).ToDictionary(l => l.GetProperty("path").GetString()!);

        batch.Exit.Should().Be(1, "a failed dump makes the batch's exit code 1");
        foreach (var path in batch.Damaged)
        {
            var line = lines[path];
            line.GetProperty("status").GetString().Should().Be("failed", path);
            line.GetProperty("error").GetString().Should().NotBeNullOrWhiteSpace().And.NotContain("\n").And.NotContain("   at ", "a reason, not a stack trace");
        }
        lines[batch.Damaged.Single(p => p.Contains("truncated"))].GetProperty("error").GetString().Should().Contain("truncated");
        lines[batch.Damaged.Single(p => p.Contains("header-zeroed"))].GetProperty("error").GetString().Should().Contain("not a kernel dump");
        batch.Err.Should().Contain($"{batch.Damaged.Count} failed");
    }

    [SkippableFact]
    public void A_second_batch_skips_dumps_by_content_hash_and_force_triages_them_again()
    {
        var db = Path.Combine(Dir.FullName, "again.db");
        var copy = Path.Combine(Dir.FullName, "renamed-copy.kdump");
        File.Copy(Fixtures.Kd1Zlib, copy);

        FleetCli.Run(FleetBatch.Arguments([Fixtures.Kd1Zlib], db)).Exit.Should().Be(0);
        var (exit, output, error) = FleetCli.Run(FleetBatch.Arguments([Fixtures.Kd1Zlib, copy], db));
        var forced = FleetCli.Run([.. FleetBatch.Arguments([copy], db), "--force"]);

        exit.Should().Be(0, error);
        FleetCli.Lines(output).Should().HaveCount(2).And.OnlyContain(l => l.GetProperty("skipped").GetBoolean(), "the copy has the same contents: same hash");
        FleetCli.Lines(output).Select(l => l.GetProperty("path").GetString()).Should().BeEquivalentTo([Fixtures.Kd1Zlib, copy]);
        error.Should().Contain("2 skipped");
        FleetCli.Lines(forced.Out).Should().ContainSingle().Which.GetProperty("skipped").GetBoolean().Should().BeFalse();
        using var store = ResultStores.Open(db);
        store.RunCount().Should().Be(2, "the first run and the forced one");
        store.CurrentRuns().Should().ContainSingle("one dump, whatever its paths");
    }

    [SkippableFact]
    public void Folders_and_globs_expand_to_the_dump_files_only()
    {
        var kd1 = Path.GetDirectoryName(Fixtures.Kd1Zlib)!;
        var (dumps, problems) = Fleet.Batch.DumpPaths.Expand([kd1, Path.Combine(kd1, "vmcore.kdump-*-d31"), Path.Combine(Dir.FullName, "*.none")]);

        dumps.Should().BeEquivalentTo([Fixtures.Kd1Zlib, Fixtures.Kd1Lzo, Fixtures.Kd1Flat], "the folder's text files and .zst copies are not dumps");
        problems.Should().ContainSingle().Which.Should().Contain("matches no dump file");
    }
}
