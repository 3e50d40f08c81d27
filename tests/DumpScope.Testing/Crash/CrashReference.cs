using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Testing.Crash;

/// <summary>
/// crash 8.0.2's output of a command on a fixture dump, and ours in text, line by line with trailing blanks
/// removed (crash pads its last column) and blank lines at either end dropped: the references made for the tests
/// (tests/fixtures/FIXTURE/crash-NAME.out, which a test project copies beside its tests under crash/FIXTURE/ with
/// <c>&lt;None Include="..\fixtures\*\crash-*.out" LinkBase="crash" CopyToOutputDirectory="PreserveNewest" /&gt;</c>)
/// or the sections of the fixtures' own crash-vmcore.kdump-zlib-d31.out.
/// </summary>
public static class CrashReference
{
    /// <summary>
    /// The lines of tests/fixtures/<paramref name="fixture"/>/crash-<paramref name="name"/>.out, without the
    /// "crash> CMD" line some of them start with.
    /// </summary>
    public static string[] Bundled(string fixture, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "crash", fixture, $"crash-{name}.out"));
        return Clean(lines.Length > 0 && lines[0].StartsWith("crash> ", StringComparison.Ordinal) ? lines.Skip(1) : lines);
    }

    /// <summary>The section of a crash output file of the shared fixtures that follows "crash> <paramref name="command"/>".</summary>
    public static string[] Section(string relativeFile, string command)
    {
        var lines = File.ReadAllLines(Fixtures.Require(relativeFile));
        int start = Array.IndexOf(lines, $"crash> {command}");
        if (start < 0) throw new InvalidOperationException($"{relativeFile} has no 'crash> {command}'");
        return Clean(lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("crash> ", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("WARNING: active task", StringComparison.Ordinal)));
    }

    /// <summary>Our text output of <paramref name="command"/>, cleaned the same way; the command must succeed.</summary>
    public static string[] Ours(DumpScopeSession session, string command)
    {
        var result = session.Run(command);
        if (result.Failed) throw new InvalidOperationException($"{command} failed: {result.Error}");
        return Text(result);
    }

    /// <summary>A result as the CLI prints it (with its error, if any), cleaned the same way.</summary>
    public static string[] Text(CommandResult result) => Clean(TextRenderer.Render(result, withError: true).Split('\n'));

    private static string[] Clean(IEnumerable<string> lines)
    {
        var list = lines.Select(l => l.TrimEnd()).ToList();
        while (list.Count > 0 && list[^1].Length == 0) list.RemoveAt(list.Count - 1);
        while (list.Count > 0 && list[0].Length == 0) list.RemoveAt(0);
        return [.. list];
    }
}
