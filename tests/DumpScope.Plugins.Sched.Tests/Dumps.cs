using DumpScope.Host.Rendering;
using DumpScope.Host.Session;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Sched.Tests;

/// <summary>Sessions over the real dumps with only the sched plugin, opened on first use and shared by a collection.</summary>
public sealed class DumpSessions() : FixtureSessions(typeof(SchedPlugin).Assembly)
{
    /// <summary>The session of a fixture by folder name (kd1, kd3, k510).</summary>
    public DumpScopeSession Of(string fixture) => Session($"{fixture}/vmcore.kdump-zlib-d31");
}

/// <summary>The tests sharing the dump sessions.</summary>
[CollectionDefinition("dumps")]
public sealed class DumpsCollection : ICollectionFixture<DumpSessions>;

/// <summary>Helpers: crash's reference outputs, text rendering, a real kernel with chosen damage.</summary>
internal static class Sched
{
    /// <summary>crash 8.0.2's output of a command on a fixture (tests/fixtures/FIXTURE/crash-NAME.out), cleaned as <see cref="CrashReference"/> cleans it.</summary>
    public static string[] Crash(string fixture, string name) => CrashReference.Bundled(fixture, name);

    /// <summary>A result as the CLI prints it, cleaned the same way.</summary>
    public static string[] Text(CommandResult result) => CrashReference.Text(result);

    /// <summary>Runs a command on a session and returns its text, failing the test when the command failed.</summary>
    public static string[] Run(DumpScopeSession session, string line)
    {
        var result = session.Run(line);
        result.Failed.Should().BeFalse(result.Error);
        return Text(result);
    }

    /// <summary>The single table of a result.</summary>
    public static TableBlock Table(CommandResult result) => result.Blocks.OfType<TableBlock>().First();
}
