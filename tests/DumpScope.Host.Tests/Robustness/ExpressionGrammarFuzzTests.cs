using DumpScope.Fuzz;
using DumpScope.Host.Expressions;

namespace DumpScope.Host.Tests.Robustness;

/// <summary>
/// The expr-eval fuzz harness is only worth its time if its grammar reaches the evaluator: the committed corpus and a
/// deterministic batch of byte strings must give varied expressions, many of which evaluate to a value, and none may
/// fail any way but the documented two (bad input, memory the kernel lacks).
/// </summary>
public class ExpressionGrammarFuzzTests
{
    private static readonly List<string> Samples = [];

    [Fact]
    public void Grammar_expressions_reach_the_evaluator_and_fail_only_the_documented_ways()
    {
        var inputs = new List<byte[]>();
        if (Corpus.FindRoot() is { } root) inputs.AddRange(Corpus.Load(root, "expr-eval"));
        var random = new Random(17);
        for (int i = 0; i < 400; i++)
        {
            var bytes = new byte[random.Next(2, 48)];
            random.NextBytes(bytes);
            inputs.Add(bytes);
        }
        int values = 0, usage = 0, memory = 0;
        var texts = new HashSet<string>();
        foreach (var input in inputs)
        {
            var text = new ExpressionGrammar(input, ExpressionHarness.Kernel.Types).Next();
            texts.Add(text);
            try
            {
                var evaluator = new ExpressionEvaluator(ExpressionHarness.Kernel);
                _ = evaluator.ScalarOf(evaluator.Evaluate(text), 0);
                values++;
            }
            catch (UsageException e)
            {
                usage++;
                if (Samples.Count < 40) Samples.Add($"{text} => {e.Message}");
            }
            catch (MemoryFaultException)
            {
                memory++;
            }
        }
        texts.Count.Should().BeGreaterThan(inputs.Count * 3 / 4, "different bytes give different expressions");
        values.Should().BeGreaterThan(inputs.Count / 5, $"{usage} usage errors, {memory} memory faults: {string.Join("\n", Samples)}");
        memory.Should().BeGreaterThan(0, "dereferences reach memory the synthetic kernel lacks");
        (values + usage + memory).Should().Be(inputs.Count);
    }

    [Fact]
    public void The_expr_eval_harness_runs_its_corpus_without_findings()
    {
        var root = Corpus.FindRoot();
        root.Should().NotBeNull();
        var corpus = Corpus.Load(root!, "expr-eval");
        corpus.Should().HaveCountGreaterThan(10);
        foreach (var input in corpus) Harnesses.Find("expr-eval")!.Run(input);
    }
}
