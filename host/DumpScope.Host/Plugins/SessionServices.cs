using DumpScope.Host.Commands;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Plugins;

/// <summary>
/// The session's services: the host's provider (the dump, the kernel, the session) and each active plugin's own
/// (<see cref="PluginServices"/>), built when first needed. Asking for a service type answers from the host, else from
/// the plugins that register it (loading them); asking for all services of a type (IEnumerable&lt;T&gt;: the
/// feature probes, the kernel initializers) gathers the host's and every active plugin's that registers it, loading
/// those plugins and no others.
/// </summary>
public sealed class SessionServices : IServiceProvider, IDisposable
{
    private readonly List<PluginServices> _plugins;
    private readonly List<PluginLoadFailure> _failures;
    private readonly Lock _lock = new();

    internal SessionServices(ServiceProvider root, IEnumerable<Type> hostServiceTypes, IEnumerable<PluginServices> plugins,
        CommandRegistry registry, List<PluginLoadFailure> failures)
    {
        Root = root;
        HostServiceTypes = hostServiceTypes.Where(t => !t.IsGenericTypeDefinition).Distinct().ToArray();
        _plugins = [.. plugins];
        Registry = registry;
        _failures = failures;
    }

    /// <summary>The host's own provider.</summary>
    public ServiceProvider Root { get; }

    /// <summary>The service types the host registers (handed to each plugin's provider as instances).</summary>
    public IReadOnlyList<Type> HostServiceTypes { get; }

    /// <summary>The command registry (a loaded plugin's indexed commands get their classes).</summary>
    public CommandRegistry Registry { get; }

    /// <summary>The active plugins' services, in load order.</summary>
    public IReadOnlyList<PluginServices> Plugins => _plugins;

    /// <summary>Records a plugin that failed when first needed (the session's failures, which `plugins` lists).</summary>
    internal void AddFailure(PluginLoadFailure failure)
    {
        lock (_lock) _failures.Add(failure);
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType)
    {
        if (serviceType == typeof(IServiceProvider)) return this;
        // Commands are created by ActivatorUtilities; answering "is T a service" from the host alone would hide the
        // plugins' services, so it is not answered and every constructor parameter is asked for instead.
        if (serviceType == typeof(IServiceProviderIsService)) return null;
        if (serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            return All(serviceType.GetGenericArguments()[0]);
        if (Root.GetService(serviceType) is { } host) return host;
        foreach (var plugin in _plugins)
        {
            if (!plugin.Declares(serviceType)) continue;
            if (TryProvider(plugin)?.GetService(serviceType) is { } found) return found;
        }
        return null;
    }

    /// <summary>
    /// The services a command of <paramref name="command"/>'s plugin is created with and runs with: its plugin's first,
    /// then the session's (loads the plugin; throws <see cref="PluginLoadException"/> when it cannot be).
    /// </summary>
    public IServiceProvider ForCommand(RegisteredCommand command)
    {
        if (command.Plugin == "host") return this;
        var plugin = _plugins.FirstOrDefault(p => string.Equals(p.Plugin.Name, command.Plugin, StringComparison.OrdinalIgnoreCase))
            ?? throw new PluginLoadException($"plugin '{command.Plugin}' is not active");
        return new CommandServices(plugin.Provider(this), this);
    }

    private ServiceProvider? TryProvider(PluginServices plugin)
    {
        try
        {
            return plugin.Provider(this);
        }
        catch (PluginLoadException)
        {
            return null; // recorded as a failure; the others still answer
        }
    }

    private Array All(Type type)
    {
        var host = Root.GetServices(type).OfType<object>().ToList();
        var all = new List<object>(host);
        foreach (var plugin in _plugins)
        {
            if (!plugin.Declares(type) || TryProvider(plugin) is not { } provider) continue;
            // A plugin's provider holds the host's services too (first); only its own are added here.
            all.AddRange(provider.GetServices(type).OfType<object>().Where(s => !host.Any(h => ReferenceEquals(h, s))));
        }
        var array = Array.CreateInstance(type, all.Count);
        for (int i = 0; i < all.Count; i++) array.SetValue(all[i], i);
        return array;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var plugin in _plugins) plugin.Dispose();
        Root.Dispose();
    }

    /// <summary>A plugin command's services: its plugin's provider, then the session's; all-of-a-type from the session.</summary>
    private sealed class CommandServices(ServiceProvider own, SessionServices session) : IServiceProvider
    {
        public object? GetService(Type serviceType)
        {
            if (serviceType == typeof(IServiceProvider)) return this;
            if (serviceType == typeof(IServiceProviderIsService)) return null;
            if (serviceType.IsGenericType && serviceType.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return session.GetService(serviceType);
            return own.GetService(serviceType) ?? session.GetService(serviceType);
        }
    }
}
