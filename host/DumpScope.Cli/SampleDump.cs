namespace DumpScope.Cli;

/// <summary>The real kernel dump bundled in the repository's samples/dumps, found from the executable's folder upward.</summary>
internal static class SampleDump
{
    public const string RelativePath = "samples/dumps/kd1.kdump-zlib-d31";

    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
