using System.Diagnostics;
using System.Security.Cryptography;

namespace DumpScope.Fuzz;

/// <summary>
/// The SharpFuzz-free smoke pass: every corpus input as is, then deterministic mutations until the
/// execution or time budget runs out. Used by fuzz/smoke.sh and by the FuzzSmokeTests xunit class.
/// </summary>
public static class SmokeRunner
{
    /// <summary>Runs one harness over <paramref name="corpus"/> and its mutations.</summary>
    public static SmokeReport Run(FuzzHarness harness, IReadOnlyList<byte[]> corpus, SmokeOptions options)
    {
        var seeds = corpus.Count > 0 ? corpus : [new byte[] { 0 }];
        var findings = new List<SmokeFinding>();
        var clock = Stopwatch.StartNew();
        int executions = 0;
        ulong seed = options.Seed;
        foreach (var c in harness.Name) seed = seed * 31 + c;
        var mutator = new FuzzMutator(seed);
        var worker = new HarnessWorker(harness.Run);
        var selector = new Random((int)(seed & 0x7fffffff));
        bool hung = false;

        var slowest = TimeSpan.Zero;
        byte[]? slowestInput = null;
        bool Execute(byte[] input)
        {
            executions++;
            long started = Stopwatch.GetTimestamp();
            bool finished = worker.TryRun(input, options.InputTimeout, out var error);
            var took = Stopwatch.GetElapsedTime(started);
            if (took > slowest) (slowest, slowestInput) = (took, input);
            if (!finished)
            {
                findings.Add(new SmokeFinding(harness.Name, $"hang: no result after {options.InputTimeout.TotalSeconds:0} s", Save(harness, input, options)));
                return false;
            }
            if (error is not null && findings.Count < 20)
                findings.Add(new SmokeFinding(harness.Name, Describe(error), Save(harness, input, options)));
            return true;
        }

        foreach (var input in seeds)
            if (!Execute(input)) { hung = true; break; }
        for (int i = 0; !hung && i < options.MaxMutations && (i < options.MinMutations || clock.Elapsed < options.TimeBudget); i++)
        {
            var input = mutator.Mutate(seeds[selector.Next(seeds.Count)], seeds[selector.Next(seeds.Count)]);
            if (!Execute(input)) hung = true;
        }
        if (!hung) worker.Dispose();
        if (slowestInput is not null && slowest > options.InputTimeout / 4) Save(harness, slowestInput, options, "slow");
        return new SmokeReport(harness.Name, corpus.Count, executions, clock.Elapsed, findings) { Slowest = slowest };
    }

    private static string Describe(Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n').Take(4).Select(l => l.Trim());
        return $"{e.GetType().FullName}: {e.Message} | {string.Join(" | ", frames)}";
    }

    private static string? Save(FuzzHarness harness, byte[] input, SmokeOptions options, string kind = "crash")
    {
        try
        {
            var dir = options.FindingsDirectory ?? Path.Combine(Path.GetTempPath(), "dumpscope-fuzz-findings");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, $"{kind}-{harness.Name}-{Convert.ToHexString(SHA1.HashData(input)).ToLowerInvariant()}");
            File.WriteAllBytes(path, input);
            return path;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
