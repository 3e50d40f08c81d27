namespace DumpScope.Fleet.Triage;

/// <summary>How to start the dumpscope executable as a child process: its apphost, or the dotnet host with dumpscope.dll.</summary>
public sealed record DumpExecutable(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>
    /// The dumpscope this process was started from (or, in a test host, the one built beside the tests): the apphost
    /// in the application folder, else <c>dotnet dumpscope.dll</c> (an installed dotnet tool has no apphost there).
    /// </summary>
    public static DumpExecutable Beside(string? folder = null)
    {
        folder ??= AppContext.BaseDirectory;
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "dumpscope.exe" : "dumpscope");
        if (File.Exists(apphost)) return new DumpExecutable(apphost, []);
        var dll = Path.Combine(folder, "dumpscope.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"no dumpscope executable in {folder}", dll);
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        return new DumpExecutable(host, [dll]);
    }
}
