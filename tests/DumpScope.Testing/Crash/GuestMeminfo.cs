namespace DumpScope.Testing.Crash;

/// <summary>/proc/meminfo as the guest saw it shortly before the panic (groundtruth-guest.txt), in kB.</summary>
public static class GuestMeminfo
{
    public static Dictionary<string, long> Read()
    {
        var values = new Dictionary<string, long>();
        bool inside = false;
        foreach (var line in File.ReadLines(Fixtures.Require("kd1/groundtruth-guest.txt")))
        {
            if (line.StartsWith("--- ", StringComparison.Ordinal)) inside = line == "--- meminfo";
            else if (inside && line.Split(':', 2) is [var key, var rest])
                values[key.Trim()] = long.Parse(rest.Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return values;
    }
}
