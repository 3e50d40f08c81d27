using System.Reflection;
using System.Runtime.Loader;
using DumpScope.Sdk.Plugins;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Plugins;

/// <summary>
/// Finds plugins (<c>DIR/&lt;Name&gt;/&lt;Name&gt;.dll</c>) and loads each in its own load context with McMaster.NETCore.Plugins,
/// sharing the SDK and the DI abstractions with the host. Checks that the SDK types really are the host's
/// (a silent private copy breaks type identity) and that the plugin's SDK version is compatible. A plugin
/// that fails is reported and skipped.
/// </summary>
public static class PluginLoader
{
    private static readonly Type[] SharedTypes = [typeof(IDumpScopePlugin), typeof(Sdk.Linux.LinuxHelpersInfo), typeof(IServiceCollection), typeof(ServiceCollectionServiceExtensions)];

    /// <summary>Plugin assembly paths under the folders: each subfolder holding a dll named like itself.</summary>
    public static IReadOnlyList<string> Discover(IEnumerable<string> directories)
    {
        var found = new List<string>();
        foreach (var dir in directories.Where(Directory.Exists))
            foreach (var sub in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
            {
                var dll = Path.Combine(sub, Path.GetFileName(sub) + ".dll");
                if (File.Exists(dll)) found.Add(Path.GetFullPath(dll));
            }
        return found;
    }

    /// <summary>Loads one plugin assembly; returns the plugin or a failure saying why.</summary>
    public static (LoadedPlugin? Plugin, PluginLoadFailure? Failure) Load(string assemblyPath)
    {
        try
        {
            var loader = PluginLoader_Create(Path.GetFullPath(assemblyPath));
            var assembly = loader.LoadDefaultAssembly();
            return FromAssembly(assembly, Path.GetDirectoryName(assemblyPath));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (null, new PluginLoadFailure(assemblyPath, $"could not load: {e.GetType().Name}: {e.Message}"));
        }
    }

    /// <summary>Takes a plugin from an assembly already loaded (tests, in-process plugins).</summary>
    public static (LoadedPlugin? Plugin, PluginLoadFailure? Failure) FromAssembly(Assembly assembly, string? folder = null)
    {
        var source = LoadedPlugin.SourceOf(assembly, folder);
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return (null, new PluginLoadFailure(source, $"types could not be loaded: {e.LoaderExceptions.FirstOrDefault()?.Message}"));
        }

        // A type implementing an IDumpScopePlugin that is not ours means the plugin carried its own SDK copy.
        var foreign = types.FirstOrDefault(t => t.GetInterfaces().Any(i => i.FullName == typeof(IDumpScopePlugin).FullName && i != typeof(IDumpScopePlugin)));
        if (foreign is not null)
        {
            var context = AssemblyLoadContext.GetLoadContext(foreign.GetInterfaces().First(i => i.FullName == typeof(IDumpScopePlugin).FullName).Assembly);
            return (null, new PluginLoadFailure(source, $"it uses a private copy of DumpScope.Sdk (load context '{context?.Name}'), not the host's; reference the SDK with Private=false and ExcludeAssets=runtime"));
        }
        // The same for the helper layer: a plugin's private DumpScope.Sdk.Linux would not share the host's types.
        var helpers = typeof(Sdk.Linux.LinuxHelpersInfo).Assembly;
        var helpersReference = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == helpers.GetName().Name);
        if (helpersReference is not null && AssemblyLoadContext.GetLoadContext(assembly) is { } pluginContext
            && pluginContext.LoadFromAssemblyName(helpersReference) != helpers)
            return (null, new PluginLoadFailure(source, "it uses a private copy of DumpScope.Sdk.Linux, not the host's; reference it with Private=false and ExcludeAssets=runtime"));
        if (AssemblyLoadContext.GetLoadContext(typeof(IDumpScopePlugin).Assembly) != AssemblyLoadContext.Default)
            return (null, new PluginLoadFailure(source, "the host's own SDK is not in the default load context"));

        var entries = types.Where(t => typeof(IDumpScopePlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }).ToArray();
        if (entries.Length != 1)
            return (null, new PluginLoadFailure(source, entries.Length == 0 ? "no class implements IDumpScopePlugin" : $"{entries.Length} classes implement IDumpScopePlugin; exactly one is allowed"));

        var sdkVersion = BuiltAgainst(assembly);
        if (SdkMismatch(assembly.GetName().Name, sdkVersion) is { } mismatch) return (null, new PluginLoadFailure(source, mismatch));

        IDumpScopePlugin entry;
        try
        {
            entry = (IDumpScopePlugin)Activator.CreateInstance(entries[0])!;
            _ = entry.Name;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
            return (null, new PluginLoadFailure(source, $"its entry class {entries[0].Name} threw: {inner.Message}"));
        }
        return (new LoadedPlugin(entry, assembly, sdkVersion, folder), null);
    }

    /// <summary>
    /// The plugin at <paramref name="assemblyPath"/> known from its index (<see cref="PluginIndex"/>), not loaded;
    /// null when it has no usable index (the caller loads it at once), or a failure when the index says it was built
    /// against an SDK this host does not accept.
    /// </summary>
    public static (LoadedPlugin? Plugin, PluginLoadFailure? Failure) FromIndex(string assemblyPath)
    {
        var (index, _) = PluginIndex.TryRead(assemblyPath);
        if (index is null) return (null, null);
        if (SdkMismatch(Path.GetFileNameWithoutExtension(assemblyPath), index.SdkVersion) is { } mismatch)
            return (null, new PluginLoadFailure(Path.GetDirectoryName(assemblyPath)!, mismatch));
        return (new LoadedPlugin(index, Path.GetFullPath(assemblyPath)), null);
    }

    private static string? SdkMismatch(string? assemblyName, Version sdkVersion)
    {
        var host = SdkInfo.Version;
        return sdkVersion.Major != host.Major || sdkVersion.Minor > host.Minor
            ? $"plugin '{assemblyName}' was built against DumpScope SDK {sdkVersion.ToString(3)}; this host has SDK {host.ToString(3)} (the major must match and the minor may not be higher)"
            : null;
    }

    /// <summary>The SDK version a plugin declares (<see cref="SdkVersionAttribute"/>), else the one it references.</summary>
    public static Version BuiltAgainst(Assembly assembly)
    {
        var declared = assembly.GetCustomAttribute<SdkVersionAttribute>()?.Version;
        if (declared is not null && Version.TryParse(declared, out var v)) return Normalize(v);
        var reference = assembly.GetReferencedAssemblies().FirstOrDefault(a => a.Name == typeof(IDumpScopePlugin).Assembly.GetName().Name);
        return Normalize(reference?.Version ?? new Version(0, 0));
    }

    /// <summary>The commands a plugin assembly declares.</summary>
    public static IEnumerable<Type> CommandTypes(Assembly assembly) =>
        assembly.GetTypes().Where(t => typeof(ICommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false }
                                       && t.GetCustomAttribute<CommandAttribute>() is not null);

    private static Version Normalize(Version v) => new(v.Major, Math.Max(v.Minor, 0), Math.Max(v.Build, 0));

    private static McMaster.NETCore.Plugins.PluginLoader PluginLoader_Create(string path) =>
        McMaster.NETCore.Plugins.PluginLoader.CreateFromAssemblyFile(path, SharedTypes, config => config.PreferSharedTypes = true);
}
