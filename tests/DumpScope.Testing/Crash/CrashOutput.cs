using System.Text.RegularExpressions;

namespace DumpScope.Testing.Crash;

/// <summary>
/// Parsed pieces of crash 8.0.2's output (sys, kmem -s, ps, kmem -i, log, in that order, without prompts): kd1's
/// crash-vmcore.kdump-zlib-d31.out by default, or another fixture's.
/// </summary>
public static partial class CrashOutput
{
    public const string Kd1 = "kd1/crash-vmcore.kdump-zlib-d31.out";
    public const string Q1 = "q1/crash-vmcore.elf.out";

    private static string[] Read(string file) => File.ReadAllLines(Fixtures.Require(file));

    /// <summary>The log: every line from the first "[    0.000000] Linux version" on.</summary>
    public static string[] Log(string file = Kd1)
    {
        var lines = Read(file);
        int first = Array.FindIndex(lines, l => l.StartsWith("[    0.000000] Linux version", StringComparison.Ordinal));
        return lines[first..];
    }

    /// <summary>kmem -i rows: name → (pages, integer percent or null for "----").</summary>
    public static Dictionary<string, (long Pages, int? Percent)> KmemInfo(string file = Kd1)
    {
        var rows = new Dictionary<string, (long, int?)>();
        foreach (var line in Read(file))
        {
            var m = KmemInfoLine().Match(line);
            if (!m.Success) continue;
            int? pct = m.Groups[4].Value == "----" ? null : int.Parse(m.Groups[4].Value.Split('%')[0].Trim(), CultureInfo.InvariantCulture);
            rows[m.Groups[1].Value] = (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), pct);
        }
        return rows;
    }

    /// <summary>sys fields: name → value.</summary>
    public static Dictionary<string, string> Sys(string file = Kd1)
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in Read(file).Take(20))
        {
            var m = SysLine().Match(line);
            if (m.Success) fields[m.Groups[1].Value] = m.Groups[2].Value;
        }
        return fields;
    }

    /// <summary>kmem -s rows: (cache address, slabs, slab size in bytes, name).</summary>
    public static List<(ulong Cache, long Slabs, long SlabSize, string Name)> KmemSlabs(string file = Kd1) =>
        Read(file).Select(l => KmemSlabLine().Match(l)).Where(m => m.Success)
            .Select(m => (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) * 1024, m.Groups[4].Value)).ToList();

    /// <summary>crash's kmem -s table: each cache line with its runs of spaces collapsed to one.</summary>
    public static List<string> KmemSlabLines(string file = Kd1)
    {
        var rows = new List<string>();
        bool inTable = false;
        foreach (var line in Read(file))
        {
            if (line.StartsWith("CACHE             OBJSIZE", StringComparison.Ordinal)) { inTable = true; continue; }
            if (!inTable) continue;
            if (!line.StartsWith("ffff", StringComparison.Ordinal)) break;
            rows.Add(string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
        return rows;
    }

    [GeneratedRegex(@"^\s*([A-Z][A-Z ]*?)\s{2,}(\d+)\s+(.+?)\s+(----|\d+% of .+)$")]
    private static partial Regex KmemInfoLine();

    [GeneratedRegex(@"^\s*([A-Z][A-Z ]*): (.*)$")]
    private static partial Regex SysLine();

    [GeneratedRegex(@"^(ffff[0-9a-f]{12})\s+\d+\s+\d+\s+\d+\s+(\d+)\s+(\d+)k\s+(\S+)$")]
    private static partial Regex KmemSlabLine();
}
