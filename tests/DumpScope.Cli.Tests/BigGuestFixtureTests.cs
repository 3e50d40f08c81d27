namespace DumpScope.Cli.Tests;

/// <summary>
/// The real 4 GiB guest with 2.6 million kernel objects (tests/fixtures/big4g; the dump in ../shared/fixtures/big4g,
/// made by make-kdump.sh --mem 4G --objects 1000000,100000): the walks must give the guest's own slabinfo and task
/// list at that scale. Skips when the dump is absent, under CI too, before any file is read.
/// </summary>
public sealed class BigGuestFixtureTests
{
    private const string Folder = "big4g";

    private static (string Dump, GuestTruth Truth) Open()
    {
        string dump = Fixtures.Optional($"{Folder}/vmcore.kdump-zlib-d31");
        return (dump, new GuestTruth(Repository.File($"tests/fixtures/{Folder}/groundtruth-guest.txt")));
    }

    [SkippableFact]
    public void Kmem_s_gives_the_slabinfo_totals_of_the_million_object_caches()
    {
        var (dump, truth) = Open();
        KernelFixtureChecks.KmemSMatchesSlabinfo(dump, truth);
        var rows = KernelFixtureChecks.Rows(KernelFixtureChecks.Json(dump, "kmem -s")).ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        var slabinfo = truth.Slabinfo().GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.First());
        // objspawn's million empty tmpfs files and 100,000 socket pairs, held to the panic: nothing frees them.
        foreach (var cache in new[] { "shmem_inode_cache", "sock_inode_cache" })
        {
            slabinfo[cache].Total.Should().BeGreaterThan(cache == "shmem_inode_cache" ? 1_000_000 : 200_000);
            rows[cache].GetProperty("total").GetInt64().Should().Be(slabinfo[cache].Total, cache);
        }
    }

    [SkippableFact]
    public void Ps_lists_every_task_the_guest_listed()
    {
        var (dump, truth) = Open();
        KernelFixtureChecks.PsListsEveryGuestTask(dump, truth);
    }

    [SkippableFact]
    public void Every_command_runs_without_an_error_or_a_stack_trace() => KernelFixtureChecks.EveryCommandRuns(Open().Dump, KernelFixtureChecks.Commands);
}
