using System.Diagnostics;
using DumpScope.Testing.DumpWriters;

namespace DumpScope.Bench;

/// <summary>
/// <c>make-big-dumps [DIR]</c>: the synthetic terabyte dumps the scale benchmarks open — kdump-compressed and
/// ELF images of a 1 TiB and a 4 TiB machine (bitmaps of 32 / 128 MiB each), with 1 GiB / 2 GiB of dumped
/// pages in 1 MiB runs and everything else excluded. Sparse files: the 2nd bitmap's zeros are holes. Written to
/// DIR (default ~/.cache/dumpscope/bench, or DUMPSCOPE_CACHE/bench), never into the repository.
/// </summary>
public static class BigDumps
{
    /// <summary>The dumps by name.</summary>
    public static readonly IReadOnlyDictionary<string, SparseDumpSpec> Specs = new Dictionary<string, SparseDumpSpec>
    {
        // 2^28 frames = 1 TiB; a 1 MiB run every 1 GiB = 1 GiB dumped.
        ["synthetic-1t"] = new() { MaxPfn = 1UL << 28, RunStride = 1UL << 18 },
        // 2^30 frames = 4 TiB; a 1 MiB run every 2 GiB = 2 GiB dumped.
        ["synthetic-4t"] = new() { MaxPfn = 1UL << 30, RunStride = 1UL << 19 },
    };

    /// <summary>The default output folder.</summary>
    public static string DefaultFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("DUMPSCOPE_CACHE") is { Length: > 0 } cache ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "dumpscope"), "bench");

    /// <summary>Writes every dump not yet in <paramref name="folder"/>, printing time and size of each.</summary>
    public static int Make(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, spec) in Specs)
        {
            foreach (var (suffix, write) in new (string, Action<string, SparseDumpSpec>)[] { (".kdump", SparseDumpWriter.WriteKdump), (".elf", (p, s) => SparseDumpWriter.WriteElf(p, s)) })
            {
                var path = Path.Combine(folder, name + suffix);
                if (File.Exists(path))
                {
                    Console.WriteLine($"{path}: exists ({new FileInfo(path).Length:N0} bytes)");
                    continue;
                }
                var clock = Stopwatch.StartNew();
                write(path + ".partial", spec);
                File.Move(path + ".partial", path);
                Console.WriteLine($"{path}: {spec.MaxPfn:N0} frames, {spec.DumpedPages:N0} dumped, {new FileInfo(path).Length:N0} bytes, written in {clock.Elapsed.TotalSeconds:F1} s");
            }
        }
        return 0;
    }
}
