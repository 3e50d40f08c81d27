using BenchmarkDotNet.Running;

namespace DumpScope.Bench;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project bench/DumpScope.Bench -- --filter '*'</c>;
/// <c>-- make-big-dumps [DIR]</c> writes the synthetic terabyte dumps first.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "make-big-dumps") return BigDumps.Make(args.Length > 1 ? args[1] : BigDumps.DefaultFolder);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
