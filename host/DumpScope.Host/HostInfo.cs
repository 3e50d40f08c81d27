namespace DumpScope.Host;

/// <summary>Facts about the host build.</summary>
public static class HostInfo
{
    /// <summary>The host's version.</summary>
    public static string Version => typeof(HostInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
