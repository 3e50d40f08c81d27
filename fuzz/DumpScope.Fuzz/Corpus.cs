namespace DumpScope.Fuzz;

/// <summary>The seed corpora under fuzz/corpus/&lt;harness&gt;/, committed with the repository.</summary>
public static class Corpus
{
    /// <summary>The fuzz/corpus folder: DUMPSCOPE_FUZZ_CORPUS, else found above the binaries or the current folder.</summary>
    public static string? FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("DUMPSCOPE_FUZZ_CORPUS");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env)) return Path.GetFullPath(env);
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "fuzz", "corpus");
                if (Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>The inputs of one harness, in file-name order (so runs are reproducible).</summary>
    public static IReadOnlyList<byte[]> Load(string root, string harness)
    {
        var dir = Path.Combine(root, harness);
        if (!Directory.Exists(dir)) return [];
        return Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
    }
}
