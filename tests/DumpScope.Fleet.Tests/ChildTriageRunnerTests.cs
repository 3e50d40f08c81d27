using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Tests;

/// <summary>The child-process runner with children that hang or crash (a shell standing in for dumpscope: no fixtures needed).</summary>
public sealed class ChildTriageRunnerTests : TempFolderTest
{
    private string Dump()
    {
        var path = Path.Combine(Dir.FullName, "vmcore");
        File.WriteAllBytes(path, [1, 2, 3]);
        return path;
    }

    [Fact]
    public async Task A_child_past_the_time_limit_is_killed_and_recorded_as_timed_out()
    {
        // sh -c 'sleep 600' sh DUMP --format json …: a child that never answers.
        var runner = new ChildTriageRunner(new DumpExecutable("/bin/sh", ["-c", "sleep 600", "sh"]), TimeSpan.FromSeconds(1), "test");

        var record = await runner.RunAsync(Dump(), "k", null, null, CancellationToken.None);

        record.Status.Should().Be(TriageStatus.TimedOut);
        record.Error.Should().Be("timed out after 1 s");
        record.Dump.Hash.Should().Be("sha256:039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", "SHA-256 of bytes 01 02 03");
    }

    [Theory]
    [InlineData("kill -SEGV $$", "dumpscope exited with code 139 and printed no reason")]
    [InlineData("echo 'note: opening' >&2; echo 'dumpscope: not a kernel dump: x' >&2; exit 1", "not a kernel dump: x")]
    public async Task A_child_that_fails_or_crashes_is_a_failed_record_with_its_own_reason(string script, string reason)
    {
        var runner = new ChildTriageRunner(new DumpExecutable("/bin/sh", ["-c", script, "sh"]), TimeSpan.FromSeconds(60), "test");

        var record = await runner.RunAsync(Dump(), "k", null, null, CancellationToken.None);

        record.Status.Should().Be(TriageStatus.Failed);
        record.Error.Should().Be(reason, "the reason, without the child's notes");
    }
}
