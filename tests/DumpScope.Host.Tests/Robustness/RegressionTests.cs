using DumpScope.Fuzz;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>Inputs the fuzz harnesses found, kept as regression tests (see fuzz/README.md).</summary>
public class RegressionTests
{
    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(253402300800L)] // one second past 9999-12-31
    public void Kdump_timestamp_past_year_9999_is_shown_not_thrown(long seconds)
    {
        // Found by the kdump harness: Describe() threw ArgumentOutOfRangeException from FromUnixTimeSeconds.
        var writer = new DumpWriter { MaxPfn = 8 };
        writer.AddPage(1, writer.PatternPage(1));
        var image = writer.WriteKdump();
        var bytes = image.Bytes;
        // 64-bit disk_dump_header: the timeval (tv_sec, tv_usec) sits just before status.
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(image.HeaderFieldOffsets["status"] - 16), seconds);

        using var dump = DumpOpener.OpenImage(bytes, "timestamp-regression");

        dump.Describe().Should().Contain(kv => kv.Key == "timestamp" && kv.Value.Contains("not a valid date"));
    }

    [Fact]
    public void Saved_kdump_crash_input_runs_clean()
    {
        var root = Corpus.FindRoot();
        root.Should().NotBeNull();
        var input = File.ReadAllBytes(Path.Combine(root!, "kdump", "regress-timestamp-out-of-range"));
        var act = () => Harnesses.Find("kdump")!.Run(input);
        act.Should().NotThrow();
    }

    [Fact]
    public void Session_dispose_after_the_session_was_resolved_from_its_services()
    {
        // Found by DumpFileUnchangedTests: once a command had resolved ICommandRunner (help, plugins), disposing
        // the session disposed it again through the provider and the mapped dump view threw ObjectDisposedException.
        var writer = new DumpWriter { MaxPfn = 8 };
        writer.AddPage(1, writer.PatternPage(1));
        using var file = new Dumps.TempDumpFile(writer.WriteKdump().Bytes, "dispose");
        var session = Session.DumpScopeSession.Create(new Session.SessionOptions { DumpPath = file.Path, SearchDefaultPluginDirectory = false });
        session.Services.GetService(typeof(Session.ICommandRunner)).Should().BeSameAs(session);

        var act = () =>
        {
            session.Dispose();
            session.Dispose();
        };

        act.Should().NotThrow();
    }
}
