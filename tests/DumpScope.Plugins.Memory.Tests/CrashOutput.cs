using System.Globalization;
using System.Text.RegularExpressions;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>Parsed pieces of crash 8.0.2's output for kd1 (crash-vmcore.kdump-zlib-d31.out: sys, kmem -s, ps, kmem -i, log).</summary>
internal static partial class CrashOutput
{
    public static string[] Lines => File.ReadAllLines(Fixtures.Require("kd1/crash-vmcore.kdump-zlib-d31.out"));

    /// <summary>kmem -i rows: name → (pages, integer percent or null for "----").</summary>
    public static Dictionary<string, (long Pages, int? Percent)> KmemInfo()
    {
        var rows = new Dictionary<string, (long, int?)>();
        foreach (var line in Lines)
        {
            var m = KmemInfoLine().Match(line);
            if (!m.Success) continue;
            int? pct = m.Groups[4].Value == "----" ? null : int.Parse(m.Groups[4].Value.Split('%')[0].Trim(), CultureInfo.InvariantCulture);
            rows[m.Groups[1].Value] = (long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), pct);
        }
        return rows;
    }

    /// <summary>sys fields: name → value.</summary>
    public static Dictionary<string, string> Sys()
    {
        var fields = new Dictionary<string, string>();
        foreach (var line in Lines.Take(20))
        {
            var m = SysLine().Match(line);
            if (m.Success) fields[m.Groups[1].Value] = m.Groups[2].Value;
        }
        return fields;
    }

    /// <summary>kmem -s rows: (cache address, slabs, slab size in bytes, name).</summary>
    public static List<(ulong Cache, long Slabs, long SlabSize, string Name)> KmemSlabs() =>
        Lines.Select(l => KmemSlabLine().Match(l)).Where(m => m.Success)
            .Select(m => (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) * 1024, m.Groups[4].Value)).ToList();

    [GeneratedRegex(@"^\s*([A-Z][A-Z ]*?)\s{2,}(\d+)\s+(.+?)\s+(----|\d+% of .+)$")]
    private static partial Regex KmemInfoLine();

    [GeneratedRegex(@"^\s*([A-Z][A-Z ]*): (.*)$")]
    private static partial Regex SysLine();

    [GeneratedRegex(@"^(ffff[0-9a-f]{12})\s+\d+\s+\d+\s+\d+\s+(\d+)\s+(\d+)k\s+(\S+)$")]
    private static partial Regex KmemSlabLine();
}
