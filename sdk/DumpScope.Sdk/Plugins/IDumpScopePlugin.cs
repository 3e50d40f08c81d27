using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Sdk.Plugins;

/// <summary>
/// The entry class of a plugin (exactly one per plugin assembly, with a public parameterless constructor).
/// The host finds its commands (classes implementing <see cref="Commands.ICommand"/> with
/// <see cref="Commands.CommandAttribute"/>) in the same assembly.
/// </summary>
public interface IDumpScopePlugin
{
    /// <summary>Plugin name as used in plugins.json and <c>--plugins</c> ("slab").</summary>
    string Name { get; }

    /// <summary>Plugin version ("1.2.0").</summary>
    string Version { get; }

    /// <summary>One line saying what the plugin does.</summary>
    string Description { get; }

    /// <summary>Registers the plugin's services (analysis logic other plugins and commands reuse).</summary>
    void ConfigureServices(IServiceCollection services);
}

/// <summary>
/// The SDK version a plugin was built against. In-repository plugins get it from the build; a plugin
/// built from the NuGet package gets it from the package. The host refuses plugins whose major differs
/// from its SDK's or whose minor is higher.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SdkVersionAttribute(string version) : Attribute
{
    /// <summary>The version text, "major.minor.patch".</summary>
    public string Version { get; } = version;
}

/// <summary>The SDK's own version.</summary>
public static class SdkInfo
{
    /// <summary>The version of this SDK assembly.</summary>
    public static Version Version { get; } = typeof(SdkInfo).Assembly.GetName().Version ?? new Version(0, 0);
}
