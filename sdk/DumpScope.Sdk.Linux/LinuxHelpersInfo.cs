namespace DumpScope.Sdk.Linux;

/// <summary>
/// The kernel-helper layer's own identity. The host shares this assembly with every plugin from its own load
/// context, exactly as it shares DumpScope.Sdk: a plugin that ships a private copy is refused at load.
/// </summary>
public static class LinuxHelpersInfo
{
    /// <summary>The version of this helper assembly (it moves with the SDK's version).</summary>
    public static Version Version { get; } = typeof(LinuxHelpersInfo).Assembly.GetName().Version ?? new Version(0, 0);
}
