namespace DumpScope.Testing;

/// <summary>The checkout the tests run from: its documents are checked against what the code does.</summary>
public static class Repository
{
    /// <summary>The folder holding PluginHost.sln above the test binaries.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "PluginHost.sln"))) return dir.FullName;
            throw new InvalidOperationException($"the test binaries ({AppContext.BaseDirectory}) are not inside a checkout");
        }
    }

    /// <summary>A file of the checkout by its path relative to the root ("docs/json.md").</summary>
    public static string File(string relativePath) => Path.Combine(Root, relativePath);
}
