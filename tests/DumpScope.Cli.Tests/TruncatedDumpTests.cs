namespace DumpScope.Cli.Tests;

/// <summary>The first half of the bundled kd1 dump, as a copy cut short would be.</summary>
public sealed class TruncatedDumpTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dumpscope-truncated-").FullName;
    private readonly string _dump;

    public TruncatedDumpTests()
    {
        var sample = SampleDumpPath();
        var bytes = File.ReadAllBytes(sample);
        _dump = Path.Combine(_folder, "kd1-half");
        File.WriteAllBytes(_dump, bytes.AsSpan(0, bytes.Length / 2).ToArray());
    }

    internal static string SampleDumpPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "dumps", "kd1.kdump-zlib-d31");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("samples/dumps/kd1.kdump-zlib-d31 is part of the repository");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Truncation_is_said_once_and_no_symbol_file_is_advised()
    {
        var (exit, _, error) = CliRun.Run(_dump, "-c", "sys", "-c", "ps", "-c", "kmem -s");
        exit.Should().Be(Program.Failed);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Count(l => l.Contains("dump truncated: file is 8.5 MB, the header describes 16.9 MB; pages past the end are missing", StringComparison.Ordinal)).Should().Be(1);
        error.Should().NotContain("System.map").And.NotContain("--vmlinux").And.NotContain("does not match");
        lines.Should().OnlyContain(l => l.Length < 160);
        lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).Should().HaveCount(3);
    }

    [Fact]
    public void Dumpinfo_shows_the_truncation_and_answers_from_the_headers()
    {
        var (exit, output, error) = CliRun.Run(_dump, "-c", "dumpinfo");
        exit.Should().Be(0, error);
        output.Should().Contain("truncated: dump truncated: file is 8.5 MB, the header describes 16.9 MB").And.Contain("6.1.0-56-cloud-amd64");
    }
}
