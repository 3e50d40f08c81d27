using System.Text.RegularExpressions;

namespace DumpScope.Testing.Crash;

/// <summary>
/// Independent truths about the fixtures, parsed from what was recorded outside DumpScope: the guest's own
/// /proc/kallsyms lines (groundtruth-guest.txt), crash's answers (gt-…/cpus-nodes.txt, crash-*.out) and the
/// panic message's "Kernel Offset" (console.log).
/// </summary>
public static partial class FixtureFacts
{
    /// <summary>name → address from the "--- kallsyms" section of kd1's groundtruth-guest.txt.</summary>
    public static IReadOnlyDictionary<string, ulong> Kd1GuestKallsyms()
    {
        var lines = File.ReadAllLines(Fixtures.Require("kd1/groundtruth-guest.txt"));
        var result = new Dictionary<string, ulong>(StringComparer.Ordinal);
        bool inSection = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("--- ", StringComparison.Ordinal)) { inSection = line == "--- kallsyms"; continue; }
            if (!inSection) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3) result[parts[2]] = ulong.Parse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>A "key: value" line of kd1's groundtruth-guest.txt header ("cpu_possible" → "0-1").</summary>
    public static string Kd1Guest(string key) => Guest("kd1", key);

    /// <summary>A "key: value" line of a fixture's groundtruth-guest.txt header ("k510", "cpu_present" → "0-1").</summary>
    public static string Guest(string fixture, string key)
    {
        var prefix = key + ":";
        var line = File.ReadLines(Fixtures.Require($"{fixture}/groundtruth-guest.txt")).First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line[prefix.Length..].Trim();
    }

    /// <summary>A value crash printed for an expression in gt-…/cpus-nodes.txt ("nr_cpu_ids = $1 = 2").</summary>
    public static ulong Kd1Crash(string expression)
    {
        foreach (var line in File.ReadLines(Fixtures.Require("kd1/gt-vmcore.kdump-zlib-d31/cpus-nodes.txt")))
        {
            var m = CrashValue().Match(line);
            if (m.Success && m.Groups[1].Value == expression)
            {
                var v = m.Groups[2].Value;
                return v.StartsWith("0x", StringComparison.Ordinal)
                    ? ulong.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : ulong.Parse(v, CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"crash did not print {expression}");
    }

    /// <summary>The KASLR offset in a panic message of a console log.</summary>
    public static ulong KernelOffsetFromConsole(string relativePath)
    {
        var text = File.ReadAllText(Fixtures.Require(relativePath));
        var m = KernelOffset().Match(text);
        if (!m.Success) throw new InvalidOperationException($"{relativePath} has no 'Kernel Offset:' line");
        return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>crash's "CPUS: 2 [OFFLINE: 1]" header line of a crash-*.out file: (cpus, offline).</summary>
    public static (int Cpus, int Offline) CrashCpus(string relativePath)
    {
        var text = File.ReadAllText(Fixtures.Require(relativePath));
        var m = CrashCpuLine().Match(text);
        if (!m.Success) throw new InvalidOperationException($"{relativePath} has no CPUS: line");
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0);
    }

    [GeneratedRegex(@"^(.+?) = \$\d+ = (\S+)$")]
    private static partial Regex CrashValue();

    [GeneratedRegex(@"Kernel Offset: 0x([0-9a-f]+) from")]
    private static partial Regex KernelOffset();

    [GeneratedRegex(@"CPUS: (\d+)(?: \[OFFLINE: (\d+)\])?")]
    private static partial Regex CrashCpuLine();
}
