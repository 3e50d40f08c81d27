using DumpScope.Host.Session;
using DumpScope.Testing;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// One session over kd1 (kdump-compressed, zlib) with only the tasks plugin, shared by the tests of the "kd1"
/// collection. Tests that need the fixture call <see cref="SharedFixtureSession.Session"/> inside a
/// [SkippableFact], so a missing fixture skips them.
/// </summary>
public sealed class Kd1Fixture() : SharedFixtureSession(() => Fixtures.Kd1Zlib, typeof(TasksPlugin).Assembly)
{
    /// <summary>A session over a dump with only the tasks plugin, loaded in-process.</summary>
    public static DumpScopeSession Open(string dump) => FixtureSession.Open(dump, typeof(TasksPlugin).Assembly);

    /// <summary>The rows of a ps command line run on the shared kd1 session.</summary>
    internal IReadOnlyList<PsRow> Ps(string line = "ps") => PsRow.From(Session.Run(line));
}

/// <summary>The tests sharing the kd1 session.</summary>
[CollectionDefinition("kd1")]
public sealed class Kd1Collection : ICollectionFixture<Kd1Fixture>;
