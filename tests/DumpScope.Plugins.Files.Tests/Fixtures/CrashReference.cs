using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Plugins.Files.Tests.Fixtures;

/// <summary>
/// crash 8.0.2's output of a command on a fixture dump, and ours in text, line by line with trailing blanks
/// removed (crash pads its last column): the references made for these tests (tests/fixtures/FIXTURE/crash-NAME.out,
/// copied beside the tests) or the sections of the fixtures' own crash-vmcore.kdump-zlib-d31.out.
/// </summary>
internal static class CrashReference
{
    /// <summary>The lines of tests/fixtures/<paramref name="fixture"/>/crash-<paramref name="name"/>.out after its "crash> CMD" line.</summary>
    public static string[] Bundled(string fixture, string name) =>
        Clean(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "references", fixture, $"crash-{name}.out")).Skip(1));

    /// <summary>The section of a crash output file of the shared fixtures that follows "crash> <paramref name="command"/>".</summary>
    public static string[] Section(string relativeFile, string command)
    {
        var lines = File.ReadAllLines(Testing.Fixtures.Require(relativeFile));
        int start = Array.IndexOf(lines, $"crash> {command}");
        if (start < 0) throw new InvalidOperationException($"{relativeFile} has no 'crash> {command}'");
        return Clean(lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("crash> ", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("WARNING: active task", StringComparison.Ordinal)));
    }

    /// <summary>Our text output of <paramref name="command"/>, cleaned the same way; the command must succeed.</summary>
    public static string[] Ours(DumpScopeSession session, string command)
    {
        var result = session.Run(command);
        result.Failed.Should().BeFalse(result.Error);
        return Clean(TextRenderer.Render(result).Split('\n'));
    }

    private static string[] Clean(IEnumerable<string> lines)
    {
        var list = lines.Select(l => l.TrimEnd()).ToList();
        while (list.Count > 0 && list[^1].Length == 0) list.RemoveAt(list.Count - 1);
        while (list.Count > 0 && list[0].Length == 0) list.RemoveAt(0);
        return [.. list];
    }
}
