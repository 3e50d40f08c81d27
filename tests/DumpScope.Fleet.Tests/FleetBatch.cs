namespace DumpScope.Fleet.Tests;

/// <summary>
/// One batch over every fixture dump and the damaged copies, into SQLite, run once per test run and shared by the
/// tests that read it (a batch of 14 dumps is most of this project's time).
/// </summary>
internal static class FleetBatch
{
    private static readonly Lazy<Result> Shared = new(RunShared);

    /// <summary>What the batch printed, and where its database is.</summary>
    public sealed record Result(string Db, IReadOnlyList<string> Dumps, IReadOnlyList<string> Damaged, int Exit, string Out, string Err);

    /// <summary>The shared batch (skips without the fixtures).</summary>
    public static Result Sqlite => Shared.Value;

    /// <summary>The arguments of the batch over <paramref name="dumps"/> into <paramref name="db"/>.</summary>
    public static string[] Arguments(IEnumerable<string> dumps, string db) => ["batch", .. dumps, "--db", db, "--jobs", "2", "--timeout", "300"];

    private static Result RunShared()
    {
        var dir = Directory.CreateTempSubdirectory("dumpscope-fleet-batch-").FullName;
        var damaged = FleetDumps.Damaged(dir);
        var dumps = FleetDumps.All().Concat(damaged).ToList();
        var db = Path.Combine(dir, "fleet.db");
        var (exit, output, error) = FleetCli.Run(Arguments(dumps, db));
        return new Result(db, dumps, damaged, exit, output, error);
    }
}
