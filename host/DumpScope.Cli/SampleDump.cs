namespace DumpScope.Cli;

/// <summary>
/// The real kernel dump bundled in the repository's samples/dumps, found from the executable's folder upward, then
/// from the current folder upward (an installed tool does not carry the 17 MB sample: run it inside a checkout).
/// </summary>
internal static class SampleDump
{
    public const string RelativePath = "samples/dumps/kd1.kdump-zlib-d31";

    public static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
