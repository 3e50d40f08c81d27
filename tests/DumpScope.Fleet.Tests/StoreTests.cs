using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Tests;

/// <summary>The results store on SQLite and on a real PostgreSQL: migrations, idempotent writes, current answers.</summary>
public sealed class StoreTests : TempFolderTest
{
    [SkippableTheory]
    [MemberData(nameof(StoreKinds.Both), MemberType = typeof(StoreKinds))]
    public void Migrations_bring_an_empty_database_to_the_newest_version_once(string kind)
    {
        using var store = StoreKinds.Unmigrated(kind, Dir.FullName);

        store.SchemaVersion().Should().Be(0);
        store.Migrate().Should().Be(Migrations.All.Count);
        store.Migrate().Should().Be(Migrations.All.Count, "a second migration finds nothing to do");
        store.SchemaVersion().Should().Be(Migrations.All.Count);
        store.Record(StoreKinds.Run("sha256:aaaa", "k1")).Should().BeTrue("every table exists");
    }

    [SkippableTheory]
    [MemberData(nameof(StoreKinds.Both), MemberType = typeof(StoreKinds))]
    public void A_failing_migration_leaves_the_database_as_it_was(string kind)
    {
        using var store = StoreKinds.Unmigrated(kind, Dir.FullName);
        store.Migrate([Migrations.All[0]]).Should().Be(1);
        // Step 2 creates a table, then fails: neither the table, nor step 2, nor the real step 2's indexes may stay.
        var broken = new Migration(2, "broken", ["CREATE TABLE half_done (x INTEGER)", "CREATE TABLE dumps (again TEXT)"]);

        var migrate = () => store.Migrate([Migrations.All[0], broken]);

        migrate.Should().Throw<System.Data.Common.DbException>();
        store.SchemaVersion().Should().Be(1, "the failed step is not recorded");
        store.Migrate().Should().Be(Migrations.All.Count, "the real steps still apply: nothing of the broken one was left");
    }

    [SkippableTheory]
    [MemberData(nameof(StoreKinds.Both), MemberType = typeof(StoreKinds))]
    public void A_database_newer_than_this_dumpscope_is_refused(string kind)
    {
        using var store = StoreKinds.Unmigrated(kind, Dir.FullName);
        store.Migrate([.. Migrations.All, new Migration(Migrations.All.Count + 1, "from the future", ["CREATE TABLE future (x INTEGER)"])]);

        var migrate = () => store.Migrate();

        migrate.Should().Throw<InvalidDataException>().WithMessage($"*schema version {Migrations.All.Count + 1}*use a newer dumpscope*");
    }

    [SkippableTheory]
    [MemberData(nameof(StoreKinds.Both), MemberType = typeof(StoreKinds))]
    public void A_run_is_recorded_once_per_job_key(string kind)
    {
        using var store = ResultStores.Open(StoreKinds.NewDb(kind, Dir.FullName));

        store.Record(StoreKinds.Run("sha256:aaaa", "hangfire:1")).Should().BeTrue();
        store.Record(StoreKinds.Run("sha256:aaaa", "hangfire:1")).Should().BeFalse("a retried job writes nothing the second time");
        store.Record(StoreKinds.Run("sha256:aaaa", "hangfire:2")).Should().BeTrue("another job of the same dump is another run");

        store.RunCount().Should().Be(2);
        var latest = store.Latest("sha256:aaaa")!;
        latest.JobKey.Should().Be("hangfire:2");
        latest.Findings.Select(f => f.Kind).Should().Equal("crash", "memory");
        latest.Title.Should().Be("Kernel panic - not syncing: sysrq triggered crash");
        store.Latest("sha256:none").Should().BeNull();
    }

    [SkippableTheory]
    [MemberData(nameof(StoreKinds.Both), MemberType = typeof(StoreKinds))]
    public void A_dumps_current_answer_is_its_latest_ok_run(string kind)
    {
        using var store = ResultStores.Open(StoreKinds.NewDb(kind, Dir.FullName));
        store.Record(StoreKinds.Run("sha256:aaaa", "a1"));
        store.Record(StoreKinds.Run("sha256:aaaa", "a2", TriageStatus.TimedOut));
        store.Record(StoreKinds.Run("sha256:bbbb", "b1", TriageStatus.Failed));

        var current = store.CurrentRuns();

        current.Select(r => (r.Dump.Hash, r.JobKey, r.Status)).Should().Equal(("sha256:aaaa", "a1", TriageStatus.Ok), ("sha256:bbbb", "b1", TriageStatus.Failed));
        current[1].Error.Should().Be("not a kernel dump");
    }
}
