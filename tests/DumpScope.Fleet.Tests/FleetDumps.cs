namespace DumpScope.Fleet.Tests;

/// <summary>
/// The dumps the fleet tests triage: every fixture dump (kd1 in four formats, kd3, k510, q1, leak A and B; the .zst
/// ones decompressed once by the kit), and damaged copies of kd1 made in a folder of the test's own.
/// </summary>
internal static class FleetDumps
{
    /// <summary>Every fixture dump (skips without the fixtures).</summary>
    public static IReadOnlyList<string> All() =>
    [
        Fixtures.Kd1Zlib, Fixtures.Kd1Lzo, Fixtures.Kd1Flat, Fixtures.Kd1Elf,
        Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), Fixtures.Require("kd3/vmcore.elf-d31"),
        Fixtures.K510Zlib, Fixtures.K510Elf, Fixtures.Q1Elf, Fixtures.LeakDumpA, Fixtures.LeakDumpB,
    ];

    /// <summary>kd1's copies in three formats, whose crash signatures must be equal.</summary>
    public static IReadOnlyList<string> Kd1Formats() => [Fixtures.Kd1Zlib, Fixtures.Kd1Lzo, Fixtures.Kd1Flat, Fixtures.Kd1Elf];

    /// <summary>Damaged copies of kd1 in <paramref name="dir"/>, named by the damage: truncated, header zeroed, random bytes.</summary>
    public static IReadOnlyList<string> Damaged(string dir, int copies = 1)
    {
        var source = Fixtures.Kd1Zlib;
        var made = new List<string>();
        for (int i = 0; i < copies; i++)
        {
            var truncated = Path.Combine(dir, $"truncated-{i}.kdump");
            using (var from = File.OpenRead(source))
            using (var to = File.Create(truncated))
            {
                var head = new byte[4_000_000 + i];
                from.ReadExactly(head);
                to.Write(head);
            }
            var zeroed = Path.Combine(dir, $"header-zeroed-{i}.kdump");
            File.Copy(source, zeroed, overwrite: true);
            using (var f = File.OpenWrite(zeroed)) f.Write(new byte[8192 + i]); // each copy its own contents
            var random = Path.Combine(dir, $"random-{i}.vmcore");
            var bytes = new byte[1 << 20];
            new Random(17 + i).NextBytes(bytes);
            "KDUMP   "u8.CopyTo(bytes);
            File.WriteAllBytes(random, bytes);
            made.AddRange([truncated, zeroed, random]);
        }
        return made;
    }
}
