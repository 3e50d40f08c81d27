using System.Diagnostics;
using System.Security.Cryptography;
using DumpScope.Plugins.Memory;
using DumpScope.Plugins.Slab;
using DumpScope.Plugins.Tasks;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>
/// A full session (every registered command) must leave the dump exactly as it was: same bytes, same
/// modification and status-change times. Access time is not compared (relatime updates it on read).
/// </summary>
public class DumpFileUnchangedTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Every_command_leaves_the_dump_file_untouched()
    {
        using var copy = new PatchedKdump(Fixtures.Kd1Zlib, "unchanged");
        File.SetAttributes(copy.Path, FileAttributes.ReadOnly);
        var before = (Hash: Sha256(copy.Path), Times: StatTimes(copy.Path));

        using (var session = FixtureSession.Open(copy.Path, typeof(SlabPlugin).Assembly, typeof(TasksPlugin).Assembly, typeof(MemoryPlugin).Assembly))
        {
            var commands = session.Commands.Select(c => c.Invocation).Concat(BoundedCommands.Standard).Distinct().ToList();
            foreach (var command in commands)
                BoundedCommands.Run(session, command);
            output.WriteLine($"ran {commands.Count} commands: {string.Join(", ", commands)}");
        }

        Sha256(copy.Path).Should().Be(before.Hash);
        StatTimes(copy.Path).Should().Be(before.Times, "mtime and ctime must not move");
        File.SetAttributes(copy.Path, FileAttributes.Normal);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>mtime and ctime with nanoseconds (.NET exposes no ctime; stat(1) does).</summary>
    private static string StatTimes(string path)
    {
        var start = new ProcessStartInfo("stat", ["-c", "%.9Y %.9Z", path]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        process.ExitCode.Should().Be(0);
        return text;
    }
}
