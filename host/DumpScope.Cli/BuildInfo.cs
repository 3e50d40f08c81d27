using System.Reflection;

namespace DumpScope.Cli;

/// <summary>What `dumpscope --version` prints: the tool's version, the SDK and helper versions it carries, and the commit.</summary>
internal static class BuildInfo
{
    private static readonly Assembly Tool = typeof(BuildInfo).Assembly;

    /// <summary>The tool's version (the package version).</summary>
    public static string Version => Tool.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? DumpScope.Host.HostInfo.Version;

    /// <summary>The git commit the build came from (embedded by the project's EmbedSourceCommit target), or "unknown".</summary>
    public static string Commit => Tool.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceCommit")?.Value is { Length: > 0 } c ? c : "unknown";

    /// <summary>The lines of `--version`: the first is the tool's version alone, so scripts can read it.</summary>
    public static IEnumerable<string> Lines()
    {
        yield return $"dumpscope {Version}";
        yield return $"  sdk (DumpScope.Sdk)              {Sdk.Plugins.SdkInfo.Version.ToString(3)}";
        yield return $"  helpers (DumpScope.Sdk.Linux)    {LinuxHelpersInfo.Version.ToString(3)}";
        yield return $"  host (DumpScope.Host)            {DumpScope.Host.HostInfo.Version}";
        yield return $"  commit                           {Commit}";
    }
}
