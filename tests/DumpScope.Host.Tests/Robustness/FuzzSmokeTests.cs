using DumpScope.Fuzz;
using Xunit.Abstractions;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>
/// The CI smoke pass of the fuzz harnesses (issue #12): each harness runs its committed seed corpus
/// (fuzz/corpus/&lt;harness&gt;) and then deterministic mutations, bounded to a few seconds, with a per-input
/// hang timeout. Any exception other than the documented InvalidDataException / NotSupportedException, or a
/// hang, fails the test and leaves the input in the temp folder (see fuzz/README.md to turn it into a
/// regression test). Longer runs: fuzz/smoke.sh or the SharpFuzz AFL path in fuzz/README.md.
/// </summary>
public class FuzzSmokeTests(ITestOutputHelper output)
{
    // ~10 harnesses x 4 s (or 20 000 mutations, whichever comes first) stays within the 60 s budget even on a loaded machine.
    private static readonly SmokeOptions Options = new()
    {
        MaxMutations = 20_000,
        TimeBudget = TimeSpan.FromSeconds(4),
        InputTimeout = TimeSpan.FromSeconds(20),
    };

    public static TheoryData<string> HarnessNames()
    {
        var data = new TheoryData<string>();
        foreach (var harness in Harnesses.All) data.Add(harness.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(HarnessNames))]
    public void Harness_survives_its_corpus_and_mutations(string name)
    {
        var root = Corpus.FindRoot();
        root.Should().NotBeNull("fuzz/corpus is committed with the repository");
        var corpus = Corpus.Load(root!, name);
        corpus.Should().NotBeEmpty($"fuzz/corpus/{name} holds the seeds");

        var report = SmokeRunner.Run(Harnesses.Find(name)!, corpus, Options);

        output.WriteLine(report.ToString());
        report.Executions.Should().BeGreaterThan(corpus.Count, "mutated inputs run after the corpus");
        report.Findings.Should().BeEmpty(report.ToString());
    }

    [Fact]
    public void Every_harness_has_a_corpus_folder()
    {
        var root = Corpus.FindRoot();
        root.Should().NotBeNull();
        Harnesses.All.Select(h => h.Name).Should().OnlyContain(n => Directory.Exists(Path.Combine(root!, n)));
    }

    [Fact]
    public void The_mutator_is_deterministic()
    {
        var input = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var a = new FuzzMutator(7);
        var b = new FuzzMutator(7);
        for (int i = 0; i < 50; i++)
            a.Mutate(input, input).Should().Equal(b.Mutate(input, input));
    }
}
