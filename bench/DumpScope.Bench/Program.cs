using BenchmarkDotNet.Running;

namespace DumpScope.Bench;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project bench/DumpScope.Bench -- --filter '*'</c>;
/// <c>-- make-big-dumps [DIR]</c> writes the synthetic terabyte dumps first; <c>-- make-slab-kernel [DIR] [OBJECTS] [TASKS]</c>
/// the 10-million-object SLUB kernel as a dump.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "make-big-dumps") return BigDumps.Make(args.Length > 1 ? args[1] : BigDumps.DefaultFolder);
        if (args.Length > 0 && args[0] == "make-slab-kernel")
            return SlabKernelDump.Make(args.Length > 1 ? args[1] : BigDumps.DefaultFolder, args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 10_000_000,
                args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
